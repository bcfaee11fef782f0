"""Rows for tests, created through the same models the bot uses."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from bot.org.models import Person
from bot.org.people import ensure_workspace

T0 = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)


def person(session: Session, user_id: str, *, team_id: str = "T1", name: str | None = None,
           tz: str = "America/New_York", is_admin: bool = False, is_bot: bool = False,
           deleted: bool = False, now: datetime = T0) -> Person:
    ensure_workspace(session, team_id, now=now)
    row = Person(team_id=team_id, user_id=user_id, name=name or user_id.lower(), tz=tz,
                 is_admin=is_admin, is_bot=is_bot, deleted=deleted, refreshed_at=now)
    session.add(row)
    session.flush()
    return row
