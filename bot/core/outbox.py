"""The outbox: work each pending delivery under a lease, at most once on Slack, with retries.

A delivery row is `pending` until an attempt settles it. An attempt first takes a lease with
a compare-and-set UPDATE (one for a batch of rows, so any number of tick runners share them;
bot/core/senders.py sends a batch with a few threads at once), then sends inside
`slack.tagged()`: every message it posts carries the delivery's key as Slack metadata. When an
earlier attempt's outcome is unknown (the process died, or a timeout or 5xx after the request
left), the recipient's conversation is searched for that key first and a message found there
is adopted instead of sent again. See docs/architecture.md, "The scheduler".
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import Select, bindparam, select, tuple_, update
from sqlalchemy.orm import Session, sessionmaker

from bot.core.db import UTCDateTime
from bot.core.models import Delivery
from bot.core.slack import Clients, NotInstalled, Posted, Tag, dm_channel, tagged

if TYPE_CHECKING:
    from bot.core.scheduler import Job

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)  # longer than the slowest send (15 s timeout, gateway retries)
MAX_ATTEMPTS = 8  # then "gave up after 8 attempts: …" (about 1.5 hours of backoff)
BACKOFF, MAX_BACKOFF = timedelta(minutes=1), timedelta(minutes=30)  # doubling per attempt
RATE_LIMIT_WAIT = timedelta(minutes=1)  # or Slack's Retry-After when longer; not an attempt
SEARCH_MARGIN = timedelta(minutes=10)  # clock skew between us and Slack, when searching
STALE_AFTER = timedelta(days=3)  # pending longer than the scheduler's catch-up: not sent
EVENT_TYPE = "leadwell_delivery"
PERMANENT = frozenset({"user_not_found", "account_inactive", "cannot_dm_bot", "channel_not_found",
                       "not_in_channel", "user_disabled", "is_bot", "is_archived"})
DEACTIVATED = "account deactivated"


class LeaseLost(Exception):
    """Another runner took the delivery over (this attempt outlived its lease)."""


@dataclass(frozen=True)
class Attempt:
    """A lease on one delivery, taken at `at` (`leased` on this process's monotonic clock);
    `delivery` is its row as read just before (detached). `number` is the attempts count now,
    `unresolved` whether an earlier attempt may have posted without recording it (it began at
    `since`)."""

    delivery: Delivery
    at: datetime
    leased: float

    @property
    def delivery_id(self) -> int:
        return self.delivery.id

    @property
    def kind(self) -> str:
        return self.delivery.kind

    @property
    def number(self) -> int:
        return self.delivery.attempts + 1

    @property
    def unresolved(self) -> bool:
        return self.delivery.attempts > 0 and self.delivery.lease_until is not None

    @property
    def since(self) -> datetime | None:
        return self.delivery.attempted_at


def key(delivery: Delivery) -> str:
    return f"{delivery.team_id}/{delivery.recipient}/{delivery.kind}/{delivery.period}"


def metadata(delivery: Delivery) -> dict[str, Any]:
    """The Slack message metadata of everything a delivery posts."""
    return {"event_type": EVENT_TYPE,
            "event_payload": {"delivery": delivery.id, "key": key(delivery)}}


def due_ids(session: Session, kinds: list[str], at: datetime) -> list[int]:
    """Pending deliveries of these kinds that are free to attempt at `at`, oldest first."""
    return list(session.scalars(
        select(Delivery.id).where(*_free(at), Delivery.kind.in_(kinds)).order_by(Delivery.id)))


def expire_stale(session: Session, kinds: list[str], at: datetime) -> int:
    """Give up deliveries pending for longer than STALE_AFTER; how many."""
    result = session.execute(
        update(Delivery).where(*_free(at), Delivery.kind.in_(kinds),
                               Delivery.created_at < at - STALE_AFTER)
        .values(status="failed", lease_until=None,
                error=f"expired: pending over {STALE_AFTER.days} days")
        .execution_options(synchronize_session=False))
    return result.rowcount


def _free(at: datetime) -> tuple[Any, ...]:
    """Pending, claimed by `at` (a runner whose clock is behind leaves rows claimed ahead of
    it alone), not leased, and its retry time has come."""
    return (Delivery.status == "pending", Delivery.created_at <= at,
            Delivery.lease_until.is_(None) | (Delivery.lease_until < at),
            Delivery.next_attempt_at.is_(None) | (Delivery.next_attempt_at <= at))


# The hot path's statements, built once (a fan-out runs them thousands of times).
_TABLE, _AT = Delivery.__table__, bindparam("at", type_=UTCDateTime())
_LEASE = (update(_TABLE).where(tuple_(_TABLE.c.id, _TABLE.c.attempts).in_(
    bindparam("pairs", expanding=True)), *_free(_AT))
    .values(attempts=_TABLE.c.attempts + 1, attempted_at=_AT, lease_until=bindparam("until"))
    .returning(_TABLE.c.id))
_SETTLE = update(_TABLE).where(_TABLE.c.id == bindparam("b_id"), _TABLE.c.status == "pending",
                               _TABLE.c.attempts == bindparam("b_number"))


def lease(sessions: sessionmaker, ids: Sequence[int], at: datetime) -> tuple[list[Attempt], int]:
    """Take the leases on those of `ids` that are free at `at`: one transaction, one
    compare-and-set UPDATE on (id, attempts) for all, so a row another runner took meanwhile
    is left to it. A leased delivery whose recipient was deactivated fails at once, with no Web
    API call. Returns the attempts to make, and how many failed so."""
    with sessions.begin() as session:
        found = session.execute(_candidates(), {"ids": list(ids), "at": at}).all()
        if not found:
            return [], 0
        taken = set(session.scalars(_LEASE, {
            "pairs": [(row.id, row.attempts) for row, _ in found], "at": at,
            "until": at + LEASE}))
        rows = [row for row, _ in found if row.id in taken]
        failed = [row.id for row, gone in found if gone and row.id in taken]
        if failed:
            session.execute(update(_TABLE).where(_TABLE.c.id.in_(failed))
                            .values(status="failed", error=DEACTIVATED, lease_until=None))
    leased = time.monotonic()
    return [Attempt(row, at, leased) for row in rows if row.id not in failed], len(failed)


@cache
def _candidates() -> Select[tuple[Delivery, bool | None]]:
    """Free deliveries among :ids at :at, each with whether its recipient was deactivated
    (Person.deleted, kept by the user_change event)."""
    from bot.org.models import Person  # people belong to the org practice, above core

    return (select(Delivery, Person.deleted)
            .outerjoin(Person, (Person.team_id == Delivery.team_id)
                       & (Person.user_id == Delivery.recipient))
            .where(Delivery.id.in_(bindparam("ids", expanding=True)), *_free(_AT)))


def acquire(sessions: sessionmaker, delivery_id: int, at: datetime) -> Attempt | None:
    """The lease on one free delivery; None if it is not free (or failed as deactivated)."""
    attempts, _ = lease(sessions, [delivery_id], at)
    return attempts[0] if attempts else None


def release(sessions: sessionmaker, attempt: Attempt) -> None:
    """Give back a lease not used: the row is as it was before (an unknown earlier outcome
    stays unknown), free for the next tick."""
    with sessions.begin() as session:
        before = attempt.delivery
        settle(session, attempt, attempts=before.attempts, attempted_at=before.attempted_at,
               lease_until=before.lease_until)


def settle(session: Session, attempt: Attempt, **values: Any) -> None:
    """Write the attempt's outcome if it still holds the lease, else raise LeaseLost."""
    result = session.execute(_SETTLE, {"b_id": attempt.delivery_id, "b_number": attempt.number,
                                       **values})
    if result.rowcount != 1:
        raise LeaseLost(attempt.delivery_id)


def work(job: Job, attempt: Attempt, *, sessions: sessionmaker, clients: Clients,
         now: datetime) -> str:
    """One attempt at a leased delivery: "sent", "skipped", "failed", "retrying" or "lost".

    `now` is the tick's instant (for the job, sent_at and retry times).
    """
    unresolved, tag, delivery = attempt.unresolved, Tag({}), attempt.delivery
    try:
        with sessions.begin() as session:
            client = clients(delivery.team_id)  # its workspace's token
            found = _search(job, session, client, delivery, attempt) if unresolved else None
            unresolved = False
            if found is not None:
                log.info("delivery %s (%s) was already posted; adopted", delivery.id, job.kind)
                _adopt(job, session, delivery, found, now)
                settle(session, attempt, status="sent", sent_at=now, lease_until=None)
                return "sent"
            with tagged(metadata(delivery)) as tag:
                sent = job.send(session, client, delivery, now)
            settle(session, attempt, status="sent" if sent else "skipped",
                   sent_at=now if sent else None, lease_until=None, next_attempt_at=None)
            return "sent" if sent else "skipped"
    except LeaseLost:
        log.warning("delivery %s (%s): lease lost to another runner", attempt.delivery_id,
                    job.kind)
        return "lost"
    except Exception as error:
        return _failed(job, attempt, error, unresolved, tag.posted, sessions=sessions, now=now)


def _failed(job: Job, attempt: Attempt, error: Exception, unresolved: bool,
            posted: Posted | None, *, sessions: sessionmaker, now: datetime) -> str:
    """Record a failed attempt: sent anyway, failed for good, or pending with a backoff."""
    reason, permanent, wait = classify(error)
    if not isinstance(error, SlackApiError | NotInstalled):
        log.error("delivery %s (%s) raised", attempt.delivery_id, job.kind, exc_info=error)
    try:
        with sessions.begin() as session:
            if posted is not None:  # the message is out; a later step failed
                _adopt(job, session, session.get_one(Delivery, attempt.delivery_id), posted, now)
                settle(session, attempt, status="sent", sent_at=now, lease_until=None,
                       error=f"after posting: {reason}")
                return "sent"
            if permanent or (wait is None and attempt.number >= MAX_ATTEMPTS):
                error_text = reason if permanent else \
                    f"gave up after {attempt.number} attempts: {reason}"
                settle(session, attempt, status="failed", error=error_text, lease_until=None)
                log.warning("delivery %s (%s) failed: %s", attempt.delivery_id, job.kind,
                            error_text)
                return "failed"
            rate_limited = wait is not None
            settle(session, attempt, error=reason,
                   attempts=attempt.number - 1 if rate_limited else attempt.number,
                   next_attempt_at=now + (wait if rate_limited else backoff(attempt.number)),
                   lease_until=attempt.at if unresolved or not rate_limited else None)
    except LeaseLost:
        return "lost"
    log.warning("delivery %s (%s) will be retried: %s", attempt.delivery_id, job.kind, reason)
    return "retrying"


def backoff(attempts: int) -> timedelta:
    """Wait after the `attempts`-th failed attempt: 1, 2, 4 … minutes, at most MAX_BACKOFF."""
    return min(BACKOFF * 2 ** (attempts - 1), MAX_BACKOFF)


def classify(error: Exception) -> tuple[str, bool, timedelta | None]:
    """(reason, permanent, rate-limit wait or None) of a failed attempt."""
    if isinstance(error, NotInstalled):  # uninstalled, or its token revoked: never sendable
        return "workspace not installed", True, None
    if not isinstance(error, SlackApiError):
        return type(error).__name__, False, None
    response = error.response
    code = response.get("error") if isinstance(response.data, dict) else None
    if response.status_code == 429 or code == "ratelimited":
        seconds = str(response.headers.get("Retry-After") or response.headers.get(
            "retry-after") or "0")
        wait = timedelta(seconds=int(seconds)) if seconds.isdigit() else timedelta()
        return "ratelimited", False, max(wait, RATE_LIMIT_WAIT)
    if response.status_code >= 500 or not code:
        return f"HTTP {response.status_code}", False, None
    return str(code), code in PERMANENT, None


def deactivated(session: Session, team_ids: Iterable[str],
                user_ids: Iterable[str] | None = None) -> set[tuple[str, str]]:
    """(team, user) of deactivated people (Person.deleted, kept by the user_change event)."""
    from bot.org.models import Person  # people belong to the org practice, above core

    team_ids = set(team_ids)
    if not team_ids:
        return set()
    query = select(Person.team_id, Person.user_id).where(Person.deleted.is_(True),
                                                         Person.team_id.in_(team_ids))
    if user_ids is not None:
        query = query.where(Person.user_id.in_(set(user_ids)))
    return {(team_id, user_id) for team_id, user_id in session.execute(query)}


def _search(job: Job, session: Session, client: WebClient, delivery: Delivery,
            attempt: Attempt) -> Posted | None:
    """The message an earlier attempt posted, if any: its key in the conversation's history."""
    where = getattr(job, "channel_of", None)
    channel = where(session, client, delivery) if where else dm_channel(client,
                                                                         delivery.recipient)
    since = (attempt.since or delivery.created_at) - SEARCH_MARGIN
    wanted, cursor = key(delivery), None
    for _ in range(10):  # at most 1,000 messages since the attempt
        page = client.conversations_history(channel=channel, oldest=f"{since.timestamp():.6f}",
                                            include_all_metadata=True, limit=100, cursor=cursor)
        for message in page.get("messages") or []:
            meta = message.get("metadata") or {}
            if meta.get("event_type") == EVENT_TYPE and \
                    (meta.get("event_payload") or {}).get("key") == wanted:
                return Posted(channel=channel, ts=message["ts"])
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            return None
    return None


def _adopt(job: Job, session: Session, delivery: Delivery, posted: Posted,
           now: datetime) -> None:
    adopt = getattr(job, "adopt", None)
    if adopt is not None:
        adopt(session, delivery, posted, now)
