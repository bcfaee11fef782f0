"""Block Kit for the Monday question: the DM, the answer and commitment modals, the digest,
the "you asked, I did" DM and the App Home section."""

from __future__ import annotations

from datetime import date

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    DatePickerElement,
    DividerBlock,
    InputBlock,
    PlainTextInputElement,
)
from slack_sdk.models.views import View

from bot.core.blocks import Message, button, clip, context, header, markdown, mention_list
from bot.core.replies import escape
from bot.lead_down.ids import QUESTION, Action, BlockId, Callback
from bot.lead_down.models import Commitment, Question
from bot.lead_down.service import LIMITS, ReportAnswer

MAX_REPORTS_SHOWN = 15


def _quote(text: str, limit: int = 1200) -> str:
    return "\n".join(f">{escape(line)}" for line in clip(text.strip(), limit).splitlines())


def question_message(question: Question, *, reminder: bool = False) -> Message:
    """The Monday DM to a report."""
    lead = "Reminder: " if reminder else ""
    text = f"{lead}<@{question.manager_id}> asks: {QUESTION}"
    return Message(text=text, blocks=[
        markdown(f"{lead}<@{question.manager_id}> asks: *{QUESTION}*"),
        ActionsBlock(block_id=f"down.q.{question.id}", elements=[
            button("Answer", Action.ANSWER, str(question.id), "primary")]),
        context(f"Reply here, in as many messages as you like, or use the button. Only you and "
                f"<@{question.manager_id}> see your answer."),
    ])


def thanks_message(manager_id: str) -> Message:
    return Message(text=f"Thanks! <@{manager_id}> will see your answer.",
                   blocks=[context(f"Thanks! <@{manager_id}> will see your answer.")])


def answer_modal(question: Question, current: str) -> View:
    return View(type="modal", callback_id=Callback.ANSWER, title="Your answer", submit="Send",
                close="Cancel", private_metadata=str(question.id), blocks=[
                    markdown(f"<@{question.manager_id}> asks: *{QUESTION}*"),
                    InputBlock(block_id=BlockId.TEXT, label="Your answer",
                               element=PlainTextInputElement(
                                   action_id=Action.TEXT, multiline=True,
                                   max_length=LIMITS["answer"],
                                   initial_value=current[: LIMITS["answer"]] or None)),
                ])


def commit_modal(question: Question, answer: str, *, today: date) -> View:
    return View(type="modal", callback_id=Callback.COMMIT, title="Commit to act",
                submit="Commit", close="Cancel", private_metadata=str(question.id), blocks=[
                    markdown(f"<@{question.report_id}> answered:\n{_quote(answer)}"),
                    InputBlock(block_id=BlockId.TEXT, label="What will you do?",
                               element=PlainTextInputElement(
                                   action_id=Action.TEXT, multiline=True,
                                   max_length=LIMITS["commitment"])),
                    InputBlock(block_id=BlockId.DUE, label="By when?", element=DatePickerElement(
                        action_id=Action.DUE, initial_date=today.isoformat())),
                ])


def committed_message(commitment: Commitment, report_id: str) -> Message:
    """The manager's note of a commitment, with the button to mark it done."""
    text = (f"You committed for <@{report_id}>: {escape(commitment.text)} "
            f"(by {commitment.due:%a %d %b})")
    return Message(text=text, blocks=[
        markdown(f"You committed for <@{report_id}>: *{escape(commitment.text)}* "
                 f"(by {commitment.due:%a %d %b})"),
        ActionsBlock(block_id=f"down.c.{commitment.id}", elements=[
            button("Mark done", Action.COMMITMENT_DONE, str(commitment.id), "primary")]),
    ])


def you_asked_message(answer: str, manager_id: str, commitment: Commitment) -> Message:
    """The DM to the report when the manager did what they committed to."""
    did = escape(commitment.text)
    text = f"You asked: {escape(clip(answer, 300))} — <@{manager_id}> did: {did}"
    return Message(text=text, blocks=[markdown(
        f"*You asked:*\n{_quote(answer, 1000)}\n*<@{manager_id}> did:* {escape(commitment.text)}")])


def _answer_blocks(entry: ReportAnswer, *, with_buttons: bool) -> list[Block]:
    if entry.question is None:
        return [markdown(f"<@{entry.report_id}>: _not asked this week (away, holiday or new)_")]
    if not entry.answer:
        return [markdown(f"<@{entry.report_id}>: _no answer yet_")]
    lines = [f"<@{entry.report_id}> answered:\n{_quote(entry.answer)}"]
    lines += [f"• You committed: {escape(c.text)} (by {c.due:%a %d %b})"
              + (" :white_check_mark:" if c.done_at else "") for c in entry.commitments]
    blocks: list[Block] = [markdown("\n".join(lines))]
    if with_buttons:
        blocks.append(ActionsBlock(block_id=f"down.a.{entry.question.id}", elements=[
            button("Commit", Action.COMMIT, str(entry.question.id))]))
    return blocks


def digest_message(entries: list[ReportAnswer], quiet: list[str]) -> Message:
    """The manager's Tuesday digest of the Monday answers."""
    answered = sum(1 for e in entries if e.answer)
    text = f"Your team's answers this week: {answered} of {len(entries)} answered."
    blocks: list[Block] = [header("What else can you do for your team?"), markdown(text)]
    for entry in entries[:MAX_REPORTS_SHOWN]:
        blocks += _answer_blocks(entry, with_buttons=True)
    if len(entries) > MAX_REPORTS_SHOWN:
        blocks.append(context(f"and {len(entries) - MAX_REPORTS_SHOWN} more in App Home"))
    if quiet:
        blocks.append(context(f"{silent(quiet)} answered for three weeks. Maybe ask them how "
                              "things are going, in person."))
    return Message(text=text, blocks=blocks[:50])


def silent(quiet: list[str]) -> str:
    """`<@A> hasn't` or `<@A> and <@B> haven't`."""
    return f"{mention_list(quiet, limit=1500)} {'hasn' if len(quiet) == 1 else 'haven'}'t"


def home_section(entries: list[ReportAnswer], quiet: list[str], commitments: list[Commitment],
                 mine: Question | None, my_answer: str, away: date | None) -> list[Block]:
    """Lead down in App Home: the team's answers (managers), my question (reports)."""
    blocks: list[Block] = [header("Lead down")]
    if entries:
        blocks.append(markdown("*This week's answers to your Monday question*"))
        for entry in entries[:MAX_REPORTS_SHOWN]:
            blocks += _answer_blocks(entry, with_buttons=True)
        for commitment in commitments[:10]:
            blocks += [markdown(f"Open commitment: {escape(commitment.text)} "
                                f"(by {commitment.due:%a %d %b})"),
                       ActionsBlock(block_id=f"down.home.c.{commitment.id}", elements=[
                           button("Mark done", Action.COMMITMENT_DONE, str(commitment.id))])]
        if quiet:
            blocks.append(context(f"{silent(quiet)} answered for three weeks: a conversation "
                                  "to have."))
    if mine is not None:
        answer = f"\n{_quote(my_answer)}" if my_answer else " _not answered yet_"
        blocks += [markdown(f"<@{mine.manager_id}> asked you: *{QUESTION}*{answer}"),
                   ActionsBlock(block_id=f"down.home.q.{mine.id}", elements=[
                       button("Answer", Action.ANSWER, str(mine.id))])]
    status = f"You are away until {away:%a %d %b %Y}." if away else "Going away?"
    blocks += [context(f"{status} Away people get no Monday question."),
               ActionsBlock(block_id="down.home.away", elements=[
                   button("Set away" if not away else "Change away", Action.AWAY)]),
               DividerBlock()]
    return blocks


def away_modal(today: date) -> View:
    return View(type="modal", callback_id=Callback.AWAY, title="Away", submit="Save",
                close="Cancel", blocks=[
                    InputBlock(block_id=BlockId.UNTIL, label="Away until (inclusive)",
                               element=DatePickerElement(action_id=Action.UNTIL,
                                                         initial_date=today.isoformat()),
                               hint="No Monday question until then. Back early? "
                                    "Type /team away off."),
                ])
