"""Constant-query reads: App Home and the Monday digest of a big org, statements counted and
renders timed.

The org (bench/org.py): one boss, `managers` managers with `reports` reports each, a year of
history. A render is what `bot serve` does in one transaction before it calls Slack: App Home
for a manager, their boss and a report (bot/core/home.py `build_home`), and the manager's
digest (bot/lead_down/jobs.py `digest_message`). Statements are counted with SQLAlchemy's
`before_cursor_execute` event; tests/test_query_counts.py asserts the counts do not grow with
the number of reports or managers.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from bench.databases import fresh_database, migrated
from bench.load import percentile
from bench.org import Org, build_org
from bot.core.home import build_home
from bot.home import SECTIONS
from bot.lead_down.jobs import digest_message

NOW = datetime(2027, 1, 12, 10, 30, tzinfo=UTC)  # a Tuesday: this week's answers, the digest
Render = Callable[[Session, datetime], object]
Progress = Callable[[str], None]


def renders(org: Org) -> dict[str, Render]:
    """What is read per App Home or digest, by whom: the first manager, the boss, a report."""
    team, manager = org.team_id, org.managers[0]
    report = org.reports[manager][0]

    def home(user: str) -> Render:
        return lambda session, now: build_home(session, team, user, now, SECTIONS)

    return {"home, manager": home(manager), "home, boss": home(org.boss_id),
            "home, report": home(report),
            "digest, manager": lambda session, now: digest_message(session, team, manager, now)}


@contextmanager
def counting(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements `engine` sends meanwhile (an executemany counts once)."""
    statements: list[str] = []

    def record(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def statements_of(sessions: sessionmaker, render: Render, now: datetime = NOW) -> list[str]:
    """The statements one render sends, in its own transaction."""
    with counting(sessions.kw["bind"]) as statements, sessions.begin() as session:
        render(session, now)
    return statements


def timed(sessions: sessionmaker, render: Render, repeats: int,
          now: datetime = NOW) -> list[float]:
    """Seconds of `repeats` renders (after two untimed ones), each in its own transaction."""
    seconds = []
    for n in range(repeats + 2):
        started = time.perf_counter()
        with sessions.begin() as session:
            render(session, now)
        if n >= 2:
            seconds.append(time.perf_counter() - started)
    return seconds


def run_queries(dbs: list[str], *, managers: int, reports: int, weeks: int, repeats: int,
                progress: Progress = print) -> list[dict[str, Any]]:
    """Statements and render times per database and render."""
    rows = []
    for db in dbs:
        with fresh_database(db) as url, migrated(url) as sessions:
            started = time.perf_counter()
            org = build_org(sessions, managers=managers, reports_per_manager=reports,
                            history_weeks=weeks, now=NOW)
            progress(f"{db:8} org of {len(org.people)} people, {weeks} weeks of history, "
                     f"built in {time.perf_counter() - started:.1f} s")
            gc.collect()
            gc.freeze()  # as `bot serve` does (bot/core/acks.py): no full pass over start-up
            for name, render in renders(org).items():
                count = len(statements_of(sessions, render))
                ms = [s * 1000 for s in timed(sessions, render, repeats)]
                row = {"db": db, "render": name, "statements": count, "renders": len(ms),
                       "p50": round(percentile(ms, 50), 2), "p95": round(percentile(ms, 95), 2),
                       "max": round(max(ms), 2), "managers": managers, "reports": reports,
                       "weeks": weeks}
                rows.append(row)
                progress(f"{db:8} {name:16} {count:3} statements, p50 {row['p50']} ms, "
                         f"p95 {row['p95']} ms")
    return rows
