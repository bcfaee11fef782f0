"""Block Kit for the org: /team answers, confirmation DMs, the App Home section, team modals."""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    DividerBlock,
    InputBlock,
    UserMultiSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.core.blocks import Message, context, header, markdown, mention_list
from bot.org.ids import COMMAND, Action, BlockId, Callback
from bot.org.models import Proposal, ProposalStatus
from bot.org.service import PROPOSAL_TTL, OrgSnapshot

HELP = f"""*Leadwell `{COMMAND}`: who reports to whom*
• `{COMMAND}`: your manager, your direct reports and requests waiting for an answer
• `{COMMAND} add @alex @sam`: ask them to confirm you as their manager
• `{COMMAND} manager @jo`: ask @jo to confirm they are your manager
• `{COMMAND} remove @alex`: end the reporting line between you and @alex (either way)
• `{COMMAND} set @jo @alex @sam`: workspace admins only: @alex and @sam report to @jo, \
no confirmation needed
• `{COMMAND} help`: this message
Nobody joins your team without saying yes; requests expire after {PROPOSAL_TTL.days} days."""


def help_message(extra: str = "") -> Message:
    """`/team help`, with the lines practices add for their own `/team` subcommands."""
    text = HELP.replace("\n• `/team help`", ("\n" + extra if extra else "") + "\n• `/team help`")
    return Message(text=text, blocks=[markdown(text)])


def org_lines(snapshot: OrgSnapshot) -> list[str]:
    """The person's place in the org, one mrkdwn line per fact."""
    manager = f"<@{snapshot.manager_id}>" if snapshot.manager_id else "_not set_"
    reports = mention_list(snapshot.report_ids, limit=2500) if snapshot.report_ids else "_none yet_"
    lines = [f"*Your manager:* {manager}", f"*Your direct reports ({len(snapshot.report_ids)}):* "
             f"{reports}"]
    lines += [f"• {_pending_line(p, for_confirmer=True)}" for p in snapshot.to_confirm]
    lines += [f"• {_pending_line(p, for_confirmer=False)}" for p in snapshot.awaiting]
    return lines


def team_message(snapshot: OrgSnapshot) -> Message:
    """The answer to a bare `/team`."""
    lines = org_lines(snapshot)
    if not snapshot.manager_id and not snapshot.report_ids:
        lines.append(f"Start with `{COMMAND} add @someone` or `{COMMAND} manager @someone`.")
    text = "\n".join(lines)
    return Message(text=text, blocks=[markdown(text), context(f"`{COMMAND} help` for more")])


def _pending_line(proposal: Proposal, *, for_confirmer: bool) -> str:
    if for_confirmer:
        return f"Waiting for you: {_question(proposal)}"
    return (f"Waiting for <@{proposal.confirmer_id}> to confirm that <@{proposal.report_id}> "
            f"reports to <@{proposal.manager_id}>")


def _question(proposal: Proposal) -> str:
    if proposal.confirmer_id == proposal.report_id:
        return f"<@{proposal.manager_id}> would like to add you to their team as a direct report."
    return f"<@{proposal.report_id}> says you are their manager."


def decision_buttons(proposal: Proposal) -> ActionsBlock:
    value = str(proposal.id)
    return ActionsBlock(
        block_id=f"org.proposal.{proposal.id}",
        elements=[
            ButtonElement(text="Confirm", action_id=Action.CONFIRM, value=value, style="primary"),
            ButtonElement(text="Decline", action_id=Action.DECLINE, value=value),
        ],
    )


def proposal_request(proposal: Proposal, *, reminder: bool = False) -> Message:
    """The DM asking the confirmer to say yes or no."""
    question = _question(proposal)
    lead = "Reminder: " if reminder else ""
    return Message(
        text=f"{lead}{question}",
        blocks=[
            markdown(f"{lead}{question}\nConfirm to record that <@{proposal.report_id}> reports "
                     f"to <@{proposal.manager_id}> in Leadwell."),
            decision_buttons(proposal),
            context(f"This request expires after {PROPOSAL_TTL.days} days."),
        ],
    )


def proposal_closed(proposal: Proposal) -> Message:
    """What the request DM turns into once it is answered or expired."""
    verb = {ProposalStatus.CONFIRMED: "You confirmed", ProposalStatus.DECLINED: "You declined"}
    outcome = verb.get(ProposalStatus(proposal.status), "This request expired")
    text = f"{_question(proposal)}\n*{outcome}*{_on(proposal.decided_at)}."
    return Message(text=text, blocks=[markdown(text)])


def proposal_moved(proposal: Proposal) -> Message:
    """What the first request turns into when a reminder carries the buttons."""
    text = f"{_question(proposal)}\n_Answer with the reminder below._"
    return Message(text=text, blocks=[markdown(text)])


def _on(when: datetime | None) -> str:
    return f" on {when:%Y-%m-%d}" if when else ""


def decision_notice(proposal: Proposal) -> Message:
    """The DM to the proposer once the other person answered."""
    who = f"<@{proposal.confirmer_id}>"
    line = f"<@{proposal.report_id}> reports to <@{proposal.manager_id}>"
    text = {
        ProposalStatus.CONFIRMED: f":white_check_mark: {who} confirmed: {line} now.",
        ProposalStatus.DECLINED: f"{who} declined, so nothing changed: {line} was not recorded.",
        ProposalStatus.EXPIRED: f"Your request to {who} ({line}) expired after "
        f"{PROPOSAL_TTL.days} days without an answer. You can ask again with `{COMMAND}`.",
    }[ProposalStatus(proposal.status)]
    return Message(text=text, blocks=[markdown(text)])


def home_section(snapshot: OrgSnapshot) -> list[Block]:
    """The org section of App Home: place in the org, pending answers, team buttons."""
    blocks: list[Block] = [header("Your team"), markdown("\n".join(org_lines(snapshot)[:2]))]
    for proposal in snapshot.to_confirm[:20]:
        blocks += [markdown(f"*Waiting for you:* {_question(proposal)}"),
                   decision_buttons(proposal)]
    if snapshot.awaiting:
        lines = [_pending_line(p, for_confirmer=False) for p in snapshot.awaiting]
        blocks.append(context("\n".join(lines)))
    blocks += [
        ActionsBlock(
            elements=[
                ButtonElement(text="Add direct reports", action_id=Action.OPEN_ADD_REPORTS),
                ButtonElement(text="Set my manager", action_id=Action.OPEN_SET_MANAGER),
            ]
        ),
        DividerBlock(),
    ]
    return blocks


def add_reports_modal() -> View:
    picker = UserMultiSelectElement(action_id=Action.PICK_REPORTS, max_selected_items=20)
    return _picker_modal(Callback.ADD_REPORTS, "Add direct reports", "Send requests",
                         BlockId.REPORTS, "Who reports to you?", picker,
                         "Each person gets a DM to confirm; they join your team once they do.")


def set_manager_modal() -> View:
    return _picker_modal(Callback.SET_MANAGER, "Set my manager", "Send request", BlockId.MANAGER,
                         "Who is your manager?", UserSelectElement(action_id=Action.PICK_MANAGER),
                         "They get a DM to confirm.")


def _picker_modal(callback_id: str, title: str, submit: str, block_id: str, label: str,
                  element: UserSelectElement | UserMultiSelectElement, hint: str) -> View:
    return View(type="modal", callback_id=callback_id, title=title, submit=submit, close="Cancel",
                blocks=[InputBlock(block_id=block_id, label=label, element=element, hint=hint)])
