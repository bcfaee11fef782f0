"""Who is acting, where and when: what every listener hands to its workflow."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from slack_bolt import BoltContext
from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot.core.calendar import local_today
from bot.core.followups import FollowUp, FollowUps
from bot.org.models import Person
from bot.org.people import ensure_people


@dataclass(frozen=True)
class RequestContext:
    """Who is acting, where and when, and how to reach the database and Slack."""

    sessions: sessionmaker
    client: WebClient
    team_id: str
    actor_id: str
    now: datetime
    default_tz: str
    followups: FollowUps  # where DMs and App Home refreshes go (bot/core/followups.py)

    def people(self, session: Session, user_ids: Iterable[str]) -> dict[str, Person]:
        return ensure_people(session, self.client, self.team_id, user_ids, now=self.now,
                             default_tz=self.default_tz)

    def follow_up(self, work: FollowUp) -> None:
        """A DM or an App Home refresh, with this request's client (best effort)."""
        self.followups(self.client, work)

    def today(self, session: Session) -> date:
        """The actor's local date (their Slack time zone, else the default)."""
        person = session.get(Person, (self.team_id, self.actor_id))
        return local_today(self.now, person.tz if person else self.default_tz)


Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class ContextFactory:
    """Builds a RequestContext for each Slack request a practice's listener handles."""

    sessions: sessionmaker
    default_tz: str
    followups: FollowUps  # the app's
    clock: Clock = utc_now

    def __call__(self, bolt: BoltContext, client: WebClient, user_id: str) -> RequestContext:
        return RequestContext(sessions=self.sessions, client=client, team_id=bolt.team_id or "",
                              actor_id=user_id, now=self.clock(), default_tz=self.default_tz,
                              followups=self.followups)
