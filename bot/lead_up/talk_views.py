"""Block Kit for home-office talks: the department list, the Log talk modal, the DMs."""

from __future__ import annotations

from datetime import date

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    InputBlock,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.core.blocks import SECTION_LIMIT, Message, clip, context, markdown
from bot.core.forms import date_input, select_input, text_input
from bot.core.replies import escape
from bot.lead_up.ids import Action, BlockId, Callback, slot_block
from bot.lead_up.models import Department, HomeOfficeTalk
from bot.lead_up.talks import LIMITS, MAX_DEPARTMENTS, find, not_met

PRIVATE = "Only you see your talk logs."


def quarter_label(quarter: str) -> str:
    """`Q1 2027` for "2027-Q1"."""
    year, number = quarter.split("-")
    return f"{number} {year}"


def _who(department: Department) -> str:
    contact = f" (contact <@{department.contact_id}>)" if department.contact_id else ""
    return f"*{escape(department.name)}*{contact}"


def log_button(department: str, *, label: str = "Log talk",
               primary: bool = False) -> ButtonElement:
    return ButtonElement(text=label, action_id=Action.LOG_TALK, value=department,
                         style="primary" if primary else None)


def department_rows(departments: list[Department]) -> list[Block]:
    """One line per department with its Log talk button."""
    return [markdown(_who(d), block_id=slot_block("talk", index), accessory=log_button(d.name))
            for index, d in enumerate(departments[:MAX_DEPARTMENTS])]


def departments_modal(departments: list[Department]) -> View:
    """The admin's form: up to eight departments, each with an optional contact person."""
    blocks: list[Block] = [markdown(
        "The home-office departments every sales manager meets each quarter, to thank them and "
        "learn ideas for working together. The contact person gets the managers' thank-you "
        "notes by DM.")]
    for slot in range(MAX_DEPARTMENTS):
        current = departments[slot] if slot < len(departments) else None
        blocks += [
            text_input(slot_block("department", slot), Action.DEPARTMENT,
                       f"Department {slot + 1}", LIMITS["name"], current.name if current else ""),
            InputBlock(block_id=slot_block("contact", slot), label="Contact person",
                       optional=True, element=UserSelectElement(
                           action_id=Action.CONTACT, placeholder="Nobody yet",
                           initial_user=current.contact_id if current else None)),
        ]
    blocks.append(context("Clear a name to remove the department. Talks already logged stay."))
    return View(type="modal", callback_id=Callback.DEPARTMENTS, title="Home-office departments",
                submit="Save", close="Cancel", blocks=blocks)


def departments_saved(departments: list[Department]) -> Message:
    """The admin's confirmation once the list is saved."""
    text = "Home-office departments saved: " + ", ".join(_who(d) for d in departments) + "."
    return Message(text=text, blocks=[markdown(text)])


def talk_modal(departments: list[Department], *, selected: str, today: date) -> View:
    """The Log talk form; the thank-you note only where the department has a contact."""
    department = find(departments, selected) or departments[0]
    choices = {d.name: clip(d.name, 75) for d in departments[:MAX_DEPARTMENTS]}
    blocks: list[Block] = [
        select_input(BlockId.DEPARTMENT, Action.DEPARTMENT, "Department", choices,
                     department.name),
        date_input(BlockId.DAY, Action.DAY, "Day of the talk", today),
        text_input(BlockId.THANKED, Action.TEXT, "What we thanked them for", LIMITS["thanked"],
                   multiline=True),
        text_input(BlockId.IDEAS, Action.TEXT, "Ideas learned for working together",
                   LIMITS["ideas"], multiline=True),
        text_input(BlockId.FOLLOW_UPS, Action.TEXT, "Follow-ups", LIMITS["follow_ups"],
                   multiline=True),
    ]
    if department.contact_id:
        blocks += [
            text_input(BlockId.THANK_YOU, Action.TEXT, "Thank-you note (optional)",
                       LIMITS["thank_you"], multiline=True),
            context(f"Leadwell sends the note by DM to <@{department.contact_id}>, "
                    f"{escape(department.name)}'s contact, from you."),
        ]
    blocks.append(context(f"{PRIVATE} Write what you thanked them for, the ideas, or both."))
    return View(type="modal", callback_id=Callback.TALK, title="Log a home-office talk",
                submit="Log talk", close="Cancel", blocks=blocks)


def talk_logged(talk: HomeOfficeTalk, remaining: list[Department], *,
                sent_to: str | None) -> Message:
    """The manager's confirmation once a talk is saved."""
    text = (f"Logged your talk with {escape(talk.department)} on {talk.day:%a %d %b %Y} "
            f"({quarter_label(talk.quarter)}).")
    lines = [text]
    if talk.thank_you and sent_to:
        lines.append(f"Your thank-you note went to <@{sent_to}>.")
    elif talk.thank_you:
        lines.append("Your thank-you note could not be delivered; it is saved with the talk.")
    quarter = quarter_label(talk.quarter)
    lines.append(f"Still to meet in {quarter}: " + ", ".join(escape(d.name) for d in remaining)
                 if remaining else f"You have met every department in {quarter}. :tada:")
    return Message(text=text, blocks=[markdown("\n".join(lines))])


def thank_you_message(manager_id: str, department: str, note: str) -> Message:
    """The DM to a department's contact, from the manager."""
    lead = f"<@{manager_id}> (Sales) wants to thank you:"
    return Message(text=f"{lead} {clip(escape(note), 300)}", blocks=[
        markdown(f"{lead}\n>{escape(note)}"),
        context(f"Sent by Leadwell after their quarterly talk with {escape(department)}.")])


def quarter_start_message(departments: list[Department], quarter: str) -> Message:
    """The quarter-start DM: plan a talk with each department."""
    text = (f"A new quarter ({quarter_label(quarter)}): time to plan your talks with the home "
            "office.")
    return Message(text=text, blocks=[
        markdown(f"{text} Meet each department to thank them for their support and learn "
                 "ideas for working together across departments."),
        *department_rows(departments),
        context(f"After each talk, press *Log talk*: what you thanked them for, the ideas, the "
                f"follow-ups, and a thank-you note for their contact. {PRIVATE}")])


def mid_quarter_message(missing: list[Department], quarter: str) -> Message:
    """The mid-quarter nudge naming the departments not met yet."""
    names = ", ".join(escape(d.name) for d in missing)
    text = f"Halfway through {quarter_label(quarter)}: you have not met {names} yet."
    return Message(text=text, blocks=[markdown(text), *department_rows(missing)])


def _talk_line(talk: HomeOfficeTalk) -> str:
    ideas = f" — ideas: {escape(clip(talk.ideas, 200))}" if talk.ideas else ""
    return f"• *{escape(talk.department)}*: met {talk.day:%a %d %b}{ideas}"


def quarter_summary(departments: list[Department], talks: list[HomeOfficeTalk],
                    quarter: str) -> str:
    """A short mrkdwn summary: the talks held in `quarter` and the departments not met yet."""
    lines = [f"*Home-office talks, {quarter_label(quarter)}*"]
    lines += [_talk_line(t) for t in talks]
    missing = not_met(departments, talks)
    if missing:
        lines.append("• Not met yet: " + ", ".join(escape(d.name) for d in missing))
    else:
        lines.append("• Every department met this quarter.")
    return clip("\n".join(lines), SECTION_LIMIT)


def talks_reply(departments: list[Department], talks: list[HomeOfficeTalk],
                quarter: str) -> Message:
    """The manager's own talks of the quarter, with Log talk buttons for the rest."""
    missing = not_met(departments, talks)
    blocks: list[Block] = [markdown(quarter_summary(departments, talks, quarter))]
    follow_ups = [f"• {escape(t.department)}: {escape(clip(t.follow_ups, 200))}"
                  for t in talks if t.follow_ups]
    if follow_ups:
        blocks.append(markdown("*Follow-ups*\n" + "\n".join(follow_ups)))
    buttons = [log_button(d.name, label=f"Log talk: {clip(d.name, 60)}", primary=index == 0)
               for index, d in enumerate(missing[:MAX_DEPARTMENTS])] or [log_button("")]
    blocks += [ActionsBlock(block_id="up.talks", elements=buttons), context(PRIVATE)]
    return Message(text=f"Your home-office talks, {quarter_label(quarter)}", blocks=blocks)
