"""People are read from users.info once, kept, and refreshed when a day old."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.org.people import OrgError, ensure_people, update_from_profile, valid_tz
from tests.factories import T0


def lookups(emu) -> int:
    return len(emu.calls("users.info"))


def test_cached_then_refreshed_when_stale(sessions, emu, web) -> None:
    with sessions.begin() as s:
        ann = ensure_people(s, web, "T1", ["UANN"], now=T0, default_tz="UTC")["UANN"]
        assert (ann.name, ann.tz) == ("ann", "America/New_York")
    emu.update_user("UANN", tz="Europe/Berlin")
    with sessions.begin() as s:
        ensure_people(s, web, "T1", ["UANN"], now=T0 + timedelta(hours=23), default_tz="UTC")
    assert lookups(emu) == 1
    with sessions.begin() as s:
        ann = ensure_people(s, web, "T1", ["UANN"], now=T0 + timedelta(hours=25),
                            default_tz="UTC")["UANN"]
        assert ann.tz == "Europe/Berlin"
    assert lookups(emu) == 2


def test_missing_or_unknown_time_zone_falls_back_to_the_default(sessions, emu, web) -> None:
    emu.update_user("UBOB", tz=None)
    with sessions.begin() as s:
        bob = ensure_people(s, web, "T1", ["UBOB"], now=T0, default_tz="Europe/Paris")["UBOB"]
        assert bob.tz == "Europe/Paris"
    assert valid_tz("Not/AZone", "UTC") == valid_tz("", "UTC") == "UTC"
    assert valid_tz("Asia/Kolkata", "UTC") == "Asia/Kolkata"


def test_unknown_user_is_a_clear_error(sessions, emu, web) -> None:
    with pytest.raises(OrgError, match="couldn't find <@UNOPE>"), sessions.begin() as s:
        ensure_people(s, web, "T1", ["UNOPE"], now=T0, default_tz="UTC")


def test_user_change_updates_only_known_people(sessions, emu, web) -> None:
    with sessions.begin() as s:
        ensure_people(s, web, "T1", ["UANN"], now=T0, default_tz="UTC")
    with sessions.begin() as s:
        user = {**emu.user("UANN"), "deleted": True, "tz": "Asia/Tokyo"}
        ann = update_from_profile(s, "T1", user, now=T0, default_tz="UTC")
        assert ann is not None and ann.deleted and ann.tz == "Asia/Tokyo"
        assert update_from_profile(s, "T1", emu.user("UBOB"), now=T0, default_tz="UTC") is None
        assert update_from_profile(s, "T2", user, now=T0, default_tz="UTC") is None
