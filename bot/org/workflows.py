"""Org operations that talk to Slack: look people up, change the org, tell those affected."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from slack_sdk.errors import SlackApiError

from bot.core.blocks import Message, notice
from bot.core.followups import Dm, Home
from bot.core.slack import send_dm
from bot.org import access, service, views
from bot.org.context import RequestContext
from bot.org.models import Proposal
from bot.org.people import OrgError
from bot.org.service import LineChange

log = logging.getLogger(__name__)


def show_team(ctx: RequestContext) -> Message:
    with ctx.sessions.begin() as session:
        ctx.people(session, [ctx.actor_id])
        return views.team_message(service.snapshot(session, ctx.team_id, ctx.actor_id))


def add_reports(ctx: RequestContext, report_ids: list[str]) -> list[str]:
    """The actor asks each person to confirm them as manager; one outcome line each."""
    return [request_line(ctx, manager_id=ctx.actor_id, report_id=r) for r in report_ids]


def set_manager(ctx: RequestContext, manager_id: str) -> str:
    return request_line(ctx, manager_id=manager_id, report_id=ctx.actor_id)


def request_line(ctx: RequestContext, *, manager_id: str, report_id: str) -> str:
    """Propose report -> manager (admins: set it at once); return what happened, in one line."""
    try:
        with ctx.sessions.begin() as session:
            people = ctx.people(session, [ctx.actor_id, manager_id, report_id])
            actor = people[ctx.actor_id]
            admin = access.is_admin(session, ctx.team_id, ctx.actor_id)
            if admin:
                change = service.set_line(session, ctx.team_id, manager=people[manager_id],
                                          report=people[report_id], now=ctx.now)
            else:
                proposal = service.propose(session, ctx.team_id, proposer=actor,
                                           manager=people[manager_id],
                                           report=people[report_id], now=ctx.now)
    except OrgError as error:
        return str(error)
    if admin:
        announce_change(ctx, change)
        return f"Done: <@{report_id}> now reports to <@{manager_id}>."
    if not send_request(ctx, proposal):
        return (f"Saved, but I couldn't DM <@{proposal.confirmer_id}> yet; "
                "I'll remind them tomorrow.")
    return f"Asked <@{proposal.confirmer_id}> to confirm that <@{report_id}> reports to " \
           f"<@{manager_id}>. I'll let you know when they answer."


def send_request(ctx: RequestContext, proposal: Proposal, *, reminder: bool = False) -> bool:
    """DM the confirmer the request with its buttons and remember where it landed."""
    message = views.proposal_request(proposal, reminder=reminder)
    try:
        posted = send_dm(ctx.client, proposal.confirmer_id, text=message.text,
                         blocks=message.blocks_dicts())
    except SlackApiError as error:
        log.warning("request %s not delivered: %s", proposal.id, error.response.get("error"))
        return False
    with ctx.sessions.begin() as session:
        row = service.get_proposal(session, ctx.team_id, proposal.id)
        if row is not None:
            row.dm_channel, row.dm_ts = posted.channel, posted.ts
    refresh_homes(ctx, [proposal.confirmer_id])
    return True


def admin_set(ctx: RequestContext, manager_id: str, report_ids: list[str]) -> list[str]:
    """A workspace admin sets lines between other people, without confirmation."""
    with ctx.sessions.begin() as session:
        ctx.people(session, [ctx.actor_id])  # their admin flag, fresh from Slack
        access.require_admin(session, ctx.team_id, ctx.actor_id, error=OrgError,
                             message="Only workspace admins can set other people's lines. "
                                     "Use `/team add` or `/team manager` instead.")
    lines = []
    for report_id in report_ids:
        try:
            with ctx.sessions.begin() as session:
                people = ctx.people(session, [manager_id, report_id])
                change = service.set_line(session, ctx.team_id, manager=people[manager_id],
                                          report=people[report_id], now=ctx.now)
        except OrgError as error:
            lines.append(str(error))
            continue
        announce_change(ctx, change)
        lines.append(f"Done: <@{report_id}> now reports to <@{manager_id}>.")
    return lines


def remove(ctx: RequestContext, other_id: str) -> str:
    with ctx.sessions.begin() as session:
        change = service.remove_line(session, ctx.team_id, actor_id=ctx.actor_id,
                                     other_id=other_id)
    tell(ctx, other_id, notice(
        f"<@{ctx.actor_id}> ended the reporting line: <@{change.report_id}> no longer reports "
        f"to <@{change.manager_id}> in Leadwell."))
    refresh_homes(ctx, [ctx.actor_id, other_id])
    return f"Done: <@{change.report_id}> no longer reports to <@{change.manager_id}>."


def decide(ctx: RequestContext, proposal_id: int, *, confirm: bool) -> Proposal:
    """The confirmer answers; the request DM, the proposer and any old manager are updated."""
    with ctx.sessions.begin() as session:
        proposal, change = service.decide(session, ctx.team_id, proposal_id,
                                          actor_id=ctx.actor_id, confirm=confirm, now=ctx.now)
    close_request(ctx, proposal)
    tell(ctx, proposal.proposer_id, views.decision_notice(proposal))
    if change and change.previous_manager_id:
        tell(ctx, change.previous_manager_id, notice(
            f"<@{change.report_id}> now reports to <@{change.manager_id}>, so they are no "
            "longer on your team in Leadwell."))
    refresh_homes(ctx, [proposal.confirmer_id, proposal.proposer_id])
    return proposal


def close_request(ctx: RequestContext, proposal: Proposal) -> None:
    """Replace the request's buttons with its outcome."""
    if not (proposal.dm_channel and proposal.dm_ts):
        return
    message = views.proposal_closed(proposal)
    try:
        ctx.client.chat_update(channel=proposal.dm_channel, ts=proposal.dm_ts,
                               text=message.text, blocks=message.blocks_dicts())
    except SlackApiError as error:
        log.warning("could not update request %s: %s", proposal.id, error.response.get("error"))


def announce_change(ctx: RequestContext, change: LineChange) -> None:
    """Tell everyone a directly-set line concerns, except the actor."""
    text = (f"<@{ctx.actor_id}> (workspace admin) recorded that <@{change.report_id}> reports "
            f"to <@{change.manager_id}> in Leadwell.")
    involved = {change.report_id, change.manager_id, change.previous_manager_id} - {ctx.actor_id}
    for user_id in sorted(u for u in involved if u):
        tell(ctx, user_id, notice(text))
    refresh_homes(ctx, [ctx.actor_id, *involved])


def tell(ctx: RequestContext, user_id: str, message: Message) -> None:
    """A best-effort informational DM, once the listener has answered Slack."""
    ctx.follow_up(Dm(ctx.team_id, user_id, message))


def refresh_homes(ctx: RequestContext, user_ids: Iterable[str | None]) -> None:
    """Re-publish App Home for the people whose data just changed (best effort)."""
    for user_id in dict.fromkeys(u for u in user_ids if u):
        ctx.follow_up(Home(ctx.team_id, user_id, ctx.now))
