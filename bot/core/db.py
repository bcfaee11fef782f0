"""Database: declarative base, engine and session factory."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, MetaData, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect, Engine
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
# what the database being unreachable, slow or restarting looks like (not a bug of ours)
UNAVAILABLE = (OperationalError, InterfaceError, DisconnectionError, PoolTimeout)


def make_engine(url: str, *, pool_size: int = 5, **kwargs: Any) -> Engine:
    """An engine for `url`; SQLite gets its folder, WAL, foreign keys and a busy timeout;
    PostgreSQL gets pre-ping, short connect and pool timeouts and a statement timeout.

    `pool_size` should cover the threads that use the database at once (listeners, scheduler).
    """
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {"timeout": 30})
    elif url.startswith("postgresql"):
        kwargs.setdefault("pool_pre_ping", True)
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
    return engine


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
    import bot.lead_down.models
    import bot.lead_up.models
    import bot.lead_yourself.models
    import bot.org.models  # noqa: F401


def insert_ignoring_conflicts(session: Session, model: type[Base], rows: list[dict[str, Any]],
                              returning: Any = None) -> list[Any]:
    """INSERT … ON CONFLICT DO NOTHING (PostgreSQL, SQLite): safe when two requests race.

    Returns `returning` of the rows this call inserted (when asked).
    """
    if not rows:
        return []
    dialect = session.get_bind().dialect.name
    make_insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[dialect]
    statement = make_insert(model).on_conflict_do_nothing()
    if returning is None:
        session.execute(statement, rows)
        return []
    return list(session.scalars(statement.returning(returning), rows))
