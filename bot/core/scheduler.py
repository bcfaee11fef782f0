"""The clock: a periodic tick that asks the database what is due and delivers it once."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session, sessionmaker

from bot.core.db import insert_ignoring_conflicts
from bot.core.models import Delivery

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
    """Scheduled work of a practice."""

    kind: str

    def collect(self, session: Session, now: datetime) -> Iterable[Due]:
        """What is due at `now` (may apply state changes that are due, in the same transaction)."""

    def send(self, session: Session, client: WebClient, delivery: Delivery, now: datetime) -> bool:
        """Deliver one claimed item; return False if it turned out to be unnecessary."""


@dataclass
class TickSummary:
    at: datetime
    due: int = 0
    sent: int = 0
    skipped: int = 0
    failed: int = 0

    def line(self) -> str:
        return (
            f"tick {self.at.isoformat()}: {self.due} newly due, {self.sent} sent, "
            f"{self.skipped} skipped, {self.failed} failed"
        )


def claim(session: Session, dues: Sequence[Due], now: datetime) -> list[int]:
    """Insert deliveries that do not exist yet; return the ids this call created."""
    rows = [
        {"team_id": d.team_id, "recipient": d.recipient, "kind": d.kind, "period": d.period,
         "ref": d.ref, "status": "pending", "created_at": now}
        for d in dues
    ]
    return insert_ignoring_conflicts(session, Delivery, rows, returning=Delivery.id)


def tick(
    now: datetime, *, sessions: sessionmaker, client: WebClient, jobs: Sequence[Job]
) -> TickSummary:
    """Run every job once for `now`; each delivery is recorded before it is sent."""
    summary = TickSummary(at=now)
    for job in jobs:
        with sessions.begin() as session:
            ids = claim(session, list(job.collect(session, now)), now)
        summary.due += len(ids)
        for delivery_id in ids:
            outcome = _deliver(job, delivery_id, sessions=sessions, client=client, now=now)
            setattr(summary, outcome, getattr(summary, outcome) + 1)
    return summary


def _deliver(job: Job, delivery_id: int, *, sessions: sessionmaker, client: WebClient,
             now: datetime) -> str:
    try:
        with sessions.begin() as session:
            delivery = session.get_one(Delivery, delivery_id)
            sent = job.send(session, client, delivery, now)
            delivery.status = "sent" if sent else "skipped"
            delivery.sent_at = now if sent else None
            return delivery.status
    except SlackApiError as error:
        reason = str(error.response.get("error") or error.response.status_code)
    except Exception as error:
        log.exception("delivery %s (%s) failed", delivery_id, job.kind)
        reason = type(error).__name__
    with sessions.begin() as session:
        delivery = session.get_one(Delivery, delivery_id)
        delivery.status, delivery.error = "failed", reason
    log.warning("delivery %s (%s) failed: %s", delivery_id, job.kind, reason)
    return "failed"


def make_scheduler(
    *, sessions: sessionmaker, client: WebClient, jobs: Sequence[Job], seconds: int,
    blocking: bool = False,
) -> BaseScheduler:
    """An APScheduler that only fires `tick` every `seconds`; the database decides the rest."""
    scheduler: BaseScheduler = BlockingScheduler() if blocking else BackgroundScheduler()

    def run() -> None:
        summary = tick(datetime.now(UTC), sessions=sessions, client=client, jobs=jobs)
        if summary.due:
            log.info(summary.line())

    scheduler.add_job(run, "interval", seconds=seconds, id="tick", max_instances=1,
                      coalesce=True, next_run_time=datetime.now(UTC))
    return scheduler
