"""Block Kit for debriefs: the agenda, the record modal, the recorded notice, history."""

from __future__ import annotations

import json

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    CheckboxesElement,
    DividerBlock,
    InputBlock,
    Option,
)
from slack_sdk.models.views import View

from bot.core.blocks import Message, button, clip, context, header, markdown
from bot.core.forms import date_input, select_input, text_input
from bot.core.replies import escape
from bot.lead_up import periods, reports
from bot.lead_up.debrief import LIMITS, MAX_ACTIONS, ActionDraft, Agenda
from bot.lead_up.ids import DEBRIEF, Action, BlockId, Callback, slot_block
from bot.lead_up.models import Debrief, DebriefAction, MetricReport
from bot.lead_up.plan import progress
from bot.lead_up.reports import fmt

HELP = f"""*`{DEBRIEF}`: your monthly debrief with your manager, and the plan you agree*
• `{DEBRIEF}`: record this month's debrief (`{DEBRIEF} @manager` for someone reporting to you)
• `{DEBRIEF} history`: past debriefs (`{DEBRIEF} history @manager`)
• `{DEBRIEF} plan`: write your contribution plan and send it to your manager to agree
• `{DEBRIEF} talk`: log a talk with a home-office department; `{DEBRIEF} talks`: this quarter's
• `{DEBRIEF} departments`: the home-office departments and contacts (workspace admins)
• `{DEBRIEF} settings`: when the agenda comes (first business day of the month, 09:00)
The agenda is posted to a group DM with you and your manager. Debriefs are private to you two."""
TITLES = {"going_well": "What is going well", "continue_doing": "Activities to continue",
          "improve": "Feedback: what could be improved"}
BLOCKS = {"going_well": BlockId.GOING_WELL, "continue_doing": BlockId.CONTINUE,
          "improve": BlockId.IMPROVE}


def agenda_message(agenda: Agenda) -> Message:
    """The agenda posted to the manager and boss on the first business day of the month."""
    debrief = agenda.debrief
    last = periods.label(periods.previous(debrief.month))
    text = (f"Monthly debrief of <@{debrief.manager_id}> with <@{debrief.boss_id}>: "
            f"the agenda for {periods.label(debrief.month)}")
    blocks: list[Block] = [header(f"Monthly debrief: {periods.label(debrief.month)}"),
                           context(f"<@{debrief.manager_id}> and <@{debrief.boss_id}> only. "
                                   "Either of you can record it.")]
    figures = [_figure_line(r, p) for r, p in agenda.reports]
    blocks.append(markdown(f"*1. {last}: figures against target*\n" +
                           ("\n".join(figures) or "_No report was sent for that month._")))
    explained = [f"*{periods.label(r.period)}*: {escape(r.explanation)}\n"
                 f"_Strategies:_ {escape(r.strategies)}" for r, _ in agenda.reports
                 if r.explanation]
    if explained:
        blocks.append(markdown("*2. Explanations given*\n" + "\n".join(explained)))
    blocks.append(markdown("*3. Agreed actions still open*\n" + (
        "\n".join(action_line(a) for a in agenda.open_actions) or "_None: all done._")))
    plan_text = (f"{progress(agenda.goals)}; " + ("agreed" if agenda.contribution and
                 agenda.contribution.status == "agreed" else "not agreed yet")
                 if agenda.contribution else f"_No plan yet: `{DEBRIEF} plan`._")
    blocks.append(markdown(f"*4. Contribution plan*\n{plan_text}"))
    blocks.append(markdown(f"*5. Team development*\n{development_line(agenda.development)}"))
    blocks.append(markdown(f"*6. Home-office talks this quarter*\n{agenda.talks}"))
    blocks += [
        markdown("*To discuss:* what is going well, which activities to continue, feedback on "
                 "what could be improved, and the actions you agree."),
        ActionsBlock(block_id=f"up.debrief.{debrief.id}", elements=[
            button("Record debrief", Action.RECORD_DEBRIEF, str(debrief.id), style="primary")]),
    ]
    return Message(text=text, blocks=blocks)


def _figure_line(report: MetricReport, previous: MetricReport | None) -> str:
    before = f", {fmt(previous.sales)} the period before" if previous else ""
    return (f"• {periods.label(report.period)}: sales *{fmt(report.sales)}* against "
            f"{fmt(report.target)} ({reports.attainment(report)}{before}); "
            f"pipeline {fmt(report.pipeline)}")


def development_line(counts: dict[str, int]) -> str:
    if not counts.get("reports"):
        return "_No direct reports in Leadwell._"
    actions = sum(counts.get(k, 0) for k in ("not_started", "on_track", "at_risk", "done"))
    return (f"{counts['plans']} of {counts['reports']} reports have a development plan; "
            f"{actions} actions: {counts.get('done', 0)} done, {counts.get('on_track', 0)} on "
            f"track, {counts.get('at_risk', 0)} at risk, {counts.get('not_started', 0)} not "
            f"started ({counts.get('overdue', 0)} overdue).")


def action_line(action: DebriefAction) -> str:
    return f"• {escape(action.what)}: <@{action.owner_id}>, by {action.due:%a %d %b}"


def record_modal(debrief: Debrief, actions: list[DebriefAction],
                 carried: list[DebriefAction]) -> View:
    """The debrief form: three texts, agreed actions (one blank slot more), carried ones done."""
    people = {debrief.manager_id: "The manager", debrief.boss_id: "The boss"}
    blocks: list[Block] = [context(f"Debrief of <@{debrief.manager_id}> with "
                                   f"<@{debrief.boss_id}>, {periods.label(debrief.month)}. "
                                   "Both of you see it; each save is kept as a version.")]
    for field_name, title in TITLES.items():
        blocks.append(text_input(BLOCKS[field_name], Action.TEXT, title, LIMITS["text"],
                                 getattr(debrief, field_name), multiline=True))
    if carried:
        options = [Option(value=str(a.id), text=clip(f"{a.what} (by {a.due:%d %b})", 75))
                   for a in carried]
        blocks.append(InputBlock(block_id=BlockId.DONE, label="Done since the last debrief",
                                 optional=True, element=CheckboxesElement(
                                     action_id=Action.DONE, options=options)))
    blocks.append(header("Agreed actions"))
    drafts = [ActionDraft(a.what, a.owner_id, a.due, a.id) for a in actions]
    slots = min(MAX_ACTIONS, len(drafts) + 1)
    for slot in range(slots):
        draft = drafts[slot] if slot < len(drafts) else ActionDraft(owner_id=debrief.manager_id)
        blocks += [
            text_input(slot_block("what", slot), Action.WHAT, f"Action {slot + 1}", LIMITS["what"],
                       draft.what),
            select_input(slot_block("owner", slot), Action.OWNER, "Owner", people, draft.owner_id),
            date_input(slot_block("due", slot), Action.DUE, "Due", draft.due),
        ]
    ids = [d.id for d in drafts] + [None] * (slots - len(drafts))
    return View(type="modal", callback_id=Callback.DEBRIEF, title="Monthly debrief",
                submit="Save", close="Cancel", blocks=blocks,
                private_metadata=json.dumps({"debrief": debrief.id, "actions": ids}))


def recorded_message(debrief: Debrief, actions: list[DebriefAction]) -> Message:
    """What both see once someone recorded (or edited) the debrief."""
    verb = "recorded" if debrief.version == 1 else f"updated (version {debrief.version})"
    text = (f"<@{debrief.recorded_by}> {verb} the debrief of {periods.label(debrief.month)}.")
    return Message(text=text, blocks=[markdown(text), *debrief_blocks(debrief, actions)])


def debrief_blocks(debrief: Debrief, actions: list[DebriefAction]) -> list[Block]:
    blocks: list[Block] = [markdown(f"*{title}*\n{escape(getattr(debrief, name)) or '_—_'}")
                           for name, title in TITLES.items()]
    if actions:
        blocks.append(markdown("*Agreed actions*\n" + "\n".join(
            action_line(a) + (" :white_check_mark:" if a.done_at else "") for a in actions)))
    return blocks


def history_message(manager_id: str, debriefs: list[Debrief], *, own: bool) -> Message:
    whose = "Your" if own else f"<@{manager_id}>'s"
    if not debriefs:
        return Message(text=f"{whose} debriefs: none yet.")
    blocks: list[Block] = [markdown(f"*{whose} debriefs, newest first*")]
    for debrief in debriefs[:8]:
        state = (f"recorded by <@{debrief.recorded_by}>, version {debrief.version}"
                 if debrief.version else "not recorded")
        blocks += [DividerBlock(), markdown(f"*{periods.label(debrief.month)}* ({state})\n" +
                                            clip(escape(debrief.going_well), 600))]
    return Message(text=f"{whose} debriefs", blocks=blocks)
