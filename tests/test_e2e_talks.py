"""Home-office talks end to end: the admin's departments, the quarterly DMs, logging a talk."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from slack_sdk import WebClient

from bot.lead_up import talk_views
from bot.lead_up.ids import Action, BlockId, slot_block
from bot.lead_up.models import Department
from tests.e2e import Live, live  # noqa: F401

pytestmark = pytest.mark.e2e
NEW_YORK, CHICAGO = "America/New_York", "America/Chicago"  # Ann's and Boss's zones


@pytest.fixture
def team(live: Live) -> Live:  # noqa: F811
    """Ann manages Bob and Cat; Boss manages Dan (and nobody manages Admin)."""
    assert "Done" in live.reply("UADMIN", "/team", "set <@UANN> <@UBOB> <@UCAT>")
    assert "Done" in live.reply("UADMIN", "/team", "set <@UBOSS> <@UDAN>")
    return live


def this_quarter() -> tuple[str, date]:
    """The current quarter in New York ("2026-Q4") and its first day (computed independently)."""
    today = datetime.now(ZoneInfo(NEW_YORK)).date()
    first = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}", first


def nine_on_first_weekday(day: date, tz: str) -> datetime:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime(day.year, day.month, day.day, 9, tzinfo=ZoneInfo(tz)).astimezone(UTC)


def tick(live: Live, at: datetime) -> str:  # noqa: F811
    result = live.bot.cli("tick", "--at", at.isoformat())
    assert result.returncode == 0, result.stderr
    return result.stdout


def dms(live: Live, user: str, text: str) -> list[dict]:  # noqa: F811
    return [m for m in live.emu.dm_messages(user) if text in m["text"]]


def departments_command(live: Live, user: str) -> dict:  # noqa: F811
    """`/debrief departments`, as a workspace admin: the modal it opens."""
    assert live.slack.command("/debrief", "departments", user=user).status == 200
    return live.emu.wait_for(lambda: live.emu.open_views(user))[-1]


def forged_departments_modal(live: Live, user: str) -> dict:  # noqa: F811
    """The departments modal opened for someone the command refuses (a forged request)."""
    web = WebClient(base_url=live.emu.api_url, token=live.emu.bot_token)
    defaults = [Department(team_id="T0001", name=n, contact_id=None, position=i)
                for i, n in enumerate(("Finance", "HR", "Legal"))]
    web.views_open(trigger_id=live.emu.new_trigger_id(user),
                   view=talk_views.departments_modal(defaults).to_dict())
    return live.emu.open_views(user)[-1]


def test_admin_sets_departments_others_are_refused(team: Live) -> None:
    assert "Only workspace admins" in team.reply("UANN", "/debrief", "departments")
    assert team.emu.open_views("UANN") == []
    forged = forged_departments_modal(team, "UANN")
    refused = team.slack.submit("UANN", forged, {slot_block("department", 3): "Marketing"})
    assert "Only workspace admins" in str(refused.json()["errors"])
    form = departments_command(team, "UADMIN")
    twice = team.slack.submit("UADMIN", form, {slot_block("department", 2): "finance",
                                               slot_block("contact", 0): "UDAN"})
    assert twice.json()["errors"] == {slot_block("department", 2): "finance is listed twice."}
    form = team.emu.open_views("UADMIN")[-1]  # still open, with what was typed
    assert form["state"]["values"][slot_block("department", 2)][Action.DEPARTMENT]["value"] == \
        "finance"
    saved = team.slack.submit("UADMIN", form, {slot_block("department", 2): "Legal",
                                               slot_block("department", 3): "Sales ops"})
    assert saved.status == 200 and team.emu.open_views("UADMIN") == []
    confirmation = team.dm("UADMIN", "Home-office departments saved")
    assert confirmation["text"] == ("Home-office departments saved: *Finance* (contact <@UDAN>), "
                                    "*HR*, *Legal*, *Sales ops*.")


def test_quarter_start_dm_log_talk_thank_you_and_mid_quarter(team: Live) -> None:
    form = departments_command(team, "UADMIN")
    team.slack.submit("UADMIN", form, {slot_block("contact", 0): "UDAN"})
    team.dm("UADMIN", "Home-office departments saved")
    quarter, first = this_quarter()
    label = talk_views.quarter_label(quarter)
    start = nine_on_first_weekday(first, NEW_YORK)
    tick(team, start - timedelta(minutes=1))
    assert dms(team, "UANN", "A new quarter") == []
    tick(team, start)
    tick(team, start + timedelta(hours=1))  # 09:00 in Chicago: Boss's turn
    assert len(dms(team, "UANN", f"A new quarter ({label})")) == 1
    assert len(dms(team, "UBOSS", f"A new quarter ({label})")) == 1
    assert dms(team, "UBOB", "A new quarter") == []  # not a manager
    invite = dms(team, "UANN", "A new quarter")[0]
    assert "*Finance* (contact <@UDAN>)" in str(invite["blocks"])

    team.slack.click("UANN", invite, Action.LOG_TALK)  # the Finance row comes first
    modal = team.emu.wait_for(lambda: team.emu.open_views("UANN"))[-1]
    assert BlockId.THANK_YOU in str(modal["blocks"])
    empty = team.slack.submit("UANN", modal, {})
    assert set(empty.json()["errors"]) == {BlockId.THANKED}
    later = datetime.now(ZoneInfo(NEW_YORK)).date() + timedelta(days=2)
    future = team.slack.submit("UANN", modal, {BlockId.DAY: later.isoformat(),
                                               BlockId.IDEAS: "Monthly forecast review"})
    assert set(future.json()["errors"]) == {BlockId.DAY}
    saved = team.slack.submit("UANN", modal, {
        BlockId.DAY: first.isoformat(), BlockId.THANKED: "Quick deal desk approvals",
        BlockId.THANK_YOU: "Your team made our quarter!"})
    assert saved.status == 200 and team.emu.open_views("UANN") == []
    note = team.dm("UDAN", "wants to thank you")
    assert note["text"] == "<@UANN> (Sales) wants to thank you: Your team made our quarter!"
    logged = team.dm("UANN", "Logged your talk with Finance")
    assert f"({label})" in logged["text"] and "note went to <@UDAN>" in str(logged["blocks"])

    # Boss presses the button in Ann's DM: the talk is Boss's own, never Ann's
    team.slack.click("UBOSS", invite, Action.LOG_TALK, value="Legal")
    other = team.emu.wait_for(lambda: team.emu.open_views("UBOSS"))[-1]
    assert BlockId.THANK_YOU not in str(other["blocks"])  # Legal has no contact
    team.slack.submit("UBOSS", other, {BlockId.DAY: first.isoformat(),
                                       BlockId.IDEAS: "Standard NDA for pilots"})
    team.dm("UBOSS", "Logged your talk with Legal")

    months = first.month + 1
    mid = nine_on_first_weekday(date(first.year, months, 15), NEW_YORK)
    tick(team, mid)
    tick(team, mid + timedelta(hours=1))
    tick(team, mid + timedelta(hours=2))
    ann = dms(team, "UANN", "Halfway")
    assert [m["text"] for m in ann] == [f"Halfway through {label}: you have not met HR, Legal yet."]
    boss = dms(team, "UBOSS", "Halfway")
    assert [m["text"] for m in boss] == [
        f"Halfway through {label}: you have not met Finance, HR yet."]
