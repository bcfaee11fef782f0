"""Block Kit for the career plan: summaries, DMs, help and the App Home section."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    DividerBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.core.blocks import (
    SECTION_LIMIT,
    Message,
    button,
    clip,
    context,
    header,
    markdown,
    notice,
)
from bot.core.replies import escape
from bot.lead_yourself.ids import (
    COMMAND,
    HORIZONS,
    Action,
)
from bot.lead_yourself.models import CareerPlan, PlanAction, PlanFeedback
from bot.lead_yourself.service import PURPOSE_FIELDS, open_actions

PURPOSE_QUESTIONS = {
    "why": "Why do you do what you do?",
    "motivates": "What motivates you about your work?",
    "energy": "What gives you energy?",
    "impact": "What impact are you trying to have in the world?",
}
MAX_DUE_SHOWN = 12
MAX_NEXT_ACTIONS = 5
MAX_HISTORY = 20
PRIVATE = "Your plan is private: only you can see it until you share it with your manager."


# --- small pieces ---------------------------------------------------------------------------

def day(d: date) -> str:
    """`Mon 12 Jan 2027`."""
    return f"{d:%a %d %b %Y}"


def horizon_title(horizon: int) -> str:
    return "In 1 year" if horizon == 1 else f"In {horizon} years"


def _flat(text: str) -> str:
    return " ".join(text.split())


def _quote(text: str) -> str:
    return "\n".join(f">{escape(line)}" for line in text.strip().splitlines())


def due_text(action: PlanAction, today: date) -> str:
    late = " :warning: overdue" if action.due < today else ""
    return f"{day(action.due)}{late}"


def action_line(action: PlanAction, today: date, *, support: bool = True) -> str:
    """`• what — by Mon 12 Jan 2027 :warning: overdue` and, if asked, the support on a line."""
    line = f"• {escape(_flat(action.what))} — by {due_text(action, today)}"
    if support and action.support.strip():
        line += f"\n      _support asked: {escape(_flat(action.support))}_"
    return line


def _sections(lines: Sequence[str], *, max_blocks: int = 3) -> list[Block]:
    """Lines packed into as few sections as fit in Slack's 3000 characters each."""
    chunks: list[str] = []
    for line in (clip(line, SECTION_LIMIT) for line in lines):
        if chunks and len(chunks[-1]) + 1 + len(line) <= SECTION_LIMIT:
            chunks[-1] += "\n" + line
        else:
            chunks.append(line)
    return [markdown(chunk) for chunk in chunks[:max_blocks]]


def _aspiration_lines(plan: CareerPlan) -> list[str]:
    return [f"*{horizon_title(h)}:* {escape(plan.aspiration(h))}" for h in HORIZONS
            if plan.aspiration(h).strip()] or ["_No aspirations written yet._"]


def _due_lines(due: Sequence[PlanAction], today: date) -> list[str]:
    if not due:
        return ["_Nothing is due in the next 30 days._"]
    lines = ["*Due soon*", *(action_line(a, today) for a in due[:MAX_DUE_SHOWN])]
    if len(due) > MAX_DUE_SHOWN:
        lines.append(f"_and {len(due) - MAX_DUE_SHOWN} more_")
    return lines


# --- summaries and DMs ----------------------------------------------------------------------

def _status(plan: CareerPlan) -> str:
    done = sum(1 for a in plan.actions if a.done_at is not None)
    parts = [f":white_check_mark: {done} action{'' if done == 1 else 's'} done"]
    if plan.shared_with:
        shared = f"Shared with <@{plan.shared_with}>"
        if plan.shared_at:
            shared += f" on {plan.shared_at:%Y-%m-%d}"
        if plan.acknowledged_at:
            shared += f" · acknowledged on {plan.acknowledged_at:%Y-%m-%d}"
        parts.append(shared)
    else:
        parts.append("Private: not shared yet")
    return " · ".join(parts)


def _summary_blocks(plan: CareerPlan, feedback: Sequence[PlanFeedback],
                    today: date) -> list[Block]:
    blocks: list[Block] = [
        header("Career plan"),
        context(f"<@{plan.owner_id}> · version {plan.version} · saved {plan.updated_at:%Y-%m-%d}"),
    ]
    purpose = [f"*{PURPOSE_QUESTIONS[n]}*\n{escape(getattr(plan, n).strip())}"
               for n in PURPOSE_FIELDS if getattr(plan, n).strip()]
    blocks += [markdown(p) for p in purpose] or [markdown("*Purpose*\n_Not written yet._")]
    by_horizon = {h: [a for a in open_actions(plan) if a.horizon == h] for h in HORIZONS}
    for h in HORIZONS:
        aspiration = escape(plan.aspiration(h).strip()) or "_Not written yet._"
        lines = [f"*{horizon_title(h)}*", aspiration]
        lines += [action_line(a, today) for a in by_horizon[h]]
        blocks += _sections(lines)
    blocks.append(context(_status(plan)))
    if feedback:
        latest = max(feedback, key=lambda f: (f.created_at, f.id or 0))
        blocks.append(markdown(f"*Latest feedback* from <@{latest.author_id}> on "
                               f"{latest.created_at:%Y-%m-%d}:\n{_quote(latest.text)}"))
    return blocks


def plan_summary(plan: CareerPlan, feedback: list[PlanFeedback], *, today: date) -> Message:
    """The whole plan, for `/careerplan show` and the manager's share DM."""
    return Message(text=f"Career plan of <@{plan.owner_id}> (version {plan.version})",
                   blocks=_summary_blocks(plan, feedback, today))


def share_request(plan: CareerPlan, feedback: list[PlanFeedback], *, today: date) -> Message:
    """The DM to the manager the plan was shared with."""
    lead = f"<@{plan.owner_id}> shared their career plan with you."
    asks = [f"• {escape(_flat(a.what))} ({day(a.due)}): {escape(_flat(a.support))}"
            for a in open_actions(plan) if a.support.strip()]
    support = (_sections(["*Support they asked for*", *asks], max_blocks=5) if asks
               else [markdown("_They have not asked for specific support yet._")])
    value = str(plan.id)
    blocks = [markdown(lead), *_summary_blocks(plan, feedback, today), *support,
              ActionsBlock(block_id=f"career.share.{plan.id}", elements=[
                  button("Acknowledge", Action.ACKNOWLEDGE, value, "primary"),
                  button("Reply with how you can help", Action.REPLY, value)]),
              context(f"Only you and <@{plan.owner_id}> can see this plan.")]
    return Message(text=lead, blocks=blocks)


def feedback_notice(author_id: str, kind: str, text: str) -> Message:
    """The DM to the owner with the manager's reply or monthly feedback."""
    verb = "replied to" if kind == "reply" else "sent feedback on"
    lead = f"<@{author_id}> {verb} your career plan:"
    return Message(text=f"{lead} {clip(_flat(text), 500)}",
                   blocks=[markdown(f"{lead}\n{_quote(text)}")])


def acknowledged_notice(manager_id: str) -> Message:
    return notice(f"<@{manager_id}> acknowledged your career plan.")


def shared_notice(manager_id: str) -> Message:
    """The owner's confirmation after `/careerplan share`."""
    return notice(f"Your career plan is now shared with <@{manager_id}>. They can read it and "
                   f"give you feedback; `{COMMAND} unshare` makes it private again.")


def unshared_notice(manager_id: str) -> Message:
    return notice(f"Your career plan is private again: <@{manager_id}> can no longer see it.")


def monthly_message(plan: CareerPlan, due: list[PlanAction], *, today: date,
                    manager_name: str | None = None) -> Message:
    """The monthly check-in DM: what is due soon, with buttons to keep the plan current."""
    blocks: list[Block] = [header("Your monthly career check-in")]
    if not due:
        text = "Your monthly career check-in: nothing is due in the next 30 days."
        blocks.append(markdown("Nothing on your career plan is due in the next 30 days. A good "
                               f"moment to read it again with `{COMMAND} show`."))
    else:
        text = (f"Your monthly career check-in: {len(due)} action{'s' if len(due) > 1 else ''} "
                "due in the next 30 days.")
        blocks.append(markdown("Here is what is due on your career plan in the next 30 days."))
        for a in due[:MAX_DUE_SHOWN]:
            value = str(a.id)
            blocks += [
                markdown(f"*{escape(_flat(a.what))}* — due {due_text(a, today)}",
                         block_id=f"career.due.{a.id}"),
                ActionsBlock(block_id=f"career.due_actions.{a.id}", elements=[
                    button("Done", Action.MARK_DONE, value, "primary"),
                    button("Snooze a week", Action.SNOOZE, value),
                    button("Reschedule", Action.RESCHEDULE, value)]),
            ]
        if len(due) > MAX_DUE_SHOWN:
            blocks.append(context(f"and {len(due) - MAX_DUE_SHOWN} more — see "
                                  f"`{COMMAND} show`"))
    if plan.shared_with:
        blocks.append(ActionsBlock(block_id=f"career.ask.{plan.id}", elements=[
            button(f"Ask {clip(manager_name or 'my manager', 40)} for feedback",
                    Action.ASK_FEEDBACK, str(plan.id))]))
    else:
        blocks.append(context(f"Share your plan with `{COMMAND} share` so your manager can give "
                              "you feedback."))
    return Message(text=text, blocks=blocks)


def feedback_request(plan: CareerPlan, due: list[PlanAction], *, today: date) -> Message:
    """The DM to the manager when the owner asks for feedback."""
    lead = f"<@{plan.owner_id}> asks for your feedback on their career plan."
    blocks = [markdown(lead), *_sections(_aspiration_lines(plan)),
              *_sections(_due_lines(due, today)),
              ActionsBlock(block_id=f"career.give.{plan.id}", elements=[
                  button("Give feedback", Action.GIVE_FEEDBACK, str(plan.id), "primary")])]
    return Message(text=lead, blocks=blocks)


def history_message(entries: list[tuple[int, datetime, list[str]]]) -> Message:
    """`/careerplan history`: each saved version, newest first, with what changed."""
    if not entries:
        return notice("No saved versions yet.")
    lines = []
    for version, saved_at, changes in entries[:MAX_HISTORY]:
        when = saved_at.astimezone(UTC) if saved_at.tzinfo else saved_at
        lines.append(f"Version {version} — {when:%Y-%m-%d %H:%M} UTC: {', '.join(changes)}")
    blocks: list[Block] = [markdown("*Your career plan, version by version*"),
                           *_sections(lines, max_blocks=5)]
    if len(entries) > MAX_HISTORY:
        blocks.append(context(f"and {len(entries) - MAX_HISTORY} earlier versions"))
    return Message(text=f"Your career plan has {len(entries)} saved versions.", blocks=blocks)


def help_message(*, prefix: str = "") -> Message:
    """Every subcommand, one line each; `prefix` (e.g. "I don't know ...\n") comes first."""
    text = prefix + "\n".join([
        f"*Leadwell `{COMMAND}`: lead yourself*",
        f"• `{COMMAND}`: write or edit your career plan (opens the form)",
        f"• `{COMMAND} show`: your plan, its open actions and the latest feedback",
        f"• `{COMMAND} share`: share it with your manager so they can support you",
        f"• `{COMMAND} unshare`: make it private again",
        f"• `{COMMAND} history`: the versions you saved and what changed",
        f"• `{COMMAND} export`: a printable Markdown copy",
        f"• `{COMMAND} settings`: when your monthly check-in arrives",
        f"• `{COMMAND} help`: this message",
        PRIVATE,
    ])
    return notice(text)


# --- App Home -------------------------------------------------------------------------------

def home_section(plan: CareerPlan | None, *, today: date, manager_id: str | None) -> list[Block]:
    """The career plan's section of App Home."""
    blocks: list[Block] = [header("Lead yourself")]
    if plan is None:
        return [*blocks, markdown("Write down why you do what you do, where you want to be in 1, "
                                  "3 and 5 years, and the actions that will get you there. "
                                  + PRIVATE),
                ActionsBlock(block_id="career.home", elements=[
                    button("Write my career plan", Action.EDIT, "new", "primary")]),
                DividerBlock()]
    purpose = next((getattr(plan, n) for n in PURPOSE_FIELDS if getattr(plan, n).strip()), "")
    lines = [f"*Purpose:* {escape(clip(_flat(purpose), 150)) or '_not written yet_'}"]
    lines += [f"*{horizon_title(h)}:* {escape(clip(_flat(plan.aspiration(h)), 150)) or '_not set_'}"
              for h in HORIZONS]
    blocks.append(markdown("\n".join(lines)))
    actions = open_actions(plan)
    if actions:
        blocks.append(markdown("*Next actions*"))
        blocks += [SectionBlock(block_id=f"career.next.{a.id}",
                                text=MarkdownTextObject(text=action_line(a, today, support=False)),
                                accessory=button("Mark done", Action.MARK_DONE, str(a.id)))
                   for a in actions[:MAX_NEXT_ACTIONS]]
    else:
        blocks.append(context("No open actions: add your next steps with *Edit plan*."))
    buttons = [button("Edit plan", Action.EDIT, str(plan.id))]
    if plan.shared_with is None and manager_id:
        buttons.append(button("Share with my manager", Action.SHARE, str(plan.id), "primary"))
    blocks.append(ActionsBlock(block_id="career.home", elements=buttons))
    if plan.shared_with:
        blocks.append(context(f"Shared with <@{plan.shared_with}>."))
    elif not manager_id:
        blocks.append(context("To share your plan, first set your manager with "
                              "`/team manager @someone`."))
    return [*blocks, DividerBlock()]


