"""The clock: a periodic tick that asks the database what is due and delivers it once."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot.core import outbox, senders
from bot.core.db import UNAVAILABLE, insert_ignoring_conflicts
from bot.core.leader import Leadership
from bot.core.metrics import REGISTRY
from bot.core.models import Delivery
from bot.core.slack import Clients, per_team

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Due:
    """A message that should exist once: (team, recipient, kind, period) is its key."""

    team_id: str
    recipient: str
    kind: str
    period: str
    ref: str = ""


class Job(Protocol):
    """Scheduled work of a practice.

    Optional hooks, for the outbox's recovery of a message whose sending was not recorded:
    `adopt(session, delivery, posted, now)` records what `send` records about its message
    (found at `posted`), and `channel_of(session, client, delivery)` names the conversation to
    search when the message does not go to the recipient's DM.
    """

    kind: str

    def collect(self, session: Session, now: datetime) -> Iterable[Due]:
        """What is due at `now` (may apply state changes that are due, in the same transaction)."""

    def send(self, session: Session, client: WebClient, delivery: Delivery, now: datetime) -> bool:
        """Deliver one claimed item; return False if it turned out to be unnecessary."""


@dataclass
class TickSummary:
    """What one tick did: deliveries newly claimed, and the outcomes of its attempts."""

    at: datetime
    due: int = 0
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    retrying: int = 0

    @property
    def busy(self) -> bool:
        return any((self.due, self.sent, self.skipped, self.failed, self.retrying))

    def line(self) -> str:
        return (
            f"tick {self.at.isoformat()}: {self.due} newly due, {self.sent} sent, "
            f"{self.skipped} skipped, {self.failed} failed, {self.retrying} retrying"
        )


def claim(session: Session, dues: Sequence[Due], now: datetime) -> list[int]:
    """Insert deliveries that do not exist yet; return the ids this call created."""
    rows = [
        {"team_id": d.team_id, "recipient": d.recipient, "kind": d.kind, "period": d.period,
         "ref": d.ref, "status": "pending", "created_at": now}
        for d in dues
    ]
    return insert_ignoring_conflicts(session, Delivery.__table__, rows, returning=Delivery.id)


def tick(
    now: datetime, *, sessions: sessionmaker, client: WebClient | Clients, jobs: Sequence[Job]
) -> TickSummary:
    """Claim what is due at `now`, then work every pending delivery of these jobs that is free:
    new ones, retries whose time has come, and ones a crashed or slower runner left behind.
    Each delivery is sent with its workspace's client (`client`, or `client(team_id)`).

    Leases are taken at `now` plus the time this tick has run (a long tick keeps them honest).
    """
    summary = TickSummary(at=now)
    for job in jobs:
        with sessions.begin() as session:
            dues = list(job.collect(session, now))
            gone = outbox.deactivated(session, {d.team_id for d in dues})
            summary.due += len(claim(session, [d for d in dues
                                               if (d.team_id, d.recipient) not in gone], now))
    by_kind, clients = {job.kind: job for job in jobs}, per_team(client)
    started = time.monotonic()
    with sessions.begin() as session:
        summary.failed += outbox.expire_stale(session, list(by_kind), now)
        ids = outbox.due_ids(session, list(by_kind), now)
    outcomes = senders.send_all(by_kind, ids, sessions=sessions, clients=clients, now=now,
                                clock=lambda: now + timedelta(seconds=time.monotonic() - started))
    for outcome in ("sent", "skipped", "failed", "retrying"):  # not "lost" (another runner's)
        setattr(summary, outcome, getattr(summary, outcome) + outcomes[outcome])
    return summary


def make_scheduler(
    *, sessions: sessionmaker, client: WebClient | Clients, jobs: Sequence[Job], seconds: int,
    blocking: bool = False, leadership: Leadership | None = None,
) -> BaseScheduler:
    """An APScheduler that only fires `tick` every `seconds`; the database decides the rest.

    With `leadership`, each period first keeps or tries to take the lock (bot/core/leader.py)
    and only the leader ticks; without, this process always ticks.
    """
    scheduler: BaseScheduler = BlockingScheduler() if blocking else BackgroundScheduler()
    election = leadership or Leadership()

    def run() -> None:
        if not election.check():
            return
        now = datetime.now(UTC)
        try:
            summary = tick(now, sessions=sessions, client=client, jobs=jobs)
        except UNAVAILABLE as error:  # the next tick retries; what was due still goes out once
            log.warning("tick skipped, database unavailable: %s", type(error).__name__)
            return
        REGISTRY.tick_done(now)
        if summary.busy:
            log.info(summary.line())

    scheduler.add_job(run, "interval", seconds=seconds, id="tick", max_instances=1,
                      coalesce=True, next_run_time=datetime.now(UTC))
    return scheduler
