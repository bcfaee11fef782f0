"""People as Slack knows them: read with users.info, kept in the database, refreshed if stale."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from bot.core.db import insert_ignoring_conflicts
from bot.core.models import Workspace
from bot.org.models import Person

STALE_AFTER = timedelta(hours=24)
NOT_FOUND = {"user_not_found", "users_not_found"}
_LOADED = "leadwell.people"  # session.info key: the Person rows ensure_people returned
_PEOPLE = select(Person).where(  # prepared once: every request asks
    Person.team_id == bindparam("team_id"),
    Person.user_id.in_(bindparam("user_ids", expanding=True)))


class OrgError(Exception):
    """A request about the org that cannot be done; the message is shown to the user."""


def ensure_workspace(session: Session, team_id: str, *, now: datetime) -> Workspace:
    """The workspace row, created on first sight."""
    workspace = session.get(Workspace, team_id)
    if workspace is None:
        insert_ignoring_conflicts(session, Workspace, [{"team_id": team_id, "created_at": now}])
        workspace = session.get_one(Workspace, team_id)
    return workspace


def ensure_people(
    session: Session,
    client: WebClient,
    team_id: str,
    user_ids: Iterable[str],
    *,
    now: datetime,
    default_tz: str,
) -> dict[str, Person]:
    """Known, fresh Person rows for `user_ids`; unknown Slack users raise OrgError.

    Slack is asked first and the database written after, so no write lock is held over HTTP.
    The rows stay referenced for the session's life (`session.info`): the identity map holds
    objects weakly, and a later `session.get(Person, ...)` in the same transaction (the
    actor's time zone, their admin flag) then needs no SELECT.
    """
    wanted = list(dict.fromkeys(user_ids))
    rows = session.scalars(_PEOPLE, {"team_id": team_id, "user_ids": wanted}).all()
    people = {p.user_id: p for p in rows}
    stale = [u for u in wanted
             if not is_fresh(people[u].refreshed_at if u in people else None, now)]
    profiles = {user_id: users_info(client, user_id) for user_id in stale}
    if profiles:
        ensure_workspace(session, team_id, now=now)
    new = [u for u in profiles if u not in people]
    insert_ignoring_conflicts(session, Person, [  # another request may add them meanwhile
        {"team_id": team_id, "user_id": u, "name": u, "tz": default_tz, "refreshed_at": now}
        for u in new])
    for user_id, user in profiles.items():
        person = people.get(user_id) or session.get_one(Person, (team_id, user_id))
        people[user_id] = person
        _apply(person, user, now, default_tz)
    session.flush()
    session.info.setdefault(_LOADED, {}).update(people)
    return people


def is_fresh(refreshed: datetime | None, now: datetime) -> bool:
    """Whether a Slack profile read at `refreshed` (None: never) is less than STALE_AFTER old."""
    return refreshed is not None and now - refreshed <= STALE_AFTER


_REFRESHED = select(Person.refreshed_at).where(  # prepared once: each modal opened asks
    Person.team_id == bindparam("team_id"), Person.user_id == bindparam("user_id"))


def refreshed_at(session: Session, team_id: str, user_id: str) -> datetime | None:
    """When `user_id`'s Slack profile was last read (None: never)."""
    return session.scalar(_REFRESHED, {"team_id": team_id, "user_id": user_id})


def update_from_profile(
    session: Session, team_id: str, user: dict, *, now: datetime, default_tz: str
) -> Person | None:
    """Apply a `user_change` event's user object to a person we already know."""
    person = session.get(Person, (team_id, user.get("id", "")))
    if person is not None:
        _apply(person, user, now, default_tz)
    return person


def users_info(client: WebClient, user_id: str) -> dict:
    """The Slack user object; OrgError if Slack does not know the user."""
    try:
        return client.users_info(user=user_id)["user"]
    except SlackApiError as error:
        if error.response.get("error") in NOT_FOUND:
            raise OrgError(f"I couldn't find <@{user_id}> in this workspace.") from None
        raise


def _apply(person: Person, user: dict, now: datetime, default_tz: str) -> None:
    profile = user.get("profile") or {}
    person.name = (
        profile.get("display_name") or profile.get("real_name") or user.get("real_name")
        or user.get("name") or person.user_id
    )[:200]
    person.tz = valid_tz(user.get("tz"), default_tz)
    person.is_admin = bool(user.get("is_admin") or user.get("is_owner"))
    person.is_bot = bool(user.get("is_bot")) or user.get("id") == "USLACKBOT"
    person.deleted = bool(user.get("deleted"))
    person.refreshed_at = now


def valid_tz(tz: str | None, default_tz: str) -> str:
    """`tz` if it is a known IANA zone, else the default."""
    if tz:
        try:
            ZoneInfo(tz)
            return tz
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return default_tz
