"""Career plan operations that talk to Slack: modals, DMs to the manager, exports."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from slack_sdk.models.views import View
from sqlalchemy.orm import Session

from bot.core.blocks import Message, notice
from bot.core.slack import dm_channel
from bot.lead_yourself import document, forms, modals, service, views
from bot.lead_yourself.models import CareerPlan
from bot.lead_yourself.service import PlanDraft, PlanError
from bot.org import service as org
from bot.org.access import Action
from bot.org.context import RequestContext
from bot.org.people import is_fresh, refreshed_at
from bot.org.workflows import refresh_homes, tell

NO_PLAN = "You have no career plan yet. Type `/careerplan` to write one."


ModalOf = Callable[[Session, RequestContext], View]


def open_modal(ctx: RequestContext, trigger_id: str, build: ModalOf) -> None:
    """Open the modal `build` makes (PlanError before anything opens), then read the actor's
    Slack profile (name, time zone) if it is not fresh: the save will need it. The modal's
    read and the freshness check share a transaction; `views.open` comes before any Slack
    profile call, as the trigger id expires fast."""
    with ctx.sessions.begin() as session:
        view = build(session, ctx)
        fresh = is_fresh(refreshed_at(session, ctx.team_id, ctx.actor_id), ctx.now)
    ctx.client.views_open(trigger_id=trigger_id, view=view.to_dict())
    if not fresh:
        with ctx.sessions.begin() as session:
            ctx.people(session, [ctx.actor_id])


def plan_modal(session: Session, ctx: RequestContext) -> View:
    """The plan modal, prefilled with the actor's plan when there is one."""
    draft = service.draft_for(session, ctx.team_id, ctx.actor_id)
    return modals.plan_modal(draft, forms.slots_of(draft))


def save(ctx: RequestContext, draft: PlanDraft) -> tuple[dict[str, str], Message | None]:
    """Validate and save (database only, before the modal is answered): modal errors by block
    id, empty when saved; and then the DM that confirms it (`announce_saved`)."""
    with ctx.sessions.begin() as session:
        ctx.people(session, [ctx.actor_id])  # known since the modal opened: no Slack call
        errors = service.validate(draft, today=ctx.today(session))
        if errors:
            return forms.error_blocks(errors), None
        plan = service.save_plan(session, ctx.team_id, ctx.actor_id, draft, ctx.now)
        manager_id = org.manager_of(session, ctx.team_id, ctx.actor_id)
        hint = (f" Share it with <@{manager_id}> with `/careerplan share`."
                if manager_id and plan.shared_with is None else "")
        return {}, notice(f"Your career plan is saved (version {plan.version}).{hint}")


def announce_saved(ctx: RequestContext, saved: Message) -> None:
    """After the modal closed: confirm by DM (`saved`, from `save`) and refresh App Home."""
    tell(ctx, ctx.actor_id, saved)
    refresh_homes(ctx, [ctx.actor_id])


def own_plan(session: Session, ctx: RequestContext) -> CareerPlan:
    plan = service.get_plan(session, ctx.team_id, ctx.actor_id)
    if plan is None:
        raise PlanError(NO_PLAN)
    return plan


def show(ctx: RequestContext) -> Message:
    with ctx.sessions.begin() as session:
        plan = own_plan(session, ctx)
        return views.plan_summary(plan, service.latest_feedback(session, plan),
                                  today=ctx.today(session))


def share(ctx: RequestContext) -> Message:
    """Share the actor's plan with their manager (from /team) and DM them."""
    with ctx.sessions.begin() as session:
        plan = own_plan(session, ctx)
        manager_id = org.manager_of(session, ctx.team_id, ctx.actor_id)
        if manager_id is None:
            raise PlanError("You have no manager in Leadwell yet: ask them to confirm with "
                            "`/team manager @name`, then share again.")
        service.share(plan, manager_id, ctx.now)
        message = views.share_request(plan, service.latest_feedback(session, plan),
                                      today=ctx.today(session))
    tell(ctx, manager_id, message)
    refresh_homes(ctx, [ctx.actor_id])
    return views.shared_notice(manager_id)


def unshare(ctx: RequestContext) -> Message:
    with ctx.sessions.begin() as session:
        previous = service.unshare(own_plan(session, ctx))
    if previous is None:
        return notice("Your career plan is not shared with anyone.")
    tell(ctx, previous, notice(f"<@{ctx.actor_id}> stopped sharing their career plan with you."))
    refresh_homes(ctx, [ctx.actor_id])
    return views.unshared_notice(previous)


def history(ctx: RequestContext) -> Message:
    with ctx.sessions.begin() as session:
        return views.history_message(service.history(session, own_plan(session, ctx)))


def export(ctx: RequestContext) -> str:
    """Upload the plan as a Markdown document to the actor's DM."""
    with ctx.sessions.begin() as session:
        plan = own_plan(session, ctx)
        owner = ctx.people(session, [ctx.actor_id])[ctx.actor_id]
        markdown = document.export_markdown(plan, service.latest_feedback(session, plan, limit=50),
                                            owner_name=owner.name, today=ctx.today(session))
    ctx.client.files_upload_v2(channel=dm_channel(ctx.client, ctx.actor_id), content=markdown,
                               filename="career-plan.md", title="Career plan",
                               initial_comment="Your career plan, ready to print or keep.")
    return "I sent your career plan to our DM as a file."


def mark_done(ctx: RequestContext, action_id: int) -> str:
    with ctx.sessions.begin() as session:
        action = service.owned_action(session, ctx.team_id, action_id, ctx.actor_id)
        service.mark_done(action, ctx.now)
        what = action.what
    refresh_homes(ctx, [ctx.actor_id])
    return f":white_check_mark: Done: {what}"


def snooze(ctx: RequestContext, action_id: int) -> str:
    with ctx.sessions.begin() as session:
        action = service.owned_action(session, ctx.team_id, action_id, ctx.actor_id)
        until = service.snooze(action, ctx.today(session))
    return f"Snoozed until {until:%a %d %b}: I'll leave it out of reminders until then."


def reschedule_modal(ctx: RequestContext, action_id: int) -> View:
    with ctx.sessions.begin() as session:
        action = service.owned_action(session, ctx.team_id, action_id, ctx.actor_id)
        return modals.reschedule_modal(action, today=ctx.today(session))


def reschedule(ctx: RequestContext, action_id: int, due: date | None) -> None:
    """Move an action's date (PlanError if it is not in the future)."""
    with ctx.sessions.begin() as session:
        action = service.owned_action(session, ctx.team_id, action_id, ctx.actor_id)
        service.reschedule(action, due, ctx.today(session))


def acknowledge(ctx: RequestContext, plan_id: int) -> str:
    with ctx.sessions.begin() as session:
        plan = service.acknowledge(session, ctx.team_id, plan_id, ctx.actor_id, ctx.now)
        owner_id = plan.owner_id
    tell(ctx, owner_id, views.acknowledged_notice(ctx.actor_id))
    return f"Thanks: <@{owner_id}> knows you have read their plan."


def manager_modal(ctx: RequestContext, plan_id: int, *, kind: str) -> View:
    """The reply or feedback modal, only for the manager the plan is shared with."""
    with ctx.sessions.begin() as session:
        plan = service.plan_for(session, ctx.team_id, plan_id, ctx.actor_id,
                                Action.CAREER_PLAN_RESPOND,
                                "This career plan is private: only the manager it is shared "
                                "with can answer it.")
        if kind == "reply":
            return modals.reply_modal(plan)
        today = ctx.today(session)
        return modals.feedback_modal(plan, service.due_soon(plan, today), today=today)


def manager_feedback(ctx: RequestContext, plan_id: int, kind: str,
                     text: str) -> tuple[Message, str]:
    """Keep the manager's words with the plan (database only); returns the DM for the owner
    and the owner's id, to send once the modal is answered."""
    with ctx.sessions.begin() as session:
        plan, feedback = service.manager_feedback(session, ctx.team_id, plan_id, ctx.actor_id,
                                                  kind, text, ctx.now)
        owner_id = plan.owner_id
        return views.feedback_notice(ctx.actor_id, kind, feedback.text), owner_id


def ask_feedback(ctx: RequestContext, plan_id: int) -> str:
    """The owner asks the manager they shared with for feedback."""
    with ctx.sessions.begin() as session:
        plan = service.plan_for(session, ctx.team_id, plan_id, ctx.actor_id,
                                Action.CAREER_PLAN_EDIT,
                                "That button belongs to someone else's plan.")
        if plan.shared_with is None or not service.can_read(session, plan, plan.shared_with):
            raise PlanError("Share your plan first (`/careerplan share`) so your manager can "
                            "read it.")
        today = ctx.today(session)
        message = views.feedback_request(plan, service.due_soon(plan, today), today=today)
        manager_id = plan.shared_with
    tell(ctx, manager_id, message)
    return f"Asked <@{manager_id}> for feedback. I'll DM it to you when it arrives."


def settings_modal(session: Session, ctx: RequestContext) -> View:
    """When the monthly feedback reminder comes (PlanError without a plan)."""
    return modals.settings_modal(own_plan(session, ctx))


def save_settings(ctx: RequestContext, *, ordinal: int, weekday: int, hour: int) -> None:
    with ctx.sessions.begin() as session:
        service.set_schedule(own_plan(session, ctx), ordinal=ordinal, weekday=weekday, hour=hour)
