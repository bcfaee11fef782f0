"""Slack's event retries: each `event_id` is processed once.

The WSGI layer records a signed event's id in `processed_events` (INSERT … ON CONFLICT DO
NOTHING). A first delivery goes to Bolt at once and its id is recorded meanwhile by the
ledger's writer thread (many ids a transaction), so no acknowledgement waits for the database
(`app_uninstalled` and `tokens_revoked` are recorded first: their listeners delete the ledger's
rows of the workspace, which a later write would bring back);
a retry (X-Slack-Retry-Num) first waits until this process's noted ids are written, then is
recorded before Bolt sees it, and answered 200 at once if it was processed already. Slack
retries only an event not acknowledged within 3 seconds (or refused), long after its id was
written. Only requests whose signature checks out are recorded, so forged ones can't claim an
id. Rows older than a day are deleted, at most once an hour per process.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_sdk.signature import SignatureVerifier
from sqlalchemy import delete
from sqlalchemy.orm import sessionmaker

from bot.core.db import UNAVAILABLE, insert_ignoring_conflicts
from bot.core.models import ProcessedEvent
from bot.core.ops import plain

log = logging.getLogger(__name__)
KEEP = timedelta(days=1)
PURGE_EVERY = timedelta(hours=1)
# Events whose listener deletes the workspace's rows (its ledger row too): recorded before
# that, not on the writer thread; and handled by the serving app, whose token caches they
# clear, not handed to a follow-up process.
ERASING = frozenset({"app_uninstalled", "tokens_revoked"})
FLUSH_WAIT = 1.0  # seconds a retry waits at most for this process's unrecorded events


@dataclass(frozen=True)
class Envelope:
    """The parts of an Events API `event_callback` that identify it."""

    event_id: str
    team_id: str
    erases: bool = False  # app_uninstalled or tokens_revoked (ERASING)


def envelope(payload: dict[str, Any] | None) -> Envelope | None:
    """The event's id and workspace when `payload` (a parsed body) is an `event_callback`,
    else None."""
    if payload is None or payload.get("type") != "event_callback":
        return None
    event_id, team_id = payload.get("event_id"), payload.get("team_id") or ""
    if not isinstance(event_id, str) or not event_id or len(event_id) > 64:
        return None
    inner = payload.get("event")
    kind = inner.get("type") if isinstance(inner, dict) else None
    return Envelope(event_id, str(team_id)[:32], erases=kind in ERASING)


class EventLedger:
    """Which events this deployment has already processed (shared by every replica)."""

    def __init__(self, sessions: sessionmaker, signing_secret: str,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.sessions = sessions
        self.verifier = SignatureVerifier(signing_secret)
        self.clock = clock
        self.purged_at: datetime | None = None
        self.lock = threading.Lock()
        self.written = threading.Condition()
        self.queue: list[dict[str, Any]] = []
        self.writing = False
        self.writer: threading.Thread | None = None

    def signed(self, body: bytes, environ: dict[str, Any]) -> bool:
        """Whether `body` carries a valid, recent Slack signature."""
        try:
            return self.verifier.is_valid(body, environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP"),
                                          environ.get("HTTP_X_SLACK_SIGNATURE"))
        except ValueError:  # a timestamp that is not a number
            return False

    def first_time(self, event: Envelope) -> bool:
        """Record `event`; False if it was recorded before. Raises if the database fails."""
        now = self.clock()
        row = {"event_id": event.event_id, "team_id": event.team_id, "received_at": now}
        with self.sessions.begin() as session:
            new = insert_ignoring_conflicts(session, ProcessedEvent, [row],
                                            returning=ProcessedEvent.event_id)
            if self._purge_due(now):
                session.execute(delete(ProcessedEvent)
                                .where(ProcessedEvent.received_at < now - KEEP))
        return bool(new)

    def note(self, event: Envelope) -> None:
        """Record `event` soon, on the ledger's writer thread (a first delivery: Bolt need not
        wait for the database); `flush` waits for it."""
        with self.written:
            self.queue.append({"event_id": event.event_id, "team_id": event.team_id,
                               "received_at": self.clock()})
            if self.writer is None or not self.writer.is_alive():
                self.writer = threading.Thread(target=self._write, name="event-ledger",
                                               daemon=True)
                self.writer.start()
            self.written.notify_all()

    def flush(self, timeout: float = FLUSH_WAIT) -> None:
        """Wait (at most `timeout` seconds) until the events noted so far are recorded."""
        with self.written:
            self.written.wait_for(lambda: not self.queue and not self.writing, timeout)

    def _write(self) -> None:
        """The writer thread: records what was noted, many events a transaction."""
        while True:
            with self.written:
                self.written.wait_for(lambda: self.queue)
                rows, self.queue, self.writing = self.queue, [], True
            try:
                with self.sessions.begin() as session:
                    insert_ignoring_conflicts(session, ProcessedEvent, rows)
                    now = rows[-1]["received_at"]
                    if self._purge_due(now):
                        session.execute(delete(ProcessedEvent)
                                        .where(ProcessedEvent.received_at < now - KEEP))
            except UNAVAILABLE as error:
                log.warning("%d events processed, not recorded: database unavailable (%s)",
                            len(rows), type(error).__name__)
            except Exception:
                log.exception("%d events processed, not recorded", len(rows))
            finally:
                with self.written:
                    self.writing = False
                    self.written.notify_all()

    def _purge_due(self, now: datetime) -> bool:
        with self.lock:
            if self.purged_at is not None and now - self.purged_at < PURGE_EVERY:
                return False
            self.purged_at = now
            return True


def answer_event(ledger: EventLedger, body: bytes, payload: dict[str, Any] | None,
                  environ: dict[str, Any], start_response: Callable[..., Any],
                  forward: Callable[[Envelope], None] | None = None) -> Iterable[bytes] | None:
    """200 at once for a signed event already processed, or when it can't be recorded (the
    database is down: acknowledged all the same, never a storm of 500s); a new one goes to
    `forward` when given (the follow-up process's app: bot/core/followups.py), then 200, except
    the events that erase a workspace (they also clear this process's caches); None to let
    Bolt handle the request."""
    event = envelope(payload)
    if event is None or not ledger.signed(body, environ):
        return None  # not an event, or Bolt answers 401
    if not environ.get("HTTP_X_SLACK_RETRY_NUM") and not event.erases:
        ledger.note(event)  # a first delivery: recorded meanwhile, off the way of the ack
    else:
        try:
            ledger.flush()  # what this process noted is recorded before a retry is checked
            first = ledger.first_time(event)
        except UNAVAILABLE as error:
            log.warning("event %s acknowledged, not processed: database unavailable (%s)",
                        event.event_id, type(error).__name__)
            return plain(start_response, "200 OK", "")
        if not first:
            log.info("event %s already processed; retry %s acknowledged", event.event_id,
                     environ.get("HTTP_X_SLACK_RETRY_NUM", "-"))
            return plain(start_response, "200 OK", "")
    if forward is None or event.erases:
        return None
    forward(event)
    return plain(start_response, "200 OK", "")
