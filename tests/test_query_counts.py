"""App Home and the Monday digest read the database in a fixed number of SQL statements,
whatever the number of reports, managers or weeks of history (no N+1 queries).

The statements are counted with SQLAlchemy's `before_cursor_execute` event (bench/queries.py,
also used by `python -m bench --only queries`), on orgs written by bench/org.py.
"""

from __future__ import annotations

import pytest
from sqlalchemy.orm import sessionmaker

from bench.org import build_org
from bench.queries import NOW, renders, statements_of


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

