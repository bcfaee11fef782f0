"""The outbox: leases, crash recovery by message metadata, retries, permanent failures, the CLI."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.cli import main
from bot.core import outbox
from bot.core.models import Delivery
from bot.core.scheduler import Due, claim, tick
from bot.core.slack import send_dm
from bot.lead_down import service
from bot.lead_down.jobs import Digest, MondayQuestion
from bot.lead_up.jobs import MonthlyDebrief
from bot.lead_up.models import Debrief
from bot.org.models import Person
from bot.org.service import set_line
from bot.testing import SlackEmulator
from tests.factories import T0, person

MONDAY = datetime(2027, 3, 8, 8, 0, tzinfo=UTC)  # 09:00 in Berlin
REPORTS = [f"UR{i:02d}" for i in range(12)]
AFTER_LEASE = outbox.LEASE + timedelta(seconds=1)


class Clock:
    """The emulator's clock follows the instants the test ticks at (Slack ts ~ our `now`)."""

    def __init__(self) -> None:
        self.now = MONDAY

    def __call__(self) -> float:
        return self.now.timestamp()


class Crash(BaseException):
    """A SIGKILL: nothing after it runs, the open transaction is rolled back."""


class Crashing:
    """Wraps a job: the process dies before or after the Web API call of send number `at`."""

    def __init__(self, job, *, at: int = 1, after_call: bool = True) -> None:
        self.job, self.at, self.after_call, self.calls = job, at, after_call, 0
        self.kind = job.kind

    def collect(self, session, now):
        return self.job.collect(session, now)

    def send(self, session, client, delivery, now) -> bool:
        self.calls += 1
        if self.calls == self.at and not self.after_call:
            raise Crash
        sent = self.job.send(session, client, delivery, now)
        if self.calls == self.at:
            raise Crash
        return sent


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def emu(clock: Clock):
    with SlackEmulator(team_id="T1", clock=clock) as emulator:
        for user_id in ("UBOSS", "UANN", "UBER", *REPORTS):
            emulator.add_user(user_id, user_id.lower())
        yield emulator


@pytest.fixture
def team(sessions):
    """Boss manages Berlin (UBER) and twelve more reports in Berlin."""
    with sessions.begin() as s:
        boss = person(s, "UBOSS", tz="Europe/Berlin")
        for user_id in ("UBER", *REPORTS):
            set_line(s, "T1", manager=boss, report=person(s, user_id, tz="Europe/Berlin"),
                     now=T0)
    return sessions


def run(sessions, web, clock: Clock, at: datetime, job=None):
    clock.now = at
    return tick(at, sessions=sessions, client=web, jobs=[job or MondayQuestion()])


def questions(emu: SlackEmulator, user_id: str) -> list[dict]:
    return [m for m in emu.dm_messages(user_id) if "asks:" in m["text"]]


def deliveries(sessions) -> dict[str, Delivery]:
    with sessions.begin() as s:
        return {d.recipient: d for d in s.scalars(select(Delivery))}


def test_concurrent_ticks_send_each_delivery_once(team, emu, web, clock) -> None:
    summaries = []

    def runner() -> None:
        summaries.append(tick(MONDAY, sessions=team, client=web, jobs=[MondayQuestion()]))

    threads = [threading.Thread(target=runner) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for user_id in ("UBER", *REPORTS):
        assert len(questions(emu, user_id)) == 1, user_id
    assert sum(s.due for s in summaries) == sum(s.sent for s in summaries) == 13
    assert {d.attempts for d in deliveries(team).values()} == {1}


def test_a_lease_is_taken_once_until_it_expires(sessions) -> None:
    with sessions.begin() as s:
        person(s, "UBER")
        [delivery_id] = claim(s, [Due("T1", "UBER", "k", "p")], MONDAY)
    assert outbox.acquire(sessions, delivery_id, MONDAY - timedelta(hours=1)) is None  # ahead
    first = outbox.acquire(sessions, delivery_id, MONDAY)
    assert first is not None and (first.number, first.unresolved) == (1, False)
    assert outbox.acquire(sessions, delivery_id, MONDAY + outbox.LEASE) is None
    again = outbox.acquire(sessions, delivery_id, MONDAY + AFTER_LEASE)
    assert again is not None and (again.number, again.unresolved, again.since) == (2, True, MONDAY)
    with sessions.begin() as s, pytest.raises(outbox.LeaseLost):  # the first lost its lease
        outbox.settle(s, first, status="sent")


def test_messages_carry_the_delivery_key_as_metadata(team, emu, web, clock) -> None:
    run(team, web, clock, MONDAY)
    delivery = deliveries(team)["UBER"]
    assert questions(emu, "UBER")[0]["metadata"] == {
        "event_type": "leadwell_delivery",
        "event_payload": {"delivery": delivery.id, "key": "T1/UBER/down.question/2027-W10"}}


def test_killed_after_some_sends_resumes_and_the_crashed_one_is_adopted(team, emu, web,
                                                                         clock) -> None:
    """Killed after the Web API call of the 5th question, before recording it."""
    with pytest.raises(Crash):
        run(team, web, clock, MONDAY, Crashing(MondayQuestion(), at=5))
    assert sum(len(questions(emu, u)) for u in ("UBER", *REPORTS)) == 5
    restart = run(team, web, clock, MONDAY + timedelta(minutes=1))
    assert (restart.due, restart.sent) == (0, 8)  # the rest; the crashed one is still leased
    later = run(team, web, clock, MONDAY + AFTER_LEASE)
    assert (later.sent, later.failed) == (1, 0)
    for user_id in ("UBER", *REPORTS):
        assert len(questions(emu, user_id)) == 1, user_id
    assert {d.status for d in deliveries(team).values()} == {"sent"}
    assert len(emu.calls("conversations.history")) == 1  # only the crashed one was searched


def test_report_sees_one_question_and_its_answer_reaches_the_digest(team, emu, web,
                                                                    clock) -> None:
    with team.begin() as s:  # only UBER reports to the boss
        for user_id in REPORTS:
            s.get(Person, ("T1", user_id)).deleted = True
    with pytest.raises(Crash):
        run(team, web, clock, MONDAY, Crashing(MondayQuestion()))
    assert run(team, web, clock, MONDAY + AFTER_LEASE).sent == 1
    [question] = questions(emu, "UBER")
    with team.begin() as s:  # the adopted question knows its message: replies are collected
        asked = s.scalars(select(service.Question)).one()
        assert (asked.channel, asked.ts) == ("DUBER", question["ts"])
        found = service.question_for_reply(s, "T1", "UBER", "DUBER", question["ts"])
        assert service.add_part(s, found, "9.1", "Fewer status meetings", MONDAY)
    tuesday = datetime(2027, 3, 9, 9, 0, tzinfo=UTC)  # 10:00 in Berlin
    assert run(team, web, clock, tuesday, Digest()).sent == 1
    assert "Fewer status meetings" in str(emu.dm_messages("UBOSS")[-1])


def test_killed_before_the_call_is_sent_after_the_lease(team, emu, web, clock) -> None:
    with team.begin() as s:
        for user_id in REPORTS:
            s.get(Person, ("T1", user_id)).deleted = True
    with pytest.raises(Crash):
        run(team, web, clock, MONDAY, Crashing(MondayQuestion(), after_call=False))
    assert run(team, web, clock, MONDAY + outbox.LEASE - timedelta(seconds=1)).sent == 0
    assert questions(emu, "UBER") == []
    assert run(team, web, clock, MONDAY + AFTER_LEASE).sent == 1
    assert len(questions(emu, "UBER")) == 1
    assert deliveries(team)["UBER"].attempts == 2


def test_the_debrief_agenda_is_found_in_its_group_dm(sessions, emu, web, clock) -> None:
    with sessions.begin() as s:
        ann = person(s, "UANN", tz="America/New_York")
        set_line(s, "T1", manager=person(s, "UBOSS", tz="America/Chicago"), report=ann, now=T0)
        set_line(s, "T1", manager=ann, report=person(s, "UBER"), now=T0)
    first_business_day = datetime(2027, 5, 3, 13, 0, tzinfo=UTC)  # 09:00 in New York
    with pytest.raises(Crash):
        run(sessions, web, clock, first_business_day, Crashing(MonthlyDebrief()))
    assert run(sessions, web, clock, first_business_day + AFTER_LEASE, MonthlyDebrief()).sent == 1
    with sessions.begin() as s:
        row = s.scalars(select(Debrief)).one()
    [agenda] = emu.messages(row.channel)
    assert row.ts == agenda["ts"] and row.channel.startswith("G")


@pytest.fixture
def one_report(team):
    with team.begin() as s:
        for user_id in REPORTS:
            s.get(Person, ("T1", user_id)).deleted = True
    return team


def test_server_errors_are_retried_on_later_ticks(one_report, emu, web, clock) -> None:
    emu.fail("chat.postMessage", status=502, times=1)  # not retried by the gateway
    emu.fail("chat.postMessage", status=200, error="internal_error", times=1)
    first = run(one_report, web, clock, MONDAY)
    assert (first.due, first.sent, first.retrying) == (1, 0, 1)
    delivery = deliveries(one_report)["UBER"]
    assert (delivery.status, delivery.error) == ("pending", "HTTP 502")
    assert delivery.next_attempt_at == MONDAY + outbox.backoff(1)
    assert run(one_report, web, clock, MONDAY + timedelta(seconds=30)).retrying == 0  # not yet
    assert run(one_report, web, clock, MONDAY + timedelta(minutes=1)).retrying == 1
    third = run(one_report, web, clock, MONDAY + timedelta(minutes=3))
    assert (third.sent, third.retrying) == (1, 0)
    assert len(questions(emu, "UBER")) == 1
    assert deliveries(one_report)["UBER"].attempts == 3


def test_transient_errors_give_up_after_max_attempts(one_report, emu, web, clock) -> None:
    emu.fail("chat.postMessage", status=200, error="internal_error", times=outbox.MAX_ATTEMPTS)
    at = MONDAY
    for attempt in range(1, outbox.MAX_ATTEMPTS + 1):
        summary = run(one_report, web, clock, at)
        at += outbox.backoff(attempt)
    assert (summary.failed, summary.retrying) == (1, 0)
    delivery = deliveries(one_report)["UBER"]
    assert delivery.status == "failed"
    assert delivery.error == f"gave up after {outbox.MAX_ATTEMPTS} attempts: internal_error"
    assert run(one_report, web, clock, at + timedelta(hours=1)).sent == 0


def test_rate_limits_wait_without_using_attempts(one_report, emu, web, clock) -> None:
    emu.fail("chat.postMessage", status=429, retry_after=0, times=4)  # the gateway tries 4 times
    assert run(one_report, web, clock, MONDAY).retrying == 1
    delivery = deliveries(one_report)["UBER"]
    assert (delivery.status, delivery.attempts, delivery.lease_until) == ("pending", 0, None)
    assert run(one_report, web, clock, MONDAY + outbox.RATE_LIMIT_WAIT).sent == 1
    assert emu.calls("conversations.history") == []  # nothing was posted: nothing to search


@pytest.mark.parametrize("error", ["user_not_found", "cannot_dm_bot", "is_bot"])
def test_permanent_errors_fail_at_once_and_are_listed(one_report, emu, web, clock, error: str,
                                                      database_url, monkeypatch, capsys) -> None:
    emu.fail("chat.postMessage", status=200, error=error, times=1)
    summary = run(one_report, web, clock, MONDAY)
    assert (summary.failed, summary.retrying) == (1, 0)
    assert run(one_report, web, clock, MONDAY + timedelta(hours=1)).sent == 0
    assert questions(emu, "UBER") == []
    monkeypatch.setenv("DATABASE_URL", database_url)
    capsys.readouterr()
    assert main(["deliveries", "--failed"]) == 0
    header, line = capsys.readouterr().out.splitlines()
    assert header.split() == list(("id", "team", "recipient", "kind", "period", "status",
                                   "attempts", "error"))
    assert line.split()[1:] == ["T1", "UBER", "down.question", "2027-W10", "failed", "1", error]
    assert main(["deliveries", "--pending", "--limit", "5"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1  # the header only


def test_deactivated_people_get_nothing(one_report, emu, web, clock) -> None:
    emu.fail("chat.postMessage", status=429, retry_after=0, times=4)
    assert run(one_report, web, clock, MONDAY).retrying == 1
    with one_report.begin() as s:  # deactivated meanwhile (the user_change event)
        s.get(Person, ("T1", "UBER")).deleted = True
    calls = len(emu.calls())
    summary = run(one_report, web, clock, MONDAY + timedelta(minutes=2))
    assert (summary.sent, summary.failed) == (0, 1)
    assert len(emu.calls()) == calls  # no Web API call
    delivery = deliveries(one_report)["UBER"]
    assert (delivery.status, delivery.error) == ("failed", "account deactivated")
    next_week = run(one_report, web, clock, MONDAY + timedelta(days=7))
    assert next_week.due == 0 and questions(emu, "UBER") == []  # not even collected
    assert run(one_report, web, clock, MONDAY, PostsThenFails()).due == 0  # whatever the job


class PostsThenFails:
    """A job whose message is posted, then a later step fails (like a chart upload)."""

    kind = "test.two_steps"

    def __init__(self) -> None:
        self.adopted: list[str] = []

    def collect(self, session, now):
        yield Due("T1", "UBER", self.kind, "p1")

    def send(self, session, client, delivery, now) -> bool:
        send_dm(client, delivery.recipient, text="Agenda")
        client.chat_postMessage(channel="CNOWHERE", text="chart")
        return True

    def adopt(self, session, delivery, posted, now) -> None:
        self.adopted.append(posted.ts)


def test_a_failure_after_posting_counts_as_sent(one_report, emu, web, clock) -> None:
    job = PostsThenFails()
    summary = run(one_report, web, clock, MONDAY, job)
    assert (summary.sent, summary.failed, summary.retrying) == (1, 0, 0)
    [message] = emu.dm_messages("UBER")
    assert job.adopted == [message["ts"]]
    delivery = deliveries(one_report)["UBER"]
    assert (delivery.status, delivery.error) == ("sent", "after posting: channel_not_found")


def test_pending_deliveries_go_stale_after_the_catch_up(sessions, emu, web, clock) -> None:
    with sessions.begin() as s:
        person(s, "UBER")
        claim(s, [Due("T1", "UBER", "down.question", "2027-W10", ref="UBOSS")], MONDAY)
    summary = run(sessions, web, clock, MONDAY + outbox.STALE_AFTER + timedelta(minutes=1))
    assert (summary.sent, summary.failed) == (0, 1)
    assert deliveries(sessions)["UBER"].error.startswith("expired")
    assert emu.calls("chat.postMessage") == []


def test_backoff_doubles_up_to_a_ceiling() -> None:
    assert [outbox.backoff(n).total_seconds() / 60 for n in range(1, 8)] == [
        1, 2, 4, 8, 16, 30, 30]
