"""MONDAY_ANSWER_RETENTION_DAYS: Monday answers older than the retention are deleted by a tick."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from bot.app import JOBS, scheduled_jobs
from bot.core.config import Settings, SettingsError
from bot.core.models import Delivery
from bot.core.scheduler import tick
from bot.lead_down.models import AnswerPart, Commitment, Question
from bot.lead_down.retention import AnswerRetention
from tests.factories import T0, person

DAYS = 365
CUTOFF = T0 - timedelta(days=DAYS)


def ask(sessions: sessionmaker, report: str, asked_at, week: str) -> None:
    with sessions.begin() as session:
        question = Question(team_id="T1", report_id=report, manager_id="UANN", week=week,
                            asked_at=asked_at)
        session.add(question)
        session.flush()
        session.add_all([
            AnswerPart(question_id=question.id, source_ts="1.1", text="more time",
                       created_at=asked_at),
            Commitment(question_id=question.id, text="fewer meetings", due=date(2026, 1, 1),
                       created_at=asked_at),
            Delivery(team_id="T1", recipient=report, kind="down.question", period=week,
                     ref="UANN", status="sent", created_at=asked_at)])


def counts(sessions: sessionmaker) -> tuple[int, ...]:
    with sessions.begin() as session:
        return tuple(session.scalar(select(func.count()).select_from(m))
                     for m in (Question, AnswerPart, Commitment, Delivery))


@pytest.fixture
def answered(sessions: sessionmaker) -> sessionmaker:
    """Two answers: one asked a second before the cutoff, one exactly at it."""
    with sessions.begin() as session:
        for user in ("UANN", "UBOB", "UCAT"):
            person(session, user)
    ask(sessions, "UBOB", CUTOFF - timedelta(seconds=1), "2025-W48")
    ask(sessions, "UCAT", CUTOFF, "2025-W49")
    return sessions


def test_a_tick_deletes_answers_older_than_the_retention_only(answered, web) -> None:
    jobs = [AnswerRetention(DAYS)]
    tick(T0, sessions=answered, client=web, jobs=jobs)
    assert counts(answered) == (1, 1, 1, 1)
    with answered.begin() as session:
        assert session.scalar(select(Question.report_id)) == "UCAT"
    tick(T0 + timedelta(seconds=1), sessions=answered, client=web, jobs=jobs)
    assert counts(answered) == (0, 0, 0, 0)


def test_zero_keeps_answers_forever(answered, web) -> None:
    tick(T0 + timedelta(days=4000), sessions=answered, client=web, jobs=[AnswerRetention(None)])
    assert counts(answered) == (2, 2, 2, 2)


def test_the_setting_reaches_the_scheduler() -> None:
    assert Settings.from_env({}).monday_answer_retention_days == 365
    assert Settings.from_env({"MONDAY_ANSWER_RETENTION_DAYS": "0"}
                             ).monday_answer_retention_days is None
    jobs = scheduled_jobs(Settings.from_env({"MONDAY_ANSWER_RETENTION_DAYS": "30"}))
    assert jobs[: len(JOBS)] == JOBS and jobs[-1].days == 30


@pytest.mark.parametrize("raw", ["-1", "3", "1y", "365.5"])
def test_bad_retention_is_refused(raw) -> None:
    with pytest.raises(SettingsError, match="MONDAY_ANSWER_RETENTION_DAYS"):
        Settings.from_env({"MONDAY_ANSWER_RETENTION_DAYS": raw})
