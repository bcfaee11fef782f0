"""Scheduler leadership: one holder of the advisory lock (or lock file); only it ticks."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.core import migrate
from bot.core.db import make_engine, make_sessions
from bot.core.leader import (
    APPLICATION_NAME,
    LEADER_KEY,
    AdvisoryLock,
    FileLock,
    Leadership,
    leadership_for,
)
from bot.core.metrics import REGISTRY
from bot.core.scheduler import Due, make_scheduler
from tests.conftest import create_pg_database, drop_pg_database


@pytest.fixture
def pg_url(pg_admin: Engine) -> Iterator[str]:
    url = create_pg_database(pg_admin)
    yield url
    drop_pg_database(pg_admin, url)


def holders(admin: Engine, url: str) -> list[str]:
    """application_name of the sessions holding the leader lock in `url`'s database."""
    with admin.connect() as connection:
        return list(connection.scalars(text(
            "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.granted AND l.objid = :key "
            "AND a.datname = :db"), {"key": LEADER_KEY, "db": url.rsplit("/", 1)[1]}))


@pytest.mark.postgres
def test_one_advisory_lock_holder_and_takeover(pg_admin: Engine, pg_url: str,
                                               caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="bot.core.leader")
    first, second = AdvisoryLock(pg_url), AdvisoryLock(pg_url)
    try:
        assert first.check() and first.check()
        assert not second.check() and not second.check()
        assert holders(pg_admin, pg_url) == [f"{APPLICATION_NAME} {os.getpid()}"]
        assert first.connection is not None  # the server drops a vanished leader in seconds
        assert first.connection.scalar(text("SHOW tcp_keepalives_idle")) == "10"
        first.close()
        assert second.check()
        assert not first.check()
        changes = [r.getMessage().split(" (")[0] for r in caplog.records]
        assert changes == [  # each change once, however many checks
            "this process now leads the scheduler", "another process leads the scheduler",
            "this process gave up leading the scheduler", "this process now leads the scheduler"]
    finally:
        first.close()
        second.close()


@pytest.mark.postgres
def test_a_leader_whose_connection_died_steps_down(pg_admin: Engine, pg_url: str) -> None:
    leader, standby = AdvisoryLock(pg_url), AdvisoryLock(pg_url)
    try:
        assert leader.check() and REGISTRY.leader
        assert not standby.check()
        with pg_admin.connect() as connection:  # the server drops the leader's session
            connection.execute(text("SELECT pg_terminate_backend(l.pid) FROM pg_locks l "
                                    "WHERE l.locktype = 'advisory' AND l.objid = :key"),
                               {"key": LEADER_KEY})
        assert standby.check()  # the lock went with the session
        assert not leader.check() and leader.connection is None
        assert len(holders(pg_admin, pg_url)) == 1
    finally:
        leader.close()
        standby.close()


def test_sqlite_lock_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'leadwell.db'}"
    first, second = leadership_for(url), leadership_for(url)
    assert isinstance(first, FileLock)
    assert first.check() and not second.check()
    first.close()
    assert second.check() and not first.check()
    second.close()
    assert type(leadership_for("sqlite://")) is Leadership
    assert isinstance(leadership_for("postgresql+psycopg://h/db"), AdvisoryLock)


class Counting:
    """A job that only counts the ticks reaching it."""

    kind = "test.count"

    def __init__(self) -> None:
        self.ticks = 0

    def collect(self, session: Session, now: datetime) -> Iterable[Due]:
        self.ticks += 1
        return []

    def send(self, *args: object) -> bool:
        return True


class Never(Leadership):
    """Another process always holds the lock."""

    def _hold(self) -> bool:
        return False


def test_only_the_leader_ticks(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    migrate.upgrade(engine)
    sessions, job = make_sessions(engine), Counting()
    follower = make_scheduler(sessions=sessions, client=None, jobs=[job], seconds=60,  # type: ignore[arg-type]
                              leadership=Never())
    follower.get_job("tick").func()
    assert job.ticks == 0 and not REGISTRY.leader
    leader = make_scheduler(sessions=sessions, client=None, jobs=[job], seconds=60)  # type: ignore[arg-type]
    before = datetime.now().astimezone()
    leader.get_job("tick").func()
    assert job.ticks == 1 and REGISTRY.leader
    assert REGISTRY.last_tick is not None and REGISTRY.last_tick >= before
    engine.dispose()
