"""Debrief and contribution-plan operations that talk to Slack."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View
from sqlalchemy.orm import Session

from bot.core.blocks import Message
from bot.core.calendar import local_today
from bot.core.forms import (
    FormErrors,
    metadata,
    ref_or_none,
    selected_date,
    selected_option,
    selected_values,
    slot_refs,
    value,
)
from bot.core.slack import post_message
from bot.lead_up import debrief, debrief_views, plan, plan_views, report_flows
from bot.lead_up.debrief import ActionDraft
from bot.lead_up.ids import Action, BlockId, slot_block
from bot.lead_up.models import Debrief
from bot.lead_up.plan import Goal, PlanError
from bot.org import access
from bot.org import service as org
from bot.org.context import RequestContext
from bot.org.models import Person
from bot.org.workflows import refresh_homes, tell

log = logging.getLogger(__name__)


# contribution plan ---------------------------------------------------------------------


def plan_modal(ctx: RequestContext) -> View:
    with ctx.sessions.begin() as session:
        boss_id = org.boss_of(session, ctx.team_id, ctx.actor_id, purpose=plan.AGREED_WITH,
                              error=PlanError)
        own = plan.plan_of(session, ctx.team_id, ctx.actor_id)
        return plan_views.plan_modal(plan.goals_of(own), boss_id)


def save_plan(ctx: RequestContext, view: dict[str, Any]) -> Callable[[], None]:
    values = view["state"]["values"]
    goals = [Goal(value(values, slot_block("goal", s), Action.GOAL, plan.LIMITS["goal"]),
                  value(values, slot_block("boss", s), Action.BOSS_GAIN, plan.LIMITS["gain"]),
                  value(values, slot_block("mine", s), Action.OWN_GAIN, plan.LIMITS["gain"]),
                  selected_option(values, slot_block("status", s), Action.STATUS) or "")
             for s in range(plan.MAX_GOALS) if slot_block("goal", s) in values]
    errors = plan.validate(goals)
    if errors:
        raise FormErrors({slot_block("goal", s): text for s, text in errors.items()})
    with ctx.sessions.begin() as session:
        try:
            saved, ask = plan.save(session, ctx.team_id, ctx.actor_id, goals, ctx.now)
        except PlanError as error:
            raise FormErrors({slot_block("goal", 0): str(error)}) from None
        request = plan_views.boss_request(saved, plan.goals_of(saved))
        boss_id = saved.boss_id or ""

    def follow_up() -> None:
        if ask:
            tell(ctx, boss_id, request)
            tell(ctx, ctx.actor_id, Message(text=f"Your contribution plan went to <@{boss_id}> "
                                                 "to agree. I'll tell you their answer."))
        else:
            tell(ctx, ctx.actor_id, Message(text="Progress saved; the plan stays agreed."))
        refresh_homes(ctx, [ctx.actor_id, boss_id])

    return follow_up


def agree(ctx: RequestContext, plan_id: int) -> Message:
    """The boss agrees: recorded with its date; the manager hears it."""
    with ctx.sessions.begin() as session:
        agreed = plan.agree(session, ctx.team_id, plan_id, ctx.actor_id, ctx.now)
        answered = plan_views.boss_answered(agreed, plan.goals_of(agreed))
        manager_id, notice = agreed.manager_id, plan_views.agreed_notice(agreed)
    tell(ctx, manager_id, notice)
    refresh_homes(ctx, [manager_id, ctx.actor_id])
    return answered


def suggestion_modal(ctx: RequestContext, plan_id: int) -> View:
    with ctx.sessions.begin() as session:
        return plan_views.suggestion_modal(plan.boss_plan(session, ctx.team_id, plan_id,
                                                          ctx.actor_id))


def suggest(ctx: RequestContext, view: dict[str, Any]) -> Callable[[], None]:
    text = value(view["state"]["values"], BlockId.SUGGESTION, Action.TEXT,
                 plan.LIMITS["suggestion"])
    with ctx.sessions.begin() as session:
        changed = plan.suggest(session, ctx.team_id, ref_or_none(view.get("private_metadata")) or 0,
                               ctx.actor_id, text)
        manager_id, notice = changed.manager_id, plan_views.suggestion_notice(changed)

    def follow_up() -> None:
        tell(ctx, manager_id, notice)
        refresh_homes(ctx, [manager_id, ctx.actor_id])

    return follow_up


# debriefs ------------------------------------------------------------------------------


def target(session: Session, ctx: RequestContext, manager_id: str | None) -> str:
    """Whose debrief: the actor's own, or that of a manager who reports to the actor."""
    if manager_id is None or manager_id == ctx.actor_id:
        return ctx.actor_id
    access.require(session, ctx.actor_id, access.Action.DEBRIEF_OPEN,
                   access.Record(ctx.team_id, manager_id), error=debrief.AccessDenied,
                   message=f"Debriefs are private: <@{manager_id}> does not report to you.")
    return manager_id


def record_modal(ctx: RequestContext, manager_id: str | None = None) -> View:
    """This month's debrief of the actor (or of their report), created if needed."""
    with ctx.sessions.begin() as session:
        owner = target(session, ctx, manager_id)
        month = debrief.month_of(ctx.today(session))
        return _modal(session, debrief.ensure(session, ctx.team_id, owner, month, ctx.now))


def record_modal_by_id(ctx: RequestContext, debrief_id: int) -> View:
    with ctx.sessions.begin() as session:
        return _modal(session, debrief.readable(session, ctx.team_id, debrief_id, ctx.actor_id))


def _modal(session: Session, row: Debrief) -> View:
    return debrief_views.record_modal(row, debrief.actions_of(session, row),
                                      debrief.open_actions(session, row))


def save_debrief(ctx: RequestContext, view: dict[str, Any]) -> Callable[[], None]:
    """Record a version (database only); the follow-up tells both in their group DM."""
    values = view["state"]["values"]
    meta = metadata(view)
    texts = {f: value(values, debrief_views.BLOCKS[f], Action.TEXT, debrief.LIMITS["text"])
             for f in debrief.FIELDS}
    actions = [ActionDraft(value(values, slot_block("what", s), Action.WHAT,
                                 debrief.LIMITS["what"]),
                           selected_option(values, slot_block("owner", s), Action.OWNER) or "",
                           selected_date(values, slot_block("due", s), Action.DUE),
                           action_id)
               for s, action_id in enumerate(slot_refs(meta.get("actions"), debrief.MAX_ACTIONS))]
    done = [ref for v in selected_values(values, BlockId.DONE, Action.DONE)
            if (ref := ref_or_none(v)) is not None]
    with ctx.sessions.begin() as session:
        row = debrief.readable(session, ctx.team_id, ref_or_none(meta.get("debrief")) or 0,
                               ctx.actor_id)
        errors = debrief.validate(texts, actions, (row.manager_id, row.boss_id))
        if errors:
            raise FormErrors({debrief_views.BLOCKS[f] if f in debrief_views.BLOCKS
                              else slot_block(f, s): text for (f, s), text in errors.items()})
        debrief.record(session, row, ctx.actor_id, texts, actions, done, ctx.now)
        message = debrief_views.recorded_message(row, debrief.actions_of(session, row))
        people = (row.manager_id, row.boss_id)
        channel = row.channel

    def follow_up() -> None:
        try:
            ctx.client.chat_postMessage(channel=channel or group_dm(ctx.client, *people),
                                        text=message.text, blocks=message.blocks_dicts())
        except SlackApiError as error:
            log.warning("debrief not posted: %s", error.response.get("error"))
            for person in people:
                tell(ctx, person, message)
        refresh_homes(ctx, people)

    return follow_up


def history(ctx: RequestContext, manager_id: str | None) -> Message:
    with ctx.sessions.begin() as session:
        owner = target(session, ctx, manager_id)
        rows = debrief.history(session, ctx.team_id, owner)
    return debrief_views.history_message(owner, rows, own=owner == ctx.actor_id)


def group_dm(client: WebClient, manager_id: str, boss_id: str) -> str:
    """The group DM of the bot with the manager and their boss."""
    return client.conversations_open(users=f"{manager_id},{boss_id}")["channel"]["id"]


def post_agenda(session: Session, client: WebClient, team_id: str, manager_id: str, month: str,
                now: datetime) -> bool:
    """Open the group DM, post the month's agenda and last month's chart (the debrief job)."""
    manager = session.get(Person, (team_id, manager_id))
    if manager is None or org.manager_of(session, team_id, manager_id) is None:
        return False
    row = debrief.ensure(session, team_id, manager_id, month, now)
    agenda = debrief.agenda(session, row, local_today(now, manager.tz))
    message = debrief_views.agenda_message(agenda)
    row.channel = group_dm(client, row.manager_id, row.boss_id)
    row.ts = post_message(client, row.channel, text=message.text,
                          blocks=message.blocks_dicts()).ts
    if agenda.reports:
        last = agenda.reports[-1][0]
        report_flows.upload_chart(client, row.channel, last,
                                  report_flows.report_chart(session, last))
    return True
