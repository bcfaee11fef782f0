"""Read the career plan's modals back into drafts (pure: no Slack, no database)."""

from __future__ import annotations

import json
from typing import Any

from bot.core.forms import selected_date, value
from bot.lead_yourself.ids import (
    HORIZONS,
    MAX_ACTIONS_PER_HORIZON,
    Action,
    BlockId,
    action_block,
    aspiration_block,
)
from bot.lead_yourself.service import ActionDraft, PlanDraft

PURPOSE = {"why": (BlockId.WHY, Action.WHY), "motivates": (BlockId.MOTIVATES, Action.MOTIVATES),
           "energy": (BlockId.ENERGY, Action.ENERGY), "impact": (BlockId.IMPACT, Action.IMPACT)}


def slot_ids(private_metadata: str) -> dict[int, list[int | None]]:
    """Which existing action each slot edits, as the modal recorded it."""
    try:
        raw = json.loads(private_metadata or "{}").get("ids", {})
        return {h: [int(i) if i is not None else None for i in raw.get(str(h), [None])]
                [:MAX_ACTIONS_PER_HORIZON] or [None] for h in HORIZONS}
    except (ValueError, TypeError, AttributeError):
        return {h: [None] for h in HORIZONS}


def read_plan(view: dict[str, Any]) -> PlanDraft:
    """The draft the person typed into the plan modal."""
    values = (view.get("state") or {}).get("values") or {}
    draft = PlanDraft(**{name: value(values, *ids) for name, ids in PURPOSE.items()})
    for horizon, ids in slot_ids(view.get("private_metadata", "")).items():
        draft.aspirations[horizon] = value(values, aspiration_block(horizon), Action.ASPIRATION)
        for slot, action_id in enumerate(ids):
            draft.actions.append(ActionDraft(
                horizon=horizon,
                what=value(values, action_block("what", horizon, slot), Action.WHAT),
                due=selected_date(values, action_block("due", horizon, slot), Action.DUE),
                support=value(values, action_block("support", horizon, slot), Action.SUPPORT),
                id=action_id,
            ))
    return draft


def slots_of(draft: PlanDraft, *, grow: int | None = None) -> dict[int, int]:
    """Action slots to show per horizon (at least one; one more for `grow`; at most the cap)."""
    slots = {h: max(1, len(draft.actions_for(h))) + (1 if h == grow else 0) for h in HORIZONS}
    return {h: min(n, MAX_ACTIONS_PER_HORIZON) for h, n in slots.items()}


def error_blocks(errors: dict[tuple[str, int, int], str]) -> dict[str, str]:
    """Validation errors keyed by the modal's block ids (for response_action=errors)."""
    return {
        aspiration_block(h) if field == "aspiration" else action_block(field, h, slot): message
        for (field, h, slot), message in errors.items()
    }
