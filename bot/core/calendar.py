"""Local-time calendar rules shared by scheduled jobs (pure functions, time as a parameter)."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

LAST = 5  # ordinal meaning "the last such weekday of the month"
CATCH_UP = timedelta(days=3)  # a monthly message missed by this much is skipped, not sent late


@cache
def zone(key: str) -> ZoneInfo:
    """The IANA time zone `key`, read once per process (ZoneInfo itself keeps only the last 8:
    a tick over people in 24 zones would read the zone files again and again)."""
    return ZoneInfo(key)


def nth_weekday(year: int, month: int, ordinal: int, weekday: int) -> date:
    """The `ordinal`-th (1-4, or LAST) `weekday` (Monday=0) of a month."""
    days = [d for d in calendar.Calendar().itermonthdates(year, month)
            if d.month == month and d.weekday() == weekday]
    return days[-1] if ordinal >= LAST else days[ordinal - 1]


def local_instant(day: date, hour: int, tz: str) -> datetime:
    """`hour`:00 on `day` in the time zone `tz`, as an aware UTC datetime."""
    return datetime.combine(day, time(hour), tzinfo=zone(tz)).astimezone(UTC)


def monthly_occurrence(now: datetime, *, ordinal: int, weekday: int, hour: int,
                       tz: str) -> tuple[str, datetime]:
    """This month's ("YYYY-MM", instant) for a monthly rule, the month as seen in `tz`."""
    local = now.astimezone(zone(tz))
    day = nth_weekday(local.year, local.month, ordinal, weekday)
    return f"{local.year:04d}-{local.month:02d}", local_instant(day, hour, tz)


def local_today(now: datetime, tz: str) -> date:
    return now.astimezone(zone(tz)).date()


def within_catch_up(instant: datetime, now: datetime) -> bool:
    """`now` is at `instant` or late by less than CATCH_UP (a missed tick still delivers)."""
    return instant <= now < instant + CATCH_UP


def first_business_day(on_or_after: date, holidays: frozenset[date] = frozenset()) -> date:
    """The first Monday-to-Friday on or after `on_or_after` that is not a holiday."""
    day = on_or_after
    while day.weekday() >= 5 or day in holidays:
        day += timedelta(days=1)
    return day
