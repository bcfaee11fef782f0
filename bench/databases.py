"""Fresh databases for a benchmark run: a temporary SQLite file or a new PostgreSQL database.

PostgreSQL comes from LEADWELL_BENCH_PG, else LEADWELL_TEST_PG, else the test server
(postgresql+psycopg://127.0.0.1:5432/test); the database is created, then dropped afterwards.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.orm import sessionmaker

from bot.core import migrate
from bot.core.db import make_engine, make_sessions

PG_ADMIN = os.environ.get("LEADWELL_BENCH_PG", os.environ.get(
    "LEADWELL_TEST_PG", "postgresql+psycopg://127.0.0.1:5432/test"))


@contextmanager
def fresh_database(db: str) -> Iterator[str]:
    """The URL of an empty database for `db` ("sqlite", "postgres" or a URL, used as is),
    removed afterwards."""
    if db == "sqlite":
        with tempfile.TemporaryDirectory(prefix="leadwell-bench-") as folder:
            yield f"sqlite:///{folder}/leadwell.db"
        return
    if db != "postgres":
        yield db
        return
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    name = f"leadwell_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def migrated(url: str) -> Iterator[sessionmaker]:
    """Sessions on `url` at the newest migration; the engine is disposed of afterwards."""
    engine = make_engine(url)
    try:
        migrate.upgrade(engine)
        yield make_sessions(engine)
    finally:
        engine.dispose()
