"""Reporting periods as strings: months "2026-11", ISO weeks "2026-W48", quarters "2026-Q4"."""

from __future__ import annotations

import re
from datetime import date, timedelta

MONTHLY, WEEKLY = "monthly", "weekly"
CADENCES = (MONTHLY, WEEKLY)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$", re.ASCII)
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$", re.ASCII)


def current_period(cadence: str, today: date) -> str:
    """The period `today` falls in."""
    if cadence == WEEKLY:
        year, week, _ = today.isocalendar()
        return f"{year:04d}-W{week:02d}"
    return f"{today.year:04d}-{today.month:02d}"


def cadence_of(period: str) -> str:
    return WEEKLY if "W" in period else MONTHLY


def parse_period(text: str) -> str:
    """A normalised period from `2026-11` or `2026-W48`; ValueError otherwise."""
    text = text.strip().upper()
    month, week = _MONTH.match(text), _WEEK.match(text)
    if month and 1 <= int(month[2]) <= 12 and int(month[1]) >= 2000:
        return text
    if week and int(week[1]) >= 2000:
        try:
            date.fromisocalendar(int(week[1]), int(week[2]), 1)
        except ValueError:
            pass
        else:
            return text
    raise ValueError(f"`{text[:20]}` is not a period: use YYYY-MM (a month) or YYYY-Www (a week)")


def start_of(period: str) -> date:
    if cadence_of(period) == WEEKLY:
        year, week = period.split("-W")
        return date.fromisocalendar(int(year), int(week), 1)
    year, month = period.split("-")
    return date(int(year), int(month), 1)


def end_of(period: str) -> date:
    """The last day of the period."""
    return start_of(following(period)) - timedelta(days=1)


def following(period: str) -> str:
    if cadence_of(period) == WEEKLY:
        return current_period(WEEKLY, start_of(period) + timedelta(days=7))
    start = start_of(period)
    return f"{start.year + start.month // 12:04d}-{start.month % 12 + 1:02d}"


def previous(period: str) -> str:
    return current_period(cadence_of(period), start_of(period) - timedelta(days=1))


def recent(period: str, count: int) -> list[str]:
    """`count` periods ending with `period`, oldest first."""
    periods = [period]
    while len(periods) < count:
        periods.insert(0, previous(periods[0]))
    return periods


def label(period: str) -> str:
    """`November 2026`, or `Week 48, 2026 (23 Nov to 29 Nov)`."""
    start = start_of(period)
    if cadence_of(period) == WEEKLY:
        end = end_of(period)
        return f"Week {start.isocalendar()[1]}, {start.isocalendar()[0]} " \
               f"({start:%-d %b} to {end:%-d %b})"
    return f"{start:%B %Y}"


def short_label(period: str) -> str:
    """`Nov 26` or `W48` for chart axes."""
    return f"W{period[-2:]}" if cadence_of(period) == WEEKLY else f"{start_of(period):%b %y}"


def quarter_of(day: date) -> str:
    return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"


def quarter_start(quarter: str) -> date:
    year, q = quarter.split("-Q")
    return date(int(year), 3 * (int(q) - 1) + 1, 1)
