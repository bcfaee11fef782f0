"""App Home and the Monday digest read the database in a fixed number of SQL statements,
whatever the number of reports, managers or weeks of history (no N+1 queries).

The statements are counted with SQLAlchemy's `before_cursor_execute` event (bench/queries.py,
also used by `python -m bench --only queries`), on orgs written by bench/org.py.
"""

from __future__ import annotations

import pytest
from sqlalchemy import delete
from sqlalchemy.orm import sessionmaker

from bench.org import build_org
from bench.queries import NOW, renders, statements_of
from bot.core.home import build_home
from bot.home import SECTIONS
from bot.org.models import ReportingLine
from bot.org.service import report_ids_of


def counts(sessions: sessionmaker, team_id: str, *, managers: int, reports: int,
           weeks: int) -> dict[str, int]:
    """Statements per render (manager's, boss's and a report's App Home, the digest)."""
    org = build_org(sessions, managers=managers, reports_per_manager=reports,
                    history_weeks=weeks, now=NOW, team_id=team_id)
    return {name: len(statements_of(sessions, render)) for name, render in renders(org).items()}


@pytest.mark.parametrize(("small", "large"), [
    pytest.param({"managers": 1, "reports": 5, "weeks": 3},
                 {"managers": 1, "reports": 50, "weeks": 3}, id="5-vs-50-reports"),
    pytest.param({"managers": 2, "reports": 3, "weeks": 3},
                 {"managers": 10, "reports": 3, "weeks": 3}, id="boss-of-2-vs-10-managers"),
    pytest.param({"managers": 1, "reports": 5, "weeks": 4},
                 {"managers": 1, "reports": 5, "weeks": 26}, id="4-vs-26-weeks"),
])
def test_statements_do_not_grow_with_the_org(sessions: sessionmaker, small: dict[str, int],
                                             large: dict[str, int]) -> None:
    few = counts(sessions, "TSMALL", **small)
    many = counts(sessions, "TLARGE", **large)
    assert few == many
    assert all(count > 0 for count in few.values())



def test_no_render_asks_for_an_empty_list(sessions: sessionmaker) -> None:
    """A report has no team: their home reads nothing about one (no `IN ()` statements)."""
    org = build_org(sessions, managers=2, reports_per_manager=3, history_weeks=3, now=NOW)
    for name, render in renders(org).items():
        statements = statements_of(sessions, render)
        assert not [s for s in statements if "1!=1" in s.replace(" ", "")], name


def test_a_home_asks_for_the_reporting_lines_once(sessions: sessionmaker) -> None:
    """The sections share the render's lookups of a manager and of reports
    (bot/core/db.py `memoized`), and only for that render."""
    org = build_org(sessions, managers=2, reports_per_manager=3, history_weeks=3, now=NOW)
    lookups = ("SELECT reporting_lines.manager_id FROM reporting_lines WHERE",
               "SELECT reporting_lines.report_id FROM reporting_lines JOIN people")
    for name, render in renders(org).items():
        statements = statements_of(sessions, render)
        for lookup in lookups:
            assert sum(s.startswith(lookup) for s in statements) <= 1, (name, lookup)
    manager, moved = org.managers[0], org.reports[org.managers[0]][0]
    with sessions.begin() as session:
        build_home(session, org.team_id, manager, NOW, SECTIONS)
        assert moved in report_ids_of(session, org.team_id, manager)
        session.execute(delete(ReportingLine).where(ReportingLine.team_id == org.team_id,
                                                    ReportingLine.report_id == moved))
        assert moved not in report_ids_of(session, org.team_id, manager)  # not remembered
