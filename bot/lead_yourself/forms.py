"""Read the career plan's modals back into drafts (pure: no Slack, no database)."""

from __future__ import annotations

from typing import Any

from bot.core.forms import metadata, selected_date, slot_refs, value
from bot.lead_yourself.ids import (
    HORIZONS,
    MAX_ACTIONS_PER_HORIZON,
    Action,
    BlockId,
    action_block,
    aspiration_block,
)
from bot.lead_yourself.service import LIMITS, ActionDraft, PlanDraft

PURPOSE = {"why": (BlockId.WHY, Action.WHY), "motivates": (BlockId.MOTIVATES, Action.MOTIVATES),
           "energy": (BlockId.ENERGY, Action.ENERGY), "impact": (BlockId.IMPACT, Action.IMPACT)}


def slot_ids(private_metadata: str) -> dict[int, list[int | None]]:
    """Which existing action each slot edits, as the modal recorded it."""
    raw = metadata({"private_metadata": private_metadata}).get("ids")
    raw = raw if isinstance(raw, dict) else {}
    return {h: slot_refs(raw.get(str(h)), MAX_ACTIONS_PER_HORIZON) or [None] for h in HORIZONS}


def read_plan(view: dict[str, Any]) -> PlanDraft:
    """The draft the person typed into the plan modal."""
    values = (view.get("state") or {}).get("values") or {}
    draft = PlanDraft(**{name: value(values, *ids, LIMITS["purpose"])
                         for name, ids in PURPOSE.items()})
    for horizon, ids in slot_ids(view.get("private_metadata", "")).items():
        draft.aspirations[horizon] = value(values, aspiration_block(horizon), Action.ASPIRATION,
                                           LIMITS["aspiration"])
        for slot, action_id in enumerate(ids):
            draft.actions.append(ActionDraft(
                horizon=horizon,
                what=value(values, action_block("what", horizon, slot), Action.WHAT,
                           LIMITS["what"]),
                due=selected_date(values, action_block("due", horizon, slot), Action.DUE),
                support=value(values, action_block("support", horizon, slot), Action.SUPPORT,
                              LIMITS["support"]),
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
