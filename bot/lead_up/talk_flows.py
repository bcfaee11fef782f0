"""Home-office talk operations that talk to Slack, their modals read back, and the listeners."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App
from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View
from sqlalchemy.orm import Session

from bot.core.blocks import Message
from bot.core.forms import FormErrors, selected_date, selected_option, selected_user, value
from bot.core.replies import modal_opener, modal_submitter
from bot.core.slack import send_dm
from bot.lead_up import talk_views, talks
from bot.lead_up.ids import Action, BlockId, Callback, slot_block
from bot.lead_up.periods import quarter_of
from bot.lead_up.talks import TalkDraft, TalkError
from bot.org import access
from bot.org.context import ContextFactory, RequestContext
from bot.org.people import OrgError
from bot.org.workflows import refresh_homes, tell

log = logging.getLogger(__name__)
TALK_FIELDS = {"department": BlockId.DEPARTMENT, "day": BlockId.DAY, "thanked": BlockId.THANKED,
               "thank_you": BlockId.THANK_YOU}


def _values(view: dict[str, Any]) -> dict[str, Any]:
    return (view.get("state") or {}).get("values") or {}


def read_talk_form(view: dict[str, Any]) -> TalkDraft:
    """The draft from a submitted Log talk modal (who logs it is the submitter, never the form)."""
    values = _values(view)
    return TalkDraft(
        department=selected_option(values, BlockId.DEPARTMENT, Action.DEPARTMENT) or "",
        day=selected_date(values, BlockId.DAY, Action.DAY),
        thanked=value(values, BlockId.THANKED, Action.TEXT, talks.LIMITS["thanked"]),
        ideas=value(values, BlockId.IDEAS, Action.TEXT, talks.LIMITS["ideas"]),
        follow_ups=value(values, BlockId.FOLLOW_UPS, Action.TEXT, talks.LIMITS["follow_ups"]),
        thank_you=value(values, BlockId.THANK_YOU, Action.TEXT, talks.LIMITS["thank_you"]))


def read_departments_form(view: dict[str, Any]) -> list[tuple[str, str | None]]:
    """(name, contact) per slot of a submitted departments modal."""
    values = _values(view)
    return [(value(values, slot_block("department", slot), Action.DEPARTMENT,
                   talks.LIMITS["name"]),
             selected_user(values, slot_block("contact", slot), Action.CONTACT))
            for slot in range(talks.MAX_DEPARTMENTS)]


def _require_admin(ctx: RequestContext, session: Session) -> None:
    try:
        ctx.people(session, [ctx.actor_id])  # their admin flag, fresh from Slack
    except OrgError as error:
        raise TalkError(str(error)) from None
    access.require_admin(session, ctx.team_id, ctx.actor_id, error=TalkError,
                         message="Only workspace admins can change the home-office departments.")


# modals --------------------------------------------------------------------------------


def talk_modal(ctx: RequestContext, department: str) -> View:
    """The Log talk modal, `department` preselected (the first one when unknown or "")."""
    with ctx.sessions.begin() as session:
        return talk_views.talk_modal(talks.departments_of(session, ctx.team_id),
                                     selected=department, today=ctx.today(session))


def departments_modal(ctx: RequestContext) -> View:
    """The workspace's departments, for admins only (TalkError for everyone else)."""
    with ctx.sessions.begin() as session:
        _require_admin(ctx, session)
        return talk_views.departments_modal(talks.departments_of(session, ctx.team_id))


# saving --------------------------------------------------------------------------------


def save_talk(ctx: RequestContext, draft: TalkDraft) -> int:
    """Validate and log the actor's talk (database only); FormErrors by block id if invalid."""
    with ctx.sessions.begin() as session:
        departments = talks.departments_of(session, ctx.team_id)
        errors = talks.validate_talk(draft, departments, today=ctx.today(session))
        if errors:
            raise FormErrors({TALK_FIELDS[field]: text for field, text in errors.items()})
        return talks.log_talk(session, ctx.team_id, ctx.actor_id, draft, departments, ctx.now).id


def announce_talk(ctx: RequestContext, talk_id: int) -> None:
    """Send the thank-you note to the department's contact, then confirm to the manager."""
    with ctx.sessions.begin() as session:
        talk = talks.own_talk(session, ctx.team_id, talk_id, ctx.actor_id)
        departments = talks.departments_of(session, ctx.team_id)
        department = talks.find(departments, talk.department)
        contact = department.contact_id if department is not None and talk.thank_you else None
        remaining = talks.not_met(departments, talks.quarter_talks(
            session, ctx.team_id, ctx.actor_id, talk.quarter))
    sent_to = None
    if contact:
        note = talk_views.thank_you_message(ctx.actor_id, talk.department, talk.thank_you)
        try:
            send_dm(ctx.client, contact, text=note.text, blocks=note.blocks_dicts())
        except SlackApiError as error:
            log.warning("thank-you note not delivered: %s", error.response.get("error"))
        else:
            sent_to = contact
            with ctx.sessions.begin() as session:
                talks.thank_you_sent(session, talk.id, ctx.now)
    tell(ctx, ctx.actor_id, talk_views.talk_logged(talk, remaining, sent_to=sent_to))
    refresh_homes(ctx, [ctx.actor_id])


def save_departments(ctx: RequestContext, entries: list[tuple[str, str | None]]) -> None:
    """Replace the workspace's departments (admins only); FormErrors by block id if invalid."""
    with ctx.sessions.begin() as session:
        _require_admin(ctx, session)
        errors = {slot_block("department", slot): text
                  for slot, text in talks.validate_departments(entries).items()}
        for slot, (_, contact) in enumerate(entries):
            if contact and (problem := _bad_contact(ctx, session, contact)):
                errors[slot_block("contact", slot)] = problem
        if errors:
            raise FormErrors(errors)
        talks.replace_departments(session, ctx.team_id, entries)


def departments_saved(ctx: RequestContext) -> None:
    with ctx.sessions.begin() as session:
        saved = talks.departments_of(session, ctx.team_id)
    tell(ctx, ctx.actor_id, talk_views.departments_saved(saved))


def _bad_contact(ctx: RequestContext, session: Session, user_id: str) -> str | None:
    try:
        person = ctx.people(session, [user_id])[user_id]
    except OrgError as error:
        return str(error)
    if person.is_bot or person.deleted:
        return "Pick a person who is active in the workspace, not a bot."
    return None


def talks_reply(ctx: RequestContext) -> Message:
    """The actor's own talks this quarter and the departments not met yet."""
    with ctx.sessions.begin() as session:
        quarter = quarter_of(ctx.today(session))
        departments = talks.departments_of(session, ctx.team_id)
        logged = talks.quarter_talks(session, ctx.team_id, ctx.actor_id, quarter)
        return talk_views.talks_reply(departments, logged, quarter)


MODALS: dict[str, Callable[[RequestContext], View]] = {
    "talk": lambda ctx: talk_modal(ctx, ""),
    "departments": departments_modal,
}
REPLIES: dict[str, Callable[[RequestContext], Message]] = {"talks": talks_reply}


# listeners -----------------------------------------------------------------------------


def register(app: App, contexts: ContextFactory) -> None:
    """The Log talk button and the talk and departments modal submissions."""
    refusals = (FormErrors, TalkError)
    app.action(Action.LOG_TALK)(modal_opener(contexts, talk_modal, (TalkError,)))

    def log(ctx: RequestContext, view: dict) -> Callable[[], None]:
        talk_id = save_talk(ctx, read_talk_form(view))  # always the submitter's own talk
        return lambda: announce_talk(ctx, talk_id)

    def change(ctx: RequestContext, view: dict) -> Callable[[], None]:
        save_departments(ctx, read_departments_form(view))
        return lambda: departments_saved(ctx)

    app.view(Callback.TALK)(modal_submitter(contexts, log, refusals, BlockId.DEPARTMENT))
    app.view(Callback.DEPARTMENTS)(modal_submitter(contexts, change, refusals,
                                                   slot_block("department", 0)))
