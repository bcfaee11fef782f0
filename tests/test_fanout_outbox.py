"""What makes the fan-out fast in the outbox, with its guarantees kept: leases taken a batch
per UPDATE, sender threads, leases given back, a crash stopping every sender, and the Monday
question's collect reading only the time zones where it is Monday (SQLite and PostgreSQL)."""

from __future__ import annotations

import dataclasses
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, select

from bot.core import outbox, senders
from bot.core.models import Delivery
from bot.core.scheduler import Due, claim, tick
from bot.lead_down import service
from bot.lead_down.jobs import MondayQuestion
from bot.org.models import Person
from bot.org.service import set_line
from bot.testing import SlackEmulator
from tests.factories import T0, person

MONDAY = datetime(2027, 3, 8, 8, 0, tzinfo=UTC)  # 09:00 in Berlin
REPORTS = [f"UR{n:03d}" for n in range(120)]


def due(sessions, users: list[str]) -> list[int]:
    with sessions.begin() as s:
        for user in users:
            person(s, user)
        return claim(s, [Due("T1", user, "k", "p") for user in users], MONDAY)


def test_a_batch_is_leased_by_one_update_and_taken_rows_are_left(sessions) -> None:
    ids = due(sessions, ["UA", "UB", "UC", "UD"])
    taken = outbox.acquire(sessions, ids[1], MONDAY)  # another runner's
    attempts, failed = outbox.lease(sessions, ids, MONDAY)
    assert taken is not None and failed == 0
    assert [a.delivery_id for a in attempts] == [ids[0], *ids[2:]]
    assert {(a.number, a.unresolved, a.delivery.recipient) for a in attempts} == {
        (1, False, "UA"), (1, False, "UC"), (1, False, "UD")}
    assert outbox.lease(sessions, ids, MONDAY) == ([], 0)  # all leased now
    again, _ = outbox.lease(sessions, ids, MONDAY + outbox.LEASE + timedelta(seconds=1))
    assert [(a.number, a.unresolved, a.since) for a in again] == [(2, True, MONDAY)] * 4


def test_deactivated_recipients_fail_when_leased(sessions) -> None:
    ids = due(sessions, ["UA", "UB"])
    with sessions.begin() as s:
        s.get(Person, ("T1", "UB")).deleted = True
    attempts, failed = outbox.lease(sessions, ids, MONDAY)
    assert [a.delivery.recipient for a in attempts] == ["UA"] and failed == 1
    with sessions.begin() as s:
        row = s.get(Delivery, ids[1])
        assert (row.status, row.error, row.lease_until) == ("failed", outbox.DEACTIVATED, None)


def test_a_lease_given_back_leaves_the_row_as_it_was(sessions) -> None:
    [delivery_id] = due(sessions, ["UA"])
    [first], _ = outbox.lease(sessions, [delivery_id], MONDAY)
    outbox.release(sessions, first)
    [again], _ = outbox.lease(sessions, [delivery_id], MONDAY)  # free at once, not unresolved
    assert (again.number, again.unresolved) == (1, False)
    later = MONDAY + outbox.LEASE + timedelta(seconds=1)  # its outcome unknown from here
    [third], _ = outbox.lease(sessions, [delivery_id], later)
    outbox.release(sessions, third)
    [fourth], _ = outbox.lease(sessions, [delivery_id], later)
    assert (fourth.number, fourth.unresolved, fourth.since) == (2, True, MONDAY)


def test_racing_runners_share_out_a_batch(sessions) -> None:
    ids = due(sessions, [f"U{n:02d}" for n in range(40)])
    leased: list[int] = []
    start = threading.Barrier(4)

    def runner() -> None:
        start.wait()
        for n in range(0, len(ids), 8):
            leased.extend(a.delivery_id for a in outbox.lease(sessions, ids[n:n + 8],
                                                              MONDAY)[0])

    threads = [threading.Thread(target=runner) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(leased) == ids  # each once


def test_sender_threads_depend_on_the_database_and_the_size(sessions) -> None:
    threads = [senders.senders(sessions, n) for n in (1, 49, 50, 100, 10_000)]
    engine = sessions.kw["bind"]
    most = min(senders.SENDERS, engine.pool.size())  # no more than the pool holds (5 here)
    assert threads == ([1] * 5 if engine.dialect.name == "sqlite" else [1, 1, 2, 4, most])


def test_a_stale_lease_is_given_back_unsent(sessions, emu: SlackEmulator, web) -> None:
    [delivery_id] = due(sessions, ["UANN"])
    [attempt], _ = outbox.lease(sessions, [delivery_id], MONDAY)
    old = dataclasses.replace(attempt, leased=attempt.leased - outbox.LEASE.total_seconds())
    fanout = senders._Fanout({"k": MondayQuestion()}, [], clients=lambda team: web, now=MONDAY,
                             clock=lambda: MONDAY)
    assert fanout._work(sessions, old) == "lost"
    assert emu.calls("chat.postMessage") == []
    with sessions.begin() as s:
        assert (s.get(Delivery, delivery_id).attempts, s.get(Delivery, delivery_id).status) == (
            0, "pending")


@pytest.fixture
def big_team(sessions):
    """120 reports in Berlin: a fan-out that PostgreSQL sends from sender threads."""
    with sessions.begin() as s:
        boss = person(s, "UBOSS", tz="Europe/Berlin")
        for user_id in REPORTS:
            set_line(s, "T1", manager=boss, report=person(s, user_id, tz="Europe/Berlin"),
                     now=T0)
    return sessions


@pytest.fixture
def crowd(emu: SlackEmulator) -> SlackEmulator:
    for user_id in REPORTS:
        emu.add_user(user_id, user_id.lower())
    return emu


def test_racing_ticks_with_sender_threads_send_each_question_once(big_team, crowd, web) -> None:
    summaries = []
    runners = [threading.Thread(target=lambda: summaries.append(
        tick(MONDAY, sessions=big_team, client=web, jobs=[MondayQuestion()]))) for _ in range(2)]
    for runner in runners:
        runner.start()
    for runner in runners:
        runner.join()
    assert sum(s.sent for s in summaries) == sum(s.due for s in summaries) == len(REPORTS)
    for user_id in REPORTS:
        [question] = crowd.dm_messages(user_id)
        assert "asks:" in question["text"]
    with big_team.begin() as s:
        placed = s.scalars(select(service.Question).where(service.Question.ts.is_not(None)))
        assert len(placed.all()) == len(REPORTS)  # replies will find their question


class Crash(BaseException):
    """A SIGKILL in one sender thread."""


class CrashingQuestion(MondayQuestion):
    def __init__(self) -> None:
        self.calls, self.lock = 0, threading.Lock()

    def send(self, session, client, delivery, now) -> bool:
        with self.lock:
            self.calls += 1
            crash = self.calls == 10
        if crash:
            raise Crash
        return super().send(session, client, delivery, now)


def test_a_crash_in_one_sender_stops_them_all(big_team, crowd, web) -> None:
    job = CrashingQuestion()
    with pytest.raises(Crash):
        tick(MONDAY, sessions=big_team, client=web, jobs=[job])
    threads = senders.senders(big_team, len(REPORTS))
    assert job.calls < 10 + threads  # the others stopped after the one they were sending
    posted = len(crowd.calls("chat.postMessage"))
    after = tick(MONDAY + outbox.LEASE + timedelta(seconds=1), sessions=big_team, client=web,
                 jobs=[MondayQuestion()])
    assert after.sent == len(REPORTS) - posted  # the rest; those leased unsent: searched first
    assert 1 <= len(crowd.calls("conversations.history")) <= threads * senders.BATCH
    for user_id in REPORTS:
        assert len(crowd.dm_messages(user_id)) == 1


def test_no_reporting_line_is_read_when_it_is_monday_nowhere(big_team) -> None:
    statements: list[str] = []
    engine = big_team.kw["bind"]
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listen)
    try:
        with big_team.begin() as s:
            assert list(service.due_questions(s, MONDAY + timedelta(days=2))) == []
            assert len(list(service.due_questions(s, MONDAY))) == len(REPORTS)
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    assert sum("reporting_lines" in sql for sql in statements) == 1  # on the Monday only


def test_a_big_fan_out_leases_in_batches_on_either_database(big_team, crowd, web) -> None:
    """SQLite too: one sender thread, BATCH deliveries a lease, not a lease per delivery."""
    leases: list[str] = []
    engine = big_team.kw["bind"]

    def listen(*args) -> None:
        if args[2].lstrip().upper().startswith("UPDATE DELIVERIES") and "RETURNING" in args[2]:
            leases.append(args[2])

    event.listen(engine, "before_cursor_execute", listen)
    try:
        summary = tick(MONDAY, sessions=big_team, client=web, jobs=[MondayQuestion()])
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    assert summary.sent == len(REPORTS)
    threads = senders.senders(big_team, len(REPORTS))
    assert len(leases) <= len(REPORTS) // senders.BATCH + threads  # a partial batch each
