"""Apply Alembic migrations, one process at a time even when several replicas start at once."""

from __future__ import annotations

import fcntl
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text
from sqlalchemy.engine import Engine

from bot.core.config import SettingsError, sqlite_path

log = logging.getLogger(__name__)
LOCK_KEY = 0x1EAD_3E11  # pg_advisory_lock key shared by every Leadwell replica


def migrations_dir() -> Path:
    """The Alembic folder: beside the package in a checkout, else in the working directory."""
    checkout = Path(__file__).resolve().parents[2]
    for candidate in (checkout / "migrations", Path.cwd() / "migrations"):
        if (candidate / "env.py").exists():
            return candidate
    raise SettingsError("the migrations/ folder was not found: run `bot` from the project folder "
                        "(the one holding migrations/)")


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["connection"] = connection
    return config


@contextmanager
def migration_lock(engine: Engine) -> Iterator[Connection]:
    """A connection holding the cluster-wide migration lock (advisory lock or lock file)."""
    path = sqlite_path(str(engine.url))
    if path is not None:  # lock before connecting: the first connection switches on WAL
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path.with_name(path.name + ".migrate.lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            with engine.connect() as connection:
                yield connection
        return
    with engine.connect() as connection:
        if engine.dialect.name != "postgresql":
            yield connection
            return
        # waiting for another replica's migration, or migrating, may exceed statement_timeout
        connection.execute(text("SET statement_timeout = 0"))
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": LOCK_KEY})
        connection.commit()
        try:
            yield connection
        finally:
            connection.rollback()
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY})
            connection.execute(text("RESET statement_timeout"))  # back to the engine's default
            connection.commit()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to `revision` (a no-op when it is already there)."""
    with migration_lock(engine) as connection:
        before = MigrationContext.configure(connection).get_current_revision()
        command.upgrade(alembic_config(connection), revision)
        connection.commit()
        after = MigrationContext.configure(connection).get_current_revision()
    if after != before:
        log.info("database migrated from %s to %s", before or "empty", after)


def downgrade(engine: Engine, revision: str) -> None:
    with migration_lock(engine) as connection:
        command.downgrade(alembic_config(connection), revision)
        connection.commit()


def current(engine: Engine) -> tuple[str | None, str | None]:
    """(the database's revision, the newest revision in the code)."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision(), head
