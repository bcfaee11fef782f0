"""Monthly local-time rules, across month ends and daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.core.calendar import LAST, monthly_occurrence, nth_weekday


@pytest.mark.parametrize(
    ("year", "month", "ordinal", "weekday", "expected"),
    [
        (2026, 12, 1, 0, date(2026, 12, 7)),   # first Monday
        (2026, 11, 1, 1, date(2026, 11, 3)),   # first Tuesday
        (2027, 3, 4, 0, date(2027, 3, 22)),
        (2027, 3, LAST, 0, date(2027, 3, 29)),  # last Monday
        (2027, 2, LAST, 6, date(2027, 2, 28)),
    ],
)
def test_nth_weekday(year: int, month: int, ordinal: int, weekday: int, expected: date) -> None:
    assert nth_weekday(year, month, ordinal, weekday) == expected


def test_ten_oclock_local_follows_daylight_saving() -> None:
    """New York: 10:00 is 15:00 UTC in winter and 14:00 UTC in summer."""
    winter = monthly_occurrence(datetime(2027, 3, 9, tzinfo=UTC), ordinal=1, weekday=0, hour=10,
                                tz="America/New_York")
    summer = monthly_occurrence(datetime(2027, 4, 9, tzinfo=UTC), ordinal=1, weekday=0, hour=10,
                                tz="America/New_York")
    assert winter == ("2027-03", datetime(2027, 3, 1, 15, tzinfo=UTC))
    assert summer == ("2027-04", datetime(2027, 4, 5, 14, tzinfo=UTC))


def test_the_month_is_the_one_on_the_owners_calendar() -> None:
    """At 20:00 UTC on 31 Dec it is already January in Tokyo."""
    period, instant = monthly_occurrence(datetime(2026, 12, 31, 20, tzinfo=UTC), ordinal=1,
                                         weekday=0, hour=10, tz="Asia/Tokyo")
    assert period == "2027-01" and instant == datetime(2027, 1, 4, 1, tzinfo=UTC)


def test_a_missed_monthly_moment_is_caught_up_for_three_days_only() -> None:
    from datetime import timedelta

    from bot.core.calendar import within_catch_up

    moment = datetime(2026, 12, 7, 15, tzinfo=UTC)
    assert not within_catch_up(moment, moment - timedelta(seconds=1))
    assert within_catch_up(moment, moment)
    assert within_catch_up(moment, moment + timedelta(days=2, hours=23))
    assert not within_catch_up(moment, moment + timedelta(days=3))
