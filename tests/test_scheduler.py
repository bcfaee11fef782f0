"""The tick: due-ness from the database, one delivery per key, catch-up, failures recorded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.core.models import Delivery
from bot.core.scheduler import Due, claim, tick
from bot.org import service
from bot.org.jobs import JOBS
from bot.org.models import Person, Proposal, ProposalStatus
from tests.factories import T0, person


def propose(sessions, manager: str = "UANN", report: str = "UBOB") -> int:
    with sessions.begin() as s:
        for user_id in (manager, report):
            if s.get(Person, ("T1", user_id)) is None:
                person(s, user_id)
        m, r = s.get(Person, ("T1", manager)), s.get(Person, ("T1", report))
        return service.propose(s, "T1", proposer=m, manager=m, report=r, now=T0).id


def test_claim_is_idempotent_per_key(sessions) -> None:
    with sessions.begin() as s:
        person(s, "UANN")
    due = [Due("T1", "UANN", "k", "2026-W49"), Due("T1", "UANN", "k", "2026-W50")]
    with sessions.begin() as s:
        assert len(claim(s, due, T0)) == 2
    with sessions.begin() as s:
        assert claim(s, due, T0) == []
        assert len(claim(s, [*due, Due("T1", "UBOB", "k", "2026-W49")], T0)) == 1


def test_nothing_is_due_before_a_day(sessions, emu, web) -> None:
    propose(sessions)
    summary = tick(T0 + timedelta(hours=23), sessions=sessions, client=web, jobs=JOBS)
    assert (summary.due, summary.sent) == (0, 0)
    assert emu.dm_messages("UBOB") == []


def test_reminder_is_sent_once_whatever_the_number_of_ticks(sessions, emu, web) -> None:
    propose(sessions)
    at = T0 + timedelta(days=1)
    first = tick(at, sessions=sessions, client=web, jobs=JOBS)
    assert (first.due, first.sent, first.failed) == (1, 1, 0)
    for later in (at, at + timedelta(hours=1), at + timedelta(days=3)):
        assert tick(later, sessions=sessions, client=web, jobs=JOBS).due == 0
    reminders = [m for m in emu.dm_messages("UBOB") if m["text"].startswith("Reminder")]
    assert len(reminders) == 1


def test_missed_ticks_catch_up_and_expiry_tells_the_proposer(sessions, emu, web) -> None:
    proposal_id = propose(sessions)
    summary = tick(T0 + timedelta(days=30), sessions=sessions, client=web, jobs=JOBS)
    assert (summary.due, summary.sent) == (1, 1)  # expired: no reminder after that
    assert "expired" in emu.dm_messages("UANN")[-1]["text"]
    assert emu.dm_messages("UBOB") == []
    with sessions.begin() as s:
        assert s.get(Proposal, proposal_id).status == ProposalStatus.EXPIRED
    assert tick(T0 + timedelta(days=31), sessions=sessions, client=web, jobs=JOBS).due == 0


def test_answered_request_is_not_reminded(sessions, emu, web) -> None:
    proposal_id = propose(sessions)
    with sessions.begin() as s:
        service.decide(s, "T1", proposal_id, actor_id="UBOB", confirm=False, now=T0)
    assert tick(T0 + timedelta(days=2), sessions=sessions, client=web, jobs=JOBS).due == 0


def test_permanent_slack_error_marks_the_delivery_failed(sessions, emu, web) -> None:
    propose(sessions)
    emu.fail("chat.postMessage", status=200, error="account_inactive", times=5)
    summary = tick(T0 + timedelta(days=2), sessions=sessions, client=web, jobs=JOBS)
    assert (summary.sent, summary.failed) == (0, 1)
    with sessions.begin() as s:
        delivery = s.scalars(select(Delivery)).one()
        assert (delivery.status, delivery.error) == ("failed", "account_inactive")


@pytest.mark.parametrize("status", [429, 503])
def test_transient_slack_errors_are_retried_by_the_gateway(sessions, emu, web, status: int) -> None:
    propose(sessions)
    emu.fail("chat.postMessage", status=status, retry_after=0, times=1)
    summary = tick(T0 + timedelta(days=2), sessions=sessions, client=web, jobs=JOBS)
    assert (summary.sent, summary.failed) == (1, 0)
    assert len(emu.dm_messages("UBOB")) == 1
