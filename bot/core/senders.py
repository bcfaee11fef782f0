"""Working a tick's due deliveries: a few sender threads, each leasing a few at a time.

A Monday fan-out is thousands of deliveries, each mostly waiting on Slack's answer and on the
database. So up to SENDERS threads take turns at one queue of the due ids: each leases up to
BATCH of them with one UPDATE (bot/core/outbox.py `lease`), then works them one by one, each
attempt in its own transaction as before, on a connection the thread keeps for the fan-out
(no pool checkout and ping per delivery). A runner that dies leaves at most SENDERS x BATCH
deliveries leased and not sent: after their lease, the next tick looks for them in Slack
before sending. A lease held half its length unsent (a long rate-limit pause) is given back.
SQLite (one writer at a time) gets one sender thread; a handful of deliveries (under
2 x PER_SENDER) go one by one on the calling thread, each leased just before it is sent.
"""

from __future__ import annotations

import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import sessionmaker

from bot.core import outbox
from bot.core.slack import Clients

if TYPE_CHECKING:
    from bot.core.scheduler import Job

SENDERS = 8  # threads at most, each with a database connection of its own while sending
PER_SENDER = 25  # due deliveries per sender thread: fewer than 50 go one at a time
BATCH = 8  # deliveries a sender thread leases at once


def senders(sessions: sessionmaker, due: int) -> int:
    """How many threads send `due` deliveries on this database (no more than its pool holds:
    bot/runtime.py sizes it for them)."""
    engine = sessions.kw.get("bind")
    if engine is None or engine.dialect.name == "sqlite":
        return 1
    pooled = getattr(engine.pool, "size", lambda: SENDERS)()
    return max(1, min(SENDERS, due // PER_SENDER, pooled))


def send_all(jobs: Mapping[str, Job], ids: Sequence[int], *, sessions: sessionmaker,
             clients: Clients, now: datetime, clock: Callable[[], datetime]) -> Counter[str]:
    """Lease and work the deliveries `ids` (free when the tick began); outcomes by name.

    `clock()` is the tick's instant plus the time it has run: when each lease is taken.
    """
    threads, queue = senders(sessions, len(ids)), deque(ids)
    fanout = _Fanout(jobs, queue, clients=clients, now=now, clock=clock)
    if len(ids) < 2 * PER_SENDER:
        fanout.send(sessions, 1)
        return fanout.outcomes
    workers = [threading.Thread(target=fanout.run, args=(sessions,), name=f"outbox-{n}")
               for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    if fanout.error is not None:
        raise fanout.error
    return fanout.outcomes


class _Fanout:
    """The shared state of the sender threads of one tick."""

    def __init__(self, jobs: Mapping[str, Job], queue: deque[int], *, clients: Clients,
                 now: datetime, clock: Callable[[], datetime]) -> None:
        self.jobs, self.queue, self.clients, self.now, self.clock = jobs, queue, clients, now, clock
        self.outcomes: Counter[str] = Counter()
        self.error: BaseException | None = None  # the first sender's crash stops them all
        self._lock = threading.Lock()

    def run(self, sessions: sessionmaker) -> None:
        """A sender thread: its own connection for all its transactions, until done."""
        try:
            with sessions.kw["bind"].connect() as connection:
                self.send(sessionmaker(**{**sessions.kw, "bind": connection}), BATCH)
        except BaseException as error:  # re-raised by send_all, in the tick's thread
            with self._lock:
                self.error = self.error or error

    def send(self, sessions: sessionmaker, batch: int) -> None:
        """Lease up to `batch` ids from the queue, work them; again until the queue is empty."""
        while self.error is None:
            ids = self._take(batch)
            if not ids:
                return
            attempts, failed = outbox.lease(sessions, ids, self.clock())
            outcomes = Counter({"failed": failed})
            for attempt in attempts:
                if self.error is not None:  # as if killed too: the rest stays leased
                    break
                outcomes[self._work(sessions, attempt)] += 1
            with self._lock:
                self.outcomes.update(outcomes)

    def _take(self, batch: int) -> list[int]:
        with self._lock:
            return [self.queue.popleft() for _ in range(min(batch, len(self.queue)))]

    def _work(self, sessions: sessionmaker, attempt: outbox.Attempt) -> str:
        """One attempt; a lease held half its length unsent (a long rate-limit pause) is too
        close to another runner taking it over: given back instead."""
        if time.monotonic() - attempt.leased > outbox.LEASE.total_seconds() / 2:
            outbox.release(sessions, attempt)
            return "lost"
        return outbox.work(self.jobs[attempt.kind], attempt, sessions=sessions,
                           clients=self.clients, now=self.now)
