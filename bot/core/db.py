"""Database: declarative base, engine and session factory."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import DateTime, MetaData, Table, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from bot.core.config import sqlite_path

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in Python, naive UTC in the database (portable to SQLite)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    """Base of every model; constraint names are stable for Alembic."""

    metadata = MetaData(naming_convention=NAMING)


# libpq: fail fast when PostgreSQL is unreachable (connect, dead peer, silent idle socket)
PG_CONNECT_ARGS = {"connect_timeout": 5, "keepalives": 1, "keepalives_idle": 30,
                   "keepalives_interval": 10, "keepalives_count": 3, "tcp_user_timeout": 15000}
STATEMENT_TIMEOUT_MS = 30_000  # no request or tick waits longer on one statement
SQLITE_BUSY_SECONDS = 30
PING_IDLE_AFTER = 5.0  # seconds in the pool after which a PostgreSQL connection is pinged
# what the database being unreachable, slow or restarting looks like (not a bug of ours)
UNAVAILABLE = (OperationalError, InterfaceError, DisconnectionError, PoolTimeout)


def make_engine(url: str, *, pool_size: int = 5, **kwargs: Any) -> Engine:
    """An engine for `url`; SQLite gets its folder, WAL, foreign keys and a busy timeout;
    PostgreSQL gets a ping for connections idle a while (`ping_when_idle`), short connect and
    pool timeouts and a statement timeout.

    `pool_size` should cover the threads that use the database at once (listeners, scheduler).
    """
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {"timeout": SQLITE_BUSY_SECONDS,
                                           "factory": queued_writers(SQLITE_BUSY_SECONDS)})
    elif url.startswith("postgresql"):
        kwargs.setdefault("pool_timeout", 10)
        kwargs.setdefault("pool_recycle", 1800)
        kwargs.setdefault("connect_args", {
            **PG_CONNECT_ARGS, "options": f"-c statement_timeout={STATEMENT_TIMEOUT_MS}"})
    if path is not None or url.startswith("postgresql"):
        kwargs.setdefault("pool_size", pool_size)
        kwargs.setdefault("max_overflow", 5)
    engine = create_engine(url, **kwargs)
    if url.startswith("sqlite"):
        event.listen(engine, "connect", _sqlite_pragmas)
    elif url.startswith("postgresql") and not kwargs.get("pool_pre_ping"):
        ping_when_idle(engine)
    return engine


def ping_when_idle(engine: Engine, after: float = PING_IDLE_AFTER,
                   clock: Callable[[], float] = time.monotonic) -> None:
    """Ping a pooled connection before use when it sat in the pool for more
    than `after` seconds; a dead one is replaced, so the first request after a database
    restart does not fail. Unlike `pool_pre_ping` (a round trip for every transaction), a
    busy server's connections, back in the pool a moment ago, go out unchecked: if the
    database restarted within those seconds, the first statement fails, SQLAlchemy discards
    every pooled connection at once, and the person is asked to try again."""

    @event.listens_for(engine, "checkin")
    def checked_in(_dbapi: Any, record: Any) -> None:
        record.info["idle_since"] = clock()

    @event.listens_for(engine, "checkout")
    def checked_out(dbapi: Any, record: Any, _proxy: Any) -> None:
        since = record.info.pop("idle_since", None)
        if since is None or clock() - since <= after:  # new, or used a moment ago
            return
        try:
            engine.dialect.do_ping(dbapi)  # what pool_pre_ping runs
        except Exception as error:  # the pool replaces it with a new connection
            raise DisconnectionError("idle connection is dead") from error


SQLITE_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER")


def queued_writers(wait: float) -> type[sqlite3.Connection]:
    """A sqlite3 connection class whose writers take turns on one lock, from their first write
    until their commit or rollback has ended (waiting at most `wait` seconds, the busy
    timeout's, then going on without it).

    SQLite lets one transaction write at a time; the others retry with growing sleeps (its busy
    handler, up to 100 ms a sleep), so with a few threads writing at once a writer may sleep
    long after the database was free. Queued on a lock, the next writer starts as soon as the
    last one is done. Other processes (a `bot tick`, a replica) still meet the busy timeout."""
    lock = threading.Lock()

    class Cursor(sqlite3.Cursor):
        def execute(self, sql: str, parameters: Any = (), /) -> Cursor:
            self.connection.writing(sql)
            try:
                return super().execute(sql, parameters)
            finally:
                self.connection.settled()

        def executemany(self, sql: str, parameters: Any, /) -> Cursor:
            self.connection.writing(sql)
            try:
                return super().executemany(sql, parameters)
            finally:
                self.connection.settled()

    class Connection(sqlite3.Connection):
        holding = False

        def cursor(self, factory: Any = Cursor) -> Any:  # type: ignore[override]
            return super().cursor(factory)

        def writing(self, sql: str) -> None:
            if not self.holding and sql.lstrip()[:7].upper().startswith(SQLITE_WRITES):
                self.holding = lock.acquire(timeout=wait)

        def settled(self) -> None:
            """Let go once no transaction is open (autocommit, or a failed statement)."""
            if self.holding and not self.in_transaction:
                self.holding = False
                lock.release()

        def commit(self) -> None:
            try:
                super().commit()
            finally:
                self.settled()

        def rollback(self) -> None:
            try:
                super().rollback()
            finally:
                self.settled()

        def close(self) -> None:
            try:
                super().close()
            finally:
                if self.holding:
                    self.holding = False
                    lock.release()

    return Connection


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def make_sessions(engine: Engine) -> sessionmaker:
    """The session factory: use as `with sessions.begin() as session:`."""
    return sessionmaker(engine, expire_on_commit=False)


def import_models() -> None:
    """Import every models module so Base.metadata knows all tables."""
    import bot.core.models
    import bot.core.tokens
    import bot.lead_down.models
    import bot.lead_up.models
    import bot.lead_yourself.models
    import bot.org.models  # noqa: F401


def insert_ignoring_conflicts(session: Session, model: type[Base] | Table,
                              rows: list[dict[str, Any]], returning: Any = None) -> list[Any]:
    """INSERT … ON CONFLICT DO NOTHING (PostgreSQL, SQLite): safe when two requests race.
    A Table for `model` skips the ORM (cheaper, for hot paths; `returning` a column).

    Returns `returning` of the rows this call inserted (when asked).
    """
    if not rows:
        return []
    statement = _ignoring_conflicts(session.get_bind().dialect.name, model, returning)
    if returning is None:
        session.execute(statement, rows)
        return []
    return list(session.scalars(statement, rows))


@cache
def _ignoring_conflicts(dialect: str, model: type[Base] | Table, returning: Any) -> Any:
    """The statement of `insert_ignoring_conflicts`, built once (hot paths run it a lot)."""
    make_insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[dialect]
    statement = make_insert(model).on_conflict_do_nothing()
    return statement if returning is None else statement.returning(returning)


_MEMO = "leadwell_read_memo"


def core(session: Session) -> Connection:
    """The session's connection, for prepared Core statements on a hot path (no ORM layer);
    what the ORM holds is flushed first, as Core statements do not autoflush."""
    session.flush()
    return session.connection()


@contextmanager
def only_reading(session: Session) -> Iterator[None]:
    """While `session` only reads (an App Home render), `memoized` lookups are asked once,
    however many sections ask."""
    session.info[_MEMO] = {}
    try:
        yield
    finally:
        del session.info[_MEMO]


def memoized(session: Session, key: tuple[Any, ...], read: Callable[[], Any]) -> Any:
    """`read()`, remembered `only_reading` (elsewhere a write may change it)."""
    memo = session.info.get(_MEMO)
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    return memo[key]
