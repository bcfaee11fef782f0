"""Which replica runs the scheduler: the one holding a lock, checked every tick period.

PostgreSQL: `pg_try_advisory_lock(LEADER_KEY)` on a dedicated connection (its own engine, no
pool) that stays open while leading. The lock belongs to that session, so it is released when
the leader's process dies (the server sees the socket close) or the connection breaks. Every
period the leader checks the connection still answers (else it steps down) and the others try
to take the lock, so a dead leader is replaced within one tick period.

SQLite: one host, so an exclusive `flock` on a file beside the database does the same.
Any other database: the process always leads. Deliveries stay idempotent underneath, so a
short overlap of two leaders (a partitioned one that has not noticed yet) sends nothing twice.
"""

from __future__ import annotations

import fcntl
import logging
import os
from pathlib import Path
from typing import IO

from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

from bot.core.config import sqlite_path
from bot.core.metrics import REGISTRY

log = logging.getLogger(__name__)
LEADER_KEY = 0x1EAD_71C4  # pg advisory lock key of the scheduler leader (migrations: 0x1EAD3E11)
APPLICATION_NAME = "leadwell-scheduler"  # + " <pid>": pg_stat_activity shows who leads
# Both ends notice a dead peer in seconds, not hours: libpq (a hung check would delay the
# step-down) and the server (which keeps the lock until it drops the session of a leader whose
# host vanished without closing its socket).
KEEPALIVES = {"tcp_keepalives_idle": 10, "tcp_keepalives_interval": 5,
              "tcp_keepalives_count": 3, "tcp_user_timeout": 15000, "statement_timeout": 5000}
CONNECT_ARGS = {"connect_timeout": 5, "keepalives": 1, "keepalives_idle": 10,
                "keepalives_interval": 5, "keepalives_count": 3, "tcp_user_timeout": 15000,
                "options": " ".join(f"-c {name}={value}" for name, value in KEEPALIVES.items())}


class Leadership:
    """Whether this process leads; `check()` once per tick period, before ticking."""

    what = "always (no shared database)"

    def __init__(self) -> None:
        self.leading: bool | None = None  # None until the first check
        self.failing = False  # the last check raised (warn once per outage)

    def check(self) -> bool:
        """Keep or try to take the lock; log and publish a change of state, once."""
        try:
            leading = self._hold()
            self.failing = False
        except Exception as error:  # a broken lock must not stop the scheduler
            if not self.failing:
                log.warning("scheduler leadership check failed: %s", _short(error))
            self.failing = True
            self._release()
            leading = False
        if leading != self.leading:
            if leading:
                log.info("this process now leads the scheduler (%s)", self.what)
            elif self.leading:
                log.info("this process no longer leads the scheduler; standing by")
            elif not self.failing:
                log.info("another process leads the scheduler (%s); standing by", self.what)
            REGISTRY.set_leader(leading)
            self.leading = leading
        return leading

    def close(self) -> None:
        """Give the lock up (at shutdown)."""
        self._release()
        if self.leading:
            log.info("this process gave up leading the scheduler")
            REGISTRY.set_leader(False)
        self.leading = False

    def _hold(self) -> bool:
        return True

    def _release(self) -> None:
        """Drop whatever holds the lock (nothing here)."""


class AdvisoryLock(Leadership):
    """A PostgreSQL session-level advisory lock on a dedicated connection."""

    def __init__(self, url: str, key: int = LEADER_KEY) -> None:
        super().__init__()
        self.key = key
        self.what = f"PostgreSQL advisory lock {key:#x}"
        self.engine: Engine = create_engine(
            url, poolclass=NullPool, isolation_level="AUTOCOMMIT",
            connect_args={**CONNECT_ARGS, "application_name": f"{APPLICATION_NAME} {os.getpid()}"})
        self.connection: Connection | None = None

    def _hold(self) -> bool:
        if self.leading and self.connection is not None:
            self.connection.execute(text("SELECT 1"))  # raises when the session is gone
            return True
        if self.connection is None:
            self.connection = self.engine.connect()
        return bool(self.connection.scalar(text("SELECT pg_try_advisory_lock(:key)"),
                                           {"key": self.key}))

    def _release(self) -> None:
        if self.connection is not None:
            try:
                self.connection.close()  # ends the session, and so the lock
            except Exception:  # the connection is already broken
                log.debug("closing the leader connection failed", exc_info=True)
            self.connection = None


class FileLock(Leadership):
    """An exclusive `flock` on `<database>.leader.lock` (SQLite: every process on one host)."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self.what = f"lock file {path}"
        self.file: IO[str] | None = None

    def _hold(self) -> bool:
        if self.file is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        file = open(self.path, "a")  # noqa: SIM115 - held open while leading
        try:
            fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            file.close()
            return False
        self.file = file
        return True

    def _release(self) -> None:
        if self.file is not None:
            self.file.close()  # closing the descriptor releases the flock
            self.file = None


def leadership_for(database_url: str) -> Leadership:
    """The election that fits the database behind `database_url`."""
    if database_url.startswith("postgresql"):
        return AdvisoryLock(database_url)
    path = sqlite_path(database_url)
    if path is not None:
        return FileLock(path.with_name(path.name + ".leader.lock"))
    return Leadership()


def _short(error: Exception) -> str:
    first = str(error).strip().splitlines()
    return f"{type(error).__name__}: {first[0]}" if first else type(error).__name__
