"""Block Kit for development plans: the plan modal, summaries, the monthly review DM and modal."""

from __future__ import annotations

import json
from datetime import datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    InputBlock,
    PlainTextInputElement,
)
from slack_sdk.models.views import View

from bot.core.blocks import Message, clip, context, header, markdown
from bot.core.forms import date_input, select_input, text_input
from bot.core.replies import escape
from bot.core.schedule_form import schedule_blocks
from bot.lead_down.devplan import (
    BLANK_SLOTS,
    KINDS,
    LIMITS,
    MAX_ACTIONS,
    MAX_SKILLS,
    STATUSES,
    PlanDraft,
    is_stale,
)
from bot.lead_down.ids import Action, BlockId, Callback, slot_block
from bot.lead_down.models import DevAction, DevComment, DevPlan, DevSkill

MAX_LISTED = 15


def plan_modal(report_id: str, draft: PlanDraft) -> View:
    """The manager's form for a report's plan; two blank skill and action slots to add more."""
    skill_slots = min(MAX_SKILLS, len(draft.skills) + BLANK_SLOTS)
    action_slots = min(MAX_ACTIONS, len(draft.actions) + BLANK_SLOTS)
    blocks: list[Block] = [context(f"Development plan for <@{report_id}>. Only they and you can "
                                   "read it."), header("Skills to develop")]
    for slot in range(skill_slots):
        skill = draft.skills[slot] if slot < len(draft.skills) else None
        blocks += [
            text_input(slot_block("skill", slot), Action.SKILL, f"Skill {slot + 1}",
                       LIMITS["name"], skill.name if skill else ""),
            text_input(slot_block("now", slot), Action.NOW, "Where they are now",
                       LIMITS["level"], skill.current if skill else ""),
            text_input(slot_block("aim", slot), Action.AIM, "Where they aim to be",
                       LIMITS["level"], skill.target if skill else ""),
        ]
    blocks.append(header("Development actions"))
    for slot in range(action_slots):
        action = draft.actions[slot] if slot < len(draft.actions) else None
        blocks += [
            text_input(slot_block("what", slot), Action.WHAT,
                       f"Action {slot + 1}: training, shadowing, a stretch assignment…",
                       LIMITS["what"], action.what if action else ""),
            select_input(slot_block("kind", slot), Action.KIND, "Type", KINDS,
                         action.kind if action else "training"),
            date_input(slot_block("by", slot), Action.BY, "Due", action.due if action else None),
            select_input(slot_block("status", slot), Action.STATUS, "Status", STATUSES,
                         action.status if action else "not_started"),
        ]
    if skill_slots == MAX_SKILLS or action_slots == MAX_ACTIONS:
        blocks.append(context(f"A plan holds up to {MAX_SKILLS} skills and {MAX_ACTIONS} "
                              "actions: finish or clear one to make room."))
    blocks += [
        header("Next role"),
        text_input(BlockId.ROLE, Action.ROLE, "The next role they are preparing for",
                   LIMITS["role"], draft.next_role),
        date_input(BlockId.ROLE_DATE, Action.ROLE_DATE, "Target date", draft.target_date),
        text_input(BlockId.NOTES, Action.NOTES, "Notes", LIMITS["notes"], draft.notes,
                   multiline=True),
    ]
    ids = [a.id for a in draft.actions] + [None] * (action_slots - len(draft.actions))
    return View(type="modal", callback_id=Callback.DEVPLAN, title="Development plan",
                submit="Save plan", close="Cancel", blocks=blocks,
                private_metadata=json.dumps({"report": report_id, "actions": ids}))


def _action_line(action: DevAction) -> str:
    note = f" — _{escape(clip(action.note, 200))}_" if action.note else ""
    return (f"• {escape(action.what)} ({KINDS.get(action.kind, action.kind).lower()}, due "
            f"{action.due:%d %b %Y}): *{STATUSES.get(action.status, action.status)}*{note}")


def _reviewed(plan: DevPlan) -> str:
    return (f"last reviewed {plan.last_reviewed_at:%d %b %Y}" if plan.last_reviewed_at
            else "not reviewed yet")


def plan_message(plan: DevPlan, skills: list[DevSkill], actions: list[DevAction],
                 comments: list[DevComment], *, for_manager: bool) -> Message:
    """A plan as its report or manager reads it, with the buttons they may use."""
    role = (f"*Next role:* {escape(plan.next_role)}"
            + (f" (target {plan.target_date:%d %b %Y})" if plan.target_date else "")
            if plan.next_role else "*Next role:* _not set_")
    lines = [f"*Development plan of <@{plan.report_id}>* ({_reviewed(plan)})", role]
    lines += ["*Skills*"] + [f"• {escape(s.name)}: {escape(s.current) or '?'} → "
                             f"{escape(s.target) or '?'}" for s in skills] if skills else []
    lines += ["*Actions*"] + [_action_line(a) for a in actions] if actions else []
    if plan.notes:
        lines.append(f"*Notes:* {escape(plan.notes)}")
    lines += [f"> <@{c.author_id}> ({c.created_at:%d %b}): {escape(clip(c.text, 300))}"
              for c in comments]
    buttons = [ButtonElement(text="Add a comment", action_id=Action.COMMENT, value=str(plan.id))]
    if for_manager:
        buttons = [ButtonElement(text="Edit", action_id=Action.EDIT_PLAN, value=plan.report_id),
                   ButtonElement(text="Review", action_id=Action.REVIEW, value=str(plan.id),
                                 style="primary"), *buttons]
    text = f"Development plan of <@{plan.report_id}>"
    return Message(text=text, blocks=[markdown(clip("\n".join(lines), 3000)),
                                      ActionsBlock(block_id=f"dev.plan.{plan.id}",
                                                   elements=buttons)])


def team_plans(entries: list[tuple[str, DevPlan | None]], now: datetime, *,
               title: str = "Your team's development plans") -> list[Block]:
    """One line per report with Write/Edit and Review buttons (the manager's list)."""
    blocks: list[Block] = [header(title)]
    for report_id, plan in entries[:MAX_LISTED]:
        if plan is None:
            line, buttons = f"<@{report_id}>: _no plan yet_", [ButtonElement(
                text="Write plan", action_id=Action.EDIT_PLAN, value=report_id)]
        else:
            flag = " :warning: not reviewed for a month" if is_stale(plan, now) else ""
            role = f", preparing for {escape(clip(plan.next_role, 80))}" if plan.next_role else ""
            line = f"<@{report_id}>{role}: {_reviewed(plan)}{flag}"
            buttons = [ButtonElement(text="Review", action_id=Action.REVIEW, value=str(plan.id)),
                       ButtonElement(text="Edit", action_id=Action.EDIT_PLAN, value=report_id)]
        blocks += [markdown(line), ActionsBlock(block_id=f"dev.team.{report_id}",
                                                elements=buttons)]
    if len(entries) > MAX_LISTED:
        blocks.append(context(f"and {len(entries) - MAX_LISTED} more: `/devplan @name`"))
    return blocks


def review_message(entries: list[tuple[str, DevPlan | None]], now: datetime, *,
                   reminder: bool = False) -> Message:
    """The monthly review DM to the manager."""
    planned = [(r, p) for r, p in entries if p is not None]
    lead = "Reminder: " if reminder else ""
    text = f"{lead}Time for the monthly review of your team's development plans."
    blocks = [markdown(text), *team_plans(planned, now, title="Monthly development review")[1:]]
    return Message(text=text, blocks=blocks[:50])


def review_modal(plan: DevPlan, actions: list[DevAction]) -> View:
    blocks: list[Block] = [markdown(f"Review of <@{plan.report_id}>'s development plan.")]
    for action in actions[:20]:
        blocks += [
            markdown(f"*{escape(action.what)}* (due {action.due:%d %b %Y})"),
            select_input(slot_block("status", action.id), Action.STATUS, "Status", STATUSES,
                         action.status),
            text_input(slot_block("note", action.id), Action.NOTE, "Progress note",
                       LIMITS["note"], action.note, multiline=True),
        ]
    if not actions:
        blocks.append(context("The plan has no actions yet: saving logs the review."))
    return View(type="modal", callback_id=Callback.REVIEW, title="Monthly review",
                submit="Log review", close="Cancel", private_metadata=str(plan.id),
                blocks=blocks)


def review_summary(manager_id: str, summary: list[dict]) -> Message:
    """The short DM to the report once their plan was reviewed."""
    counts = {label: sum(1 for s in summary if s["status"] == key)
              for key, label in STATUSES.items()}
    tally = ", ".join(f"{n} {label.lower()}" for label, n in counts.items() if n) or "no actions"
    text = f"<@{manager_id}> reviewed your development plan: {tally}."
    lines = [text] + [f"• {escape(s['what'])}: *{STATUSES[s['status']]}*"
                      + (f" — {escape(s['note'])}" if s["note"] else "") for s in summary[:20]]
    return Message(text=text, blocks=[markdown(clip("\n".join(lines), 3000))])


def comment_modal(plan: DevPlan) -> View:
    return View(type="modal", callback_id=Callback.COMMENT, title="Comment on the plan",
                submit="Add comment", close="Cancel", private_metadata=str(plan.id), blocks=[
                    InputBlock(block_id=BlockId.TEXT, label="Your comment",
                               element=PlainTextInputElement(
                                   action_id=Action.TEXT, multiline=True,
                                   max_length=LIMITS["comment"]))])


def comment_notice(author_id: str, report_id: str, text: str) -> Message:
    whose = "your" if author_id == report_id else f"<@{report_id}>'s"
    lead = f"<@{author_id}> commented on {whose} development plan:"
    return Message(text=f"{lead} {clip(text, 300)}",
                   blocks=[markdown(f"{lead}\n>{escape(clip(text, 2000))}")])


def settings_modal(*, ordinal: int, weekday: int, hour: int) -> View:
    return View(type="modal", callback_id=Callback.SETTINGS, title="Monthly review",
                submit="Save", close="Cancel", blocks=[
                    markdown("When should Leadwell ask you to review your team's development "
                             "plans each month?"),
                    *schedule_blocks(ordinal=ordinal, weekday=weekday, hour=hour)])
