"""Development plan operations that talk to Slack, and reading their modals back."""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.models.views import View

from bot.core.blocks import Message, notice
from bot.core.forms import metadata, selected_date, selected_option, slot_refs, value
from bot.core.mentions import MentionError, parse_mentions
from bot.lead_down import devplan, devplan_views, service
from bot.lead_down.devplan import ActionDraft, PlanDraft, SkillDraft
from bot.lead_down.ids import Action, BlockId, slot_block
from bot.org import service as org
from bot.org.context import RequestContext
from bot.org.workflows import refresh_homes, tell

HELP = """*`/devplan`: development plans for your direct reports*
• `/devplan`: your reports' plans (managers) and your own plan
• `/devplan @rep`: write or edit a report's plan (their manager only)
• `/devplan settings`: when the monthly review DM comes (default: first Tuesday, 10:00)
• `/devplan help`: this message
A plan is private to the report and their manager. The report can read it and comment."""


def read_plan_form(view: dict[str, Any]) -> tuple[str, PlanDraft]:
    """(report id, draft) from a submitted plan modal."""
    values = (view.get("state") or {}).get("values") or {}
    meta = metadata(view)
    ids = slot_refs(meta.get("actions"), devplan.MAX_ACTIONS)
    skills = []
    for slot in range(devplan.MAX_SKILLS):
        if slot_block("skill", slot) not in values:
            break
        skills.append(SkillDraft(
            value(values, slot_block("skill", slot), Action.SKILL, devplan.LIMITS["name"]),
            value(values, slot_block("now", slot), Action.NOW, devplan.LIMITS["level"]),
            value(values, slot_block("aim", slot), Action.AIM, devplan.LIMITS["level"])))
    actions = []
    for slot, action_id in enumerate(ids[: devplan.MAX_ACTIONS]):
        actions.append(ActionDraft(
            value(values, slot_block("what", slot), Action.WHAT, devplan.LIMITS["what"]),
            selected_option(values, slot_block("kind", slot), Action.KIND) or "training",
            selected_date(values, slot_block("by", slot), Action.BY),
            selected_option(values, slot_block("status", slot), Action.STATUS) or "not_started",
            action_id))
    draft = PlanDraft(skills, actions,
                      value(values, BlockId.ROLE, Action.ROLE, devplan.LIMITS["role"]),
                      selected_date(values, BlockId.ROLE_DATE, Action.ROLE_DATE),
                      value(values, BlockId.NOTES, Action.NOTES, devplan.LIMITS["notes"]))
    return str(meta.get("report", "")), draft


SLOT_FIELDS = {"skill": "skill", "what": "what", "due": "by"}


def error_blocks(errors: dict[tuple[str, int], str]) -> dict[str, str]:
    """Validation errors keyed by the plan modal's block ids."""
    return {BlockId.ROLE_DATE if field == "target" else slot_block(SLOT_FIELDS[field], slot): text
            for (field, slot), text in errors.items()}


def command(ctx: RequestContext, text: str) -> Message | View:
    """`/devplan [@rep]`: a modal to open (View) or an answer (Message)."""
    words = text.split()
    if not words:
        return overview(ctx)
    try:
        report_id, = parse_mentions(words)
    except (MentionError, ValueError):
        raise service.CheckinError("Usage: `/devplan` or `/devplan @rep` (one person).") from None
    with ctx.sessions.begin() as session:
        devplan.require_manager(session, ctx.team_id, ctx.actor_id, report_id)
        draft = devplan.draft_of(session, devplan.plan_of(session, ctx.team_id, report_id))
    return devplan_views.plan_modal(report_id, draft)


def overview(ctx: RequestContext) -> Message:
    """The manager's list of plans, and the person's own plan."""
    with ctx.sessions.begin() as session:
        blocks = []
        entries = devplan.team_plans(session, ctx.team_id, ctx.actor_id)
        if entries:
            blocks += devplan_views.team_plans(entries, ctx.now)
        mine = devplan.plan_of(session, ctx.team_id, ctx.actor_id)
        if mine is not None:
            own = devplan_views.plan_message(mine, devplan.skills(session, mine),
                                             devplan.actions(session, mine),
                                             devplan.comments(session, mine), for_manager=False)
            blocks += list(own.blocks)
    if not blocks:
        return notice("No development plans yet. Managers write one with `/devplan @rep`.")
    return Message(text="Development plans", blocks=blocks[:50])


def edit_modal(ctx: RequestContext, report_id: str) -> View:
    with ctx.sessions.begin() as session:
        devplan.require_manager(session, ctx.team_id, ctx.actor_id, report_id)
        draft = devplan.draft_of(session, devplan.plan_of(session, ctx.team_id, report_id))
    return devplan_views.plan_modal(report_id, draft)


def save(ctx: RequestContext, report_id: str, draft: PlanDraft) -> dict[str, str]:
    """Validate and save (database only); errors by block id, empty when saved."""
    with ctx.sessions.begin() as session:
        devplan.require_manager(session, ctx.team_id, ctx.actor_id, report_id)
        errors = devplan.validate(draft, today=ctx.today(session))
        if errors:
            return error_blocks(errors)
        devplan.save(session, ctx.team_id, report_id, draft, ctx.now)
    return {}


def announce_saved(ctx: RequestContext, report_id: str) -> None:
    tell(ctx, report_id, notice(f"<@{ctx.actor_id}> updated your development plan. See it with "
                                "`/devplan`."))
    refresh_homes(ctx, [ctx.actor_id, report_id])


def review_modal(ctx: RequestContext, plan_id: int) -> View:
    with ctx.sessions.begin() as session:
        plan = devplan.readable_plan(session, ctx.team_id, plan_id, ctx.actor_id)
        devplan.require_manager(session, ctx.team_id, ctx.actor_id, plan.report_id)
        return devplan_views.review_modal(plan, devplan.actions(session, plan))


def log_review(ctx: RequestContext, plan_id: int, values: dict[str, Any]) -> tuple[str, Message]:
    """Record the review (database only); returns the report and their summary DM."""
    with ctx.sessions.begin() as session:
        plan = devplan.readable_plan(session, ctx.team_id, plan_id, ctx.actor_id)
        updates = {
            a.id: (selected_option(values, slot_block("status", a.id), Action.STATUS) or a.status,
                   value(values, slot_block("note", a.id), Action.NOTE, devplan.LIMITS["note"]))
            for a in devplan.actions(session, plan)}
        logged = devplan.review(session, ctx.team_id, plan_id, ctx.actor_id, updates, ctx.now)
        return plan.report_id, devplan_views.review_summary(ctx.actor_id,
                                                            json.loads(logged.summary))


def comment_modal(ctx: RequestContext, plan_id: int) -> View:
    with ctx.sessions.begin() as session:
        return devplan_views.comment_modal(
            devplan.readable_plan(session, ctx.team_id, plan_id, ctx.actor_id))


def comment(ctx: RequestContext, plan_id: int, text: str) -> tuple[str, Message]:
    """Add a comment (database only); returns who to tell and what."""
    with ctx.sessions.begin() as session:
        plan = devplan.add_comment(session, ctx.team_id, plan_id, ctx.actor_id, text, ctx.now)
        other = plan.report_id if ctx.actor_id != plan.report_id else \
            org.manager_of(session, ctx.team_id, plan.report_id)
        return other or ctx.actor_id, devplan_views.comment_notice(ctx.actor_id, plan.report_id,
                                                                     text.strip())


def settings_modal(ctx: RequestContext) -> View:
    with ctx.sessions.begin() as session:
        s = service.settings_of(session, ctx.team_id, ctx.actor_id)
        return devplan_views.settings_modal(ordinal=s.review_ordinal, weekday=s.review_weekday,
                                            hour=s.review_hour)


def save_settings(ctx: RequestContext, ordinal: int, weekday: int, hour: int) -> None:
    with ctx.sessions.begin() as session:
        service.change_settings(session, ctx.team_id, ctx.actor_id, review_ordinal=ordinal,
                                review_weekday=weekday, review_hour=hour)
