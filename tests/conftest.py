"""Shared fixtures: fresh databases (SQLite and PostgreSQL), the Slack emulator, a live bot."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from bot.core import migrate
from bot.core.db import make_engine, make_sessions
from bot.testing import SlackEmulator

PG_ADMIN_URL = os.environ.get("LEADWELL_TEST_PG", "postgresql+psycopg://127.0.0.1:5432/test")
NOW = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)


def postgres_required() -> bool:
    """In CI (or when asked) the PostgreSQL tests must run, not skip."""
    flag = os.environ.get("LEADWELL_REQUIRE_POSTGRES") or os.environ.get("CI") or ""
    return flag.lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[Engine]:
    engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:
        engine.dispose()
        pytest.skip(f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {type(error).__name__}")
    yield engine
    engine.dispose()


def create_pg_database(admin: Engine) -> str:
    """A new empty database on the test server; returns its URL."""
    name = f"leadwell_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    return admin.url.set(database=name).render_as_string(hide_password=False)


def drop_pg_database(admin: Engine, url: str) -> None:
    name = url.rsplit("/", 1)[1]
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """An empty database: a SQLite file, then a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'leadwell.db'}"
        return
    admin = request.getfixturevalue("pg_admin")
    url = create_pg_database(admin)
    try:
        yield url
    finally:
        drop_pg_database(admin, url)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker:
    """Sessions on a freshly migrated database."""
    migrate.upgrade(engine)
    return make_sessions(engine)


# -- PostgreSQL must not be skipped in CI -------------------------------------------------

_pg_outcomes: dict[str, int] = {"passed": 0, "skipped": 0, "failed": 0}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if "postgres" not in report.keywords:
        return
    if report.skipped:
        _pg_outcomes["skipped"] += 1
    elif report.when == "call":
        _pg_outcomes["passed" if report.passed else "failed"] += 1


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if postgres_required() and exitstatus == 0 and (
        _pg_outcomes["skipped"] or not _pg_outcomes["passed"]
    ):
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter) -> None:
    counts = ", ".join(f"{v} {k}" for k, v in _pg_outcomes.items())
    terminalreporter.write_line(f"PostgreSQL tests: {counts}")
    if postgres_required() and (_pg_outcomes["skipped"] or not _pg_outcomes["passed"]):
        terminalreporter.write_line(
            "FAILED: PostgreSQL tests were skipped or none ran, and they are required here "
            "(CI or LEADWELL_REQUIRE_POSTGRES=1). Is PostgreSQL running at 127.0.0.1:5432?"
        )


# -- Slack emulator ---------------------------------------------------------------------


@pytest.fixture
def emu() -> Iterator[SlackEmulator]:
    with SlackEmulator(team_id="T1") as emulator:
        for user_id in ("UANN", "UBOB", "UCAT", "UDAN"):
            emulator.add_user(user_id, user_id[1:].lower(), email=f"{user_id[1:].lower()}@x.io")
        emulator.add_user("UROBO", "robo", is_bot=True)
        yield emulator


@pytest.fixture
def web(emu):
    """The bot's real Web API client (the gateway), pointed at the emulator."""
    from bot.core.config import Settings
    from bot.core.slack import build_client

    settings = Settings.from_env({"SLACK_BOT_TOKEN": emu.bot_token, "SLACK_API_URL": emu.api_url})
    return build_client(settings)


# -- Hypothesis: reproducible by default (HYPOTHESIS_PROFILE=explore for fresh examples) ---

hypothesis_settings.register_profile("ci", derandomize=True, database=None, deadline=None,
                                     print_blob=True)
hypothesis_settings.register_profile("explore", deadline=None, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
