"""The career plan's modals: the plan form and the small forms (reply, feedback, reschedule,
settings)."""

from __future__ import annotations

import json
from datetime import date

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    DatePickerElement,
    InputBlock,
    PlainTextInputElement,
)
from slack_sdk.models.views import View

from bot.core.blocks import button, context, header, markdown
from bot.core.replies import escape
from bot.core.schedule_form import schedule_blocks
from bot.lead_yourself.ids import (
    HORIZONS,
    MAX_ACTIONS_PER_HORIZON,
    Action,
    BlockId,
    Callback,
    action_block,
    aspiration_block,
)
from bot.lead_yourself.models import CareerPlan, PlanAction
from bot.lead_yourself.service import LIMITS, PURPOSE_FIELDS, PlanDraft
from bot.lead_yourself.views import (
    PRIVATE,
    PURPOSE_QUESTIONS,
    _aspiration_lines,
    _due_lines,
    _flat,
    _sections,
    due_text,
    horizon_title,
)


def _text_input(block_id: str, action_id: str, label: str, *, limit: int, initial: str = "",
                multiline: bool = True, optional: bool = True, placeholder: str | None = None,
                hint: str | None = None) -> InputBlock:
    element = PlainTextInputElement(action_id=action_id, multiline=multiline, max_length=limit,
                                    initial_value=initial[:limit] or None, placeholder=placeholder)
    return InputBlock(block_id=block_id, label=label, element=element, optional=optional,
                      hint=hint)


# --- the plan modal -------------------------------------------------------------------------

def plan_modal(draft: PlanDraft, slots: dict[int, int]) -> View:
    """The form to write or edit the plan; `slots[h]` action slots for each horizon."""
    blocks: list[Block] = [
        header("Purpose"),
        context("Take a moment with these four questions. " + PRIVATE),
    ]
    for name in PURPOSE_FIELDS:
        blocks.append(_text_input(BlockId[name.upper()], Action[name.upper()],
                                  PURPOSE_QUESTIONS[name], limit=LIMITS["purpose"],
                                  initial=getattr(draft, name)))
    ids: dict[str, list[int | None]] = {}
    for h in HORIZONS:
        existing = draft.actions_for(h)
        count = max(1, min(MAX_ACTIONS_PER_HORIZON, max(slots.get(h, 1), len(existing))))
        ids[str(h)] = [a.id for a in existing[:count]] + [None] * (count - len(existing[:count]))
        blocks += [
            header(horizon_title(h)),
            _text_input(aspiration_block(h), Action.ASPIRATION,
                        f"Where do you want to be in {h} year{'s' if h > 1 else ''}?",
                        limit=LIMITS["aspiration"], initial=draft.aspirations.get(h, ""),
                        optional=h != 1, placeholder="e.g. Build my capacity to manage a sales "
                        "team that doubles in size." if h == 1 else None),
        ]
        for slot in range(count):
            action = existing[slot] if slot < len(existing) else None
            due = action.due if action else None
            blocks += [
                _text_input(action_block("what", h, slot), Action.WHAT,
                            f"Action {slot + 1}: What will you do?", limit=LIMITS["what"],
                            initial=action.what if action else "", multiline=False,
                            placeholder="e.g. Attend sales manager training"
                            if h == 1 and slot == 0 else None),
                InputBlock(block_id=action_block("due", h, slot), label="By when?", optional=True,
                           element=DatePickerElement(action_id=Action.DUE, initial_date=(
                               due.isoformat() if due else None))),
                _text_input(action_block("support", h, slot), Action.SUPPORT,
                            "What support do you need from your manager?",
                            limit=LIMITS["support"], initial=action.support if action else ""),
            ]
        if count < MAX_ACTIONS_PER_HORIZON:
            blocks.append(ActionsBlock(block_id=f"career.add.{h}", elements=[
                button("Add another action", Action.ADD_ACTION, str(h))]))
        else:
            blocks.append(context(f"{MAX_ACTIONS_PER_HORIZON} actions is the most one horizon "
                                  "holds. Finish or remove one before adding another."))
    return View(type="modal", callback_id=Callback.PLAN, title="Your career plan",
                submit="Save plan", close="Cancel", blocks=blocks,
                private_metadata=json.dumps({"ids": ids}))


# --- small modals ---------------------------------------------------------------------------

def _modal(callback_id: str, title: str, submit: str, metadata: str,
           blocks: list[Block]) -> View:
    return View(type="modal", callback_id=callback_id, title=title, submit=submit,
                close="Cancel", private_metadata=metadata, blocks=blocks)


def reply_modal(plan: CareerPlan) -> View:
    return _modal(Callback.REPLY, "Reply to the plan", "Send", str(plan.id), [
        context(f"<@{plan.owner_id}> shared their career plan with you. Your reply goes to them "
                "in a DM."),
        _text_input(BlockId.TEXT, Action.TEXT, "How can you help?", limit=LIMITS["feedback"],
                    optional=False),
    ])


def feedback_modal(plan: CareerPlan, due: list[PlanAction], *, today: date) -> View:
    return _modal(Callback.FEEDBACK, "Career plan feedback", "Send", str(plan.id), [
        context(f"Feedback for <@{plan.owner_id}>; it goes to them in a DM."),
        *_sections(_aspiration_lines(plan)),
        *_sections(_due_lines(due, today)),
        _text_input(BlockId.TEXT, Action.TEXT, "Your feedback", limit=LIMITS["feedback"],
                    optional=False),
    ])


def reschedule_modal(action: PlanAction, *, today: date) -> View:
    return _modal(Callback.RESCHEDULE, "Reschedule action", "Save", str(action.id), [
        markdown(f"*{escape(_flat(action.what))}*\nCurrently due {due_text(action, today)}"),
        InputBlock(block_id=BlockId.NEW_DUE, label="New date", element=DatePickerElement(
            action_id=Action.NEW_DUE, initial_date=action.due.isoformat())),
    ])


def settings_modal(plan: CareerPlan) -> View:
    return _modal(Callback.SETTINGS, "Monthly check-in", "Save", str(plan.id), [
        markdown("Once a month Leadwell sends you the actions due soon on your plan, so you can "
                 "keep it current and ask your manager for feedback."),
        *schedule_blocks(ordinal=plan.feedback_ordinal, weekday=plan.feedback_weekday,
                         hour=plan.feedback_hour),
    ])


