"""/devplan end to end: the manager writes, the report reads and comments, the monthly review."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.lead_down.ids import Action, BlockId, slot_block
from tests.e2e import Live, live  # noqa: F401

pytestmark = pytest.mark.e2e
DEV = "/devplan"
SOON = (date.today() + timedelta(days=40)).isoformat()


@pytest.fixture
def team(live: Live) -> Live:  # noqa: F811
    assert "Done" in live.reply("UADMIN", "/team", "set <@UANN> <@UBOB> <@UCAT>")
    assert "Done" in live.reply("UADMIN", "/team", "set <@UBOSS> <@UDAN>")
    return live


def write_plan(team: Live) -> None:
    team.slack.command(DEV, "<@UBOB|bob>", user="UANN")
    form = team.emu.wait_for(lambda: team.emu.open_views("UANN"))[-1]
    refused = team.slack.submit("UANN", form, {slot_block("what", 0): "Negotiation workshop"})
    assert "By when?" in str(refused.json()["errors"])
    form = team.emu.open_views("UANN")[-1]
    saved = team.slack.submit("UANN", form, {
        slot_block("skill", 0): "Negotiation", slot_block("now", 0): "Mid-market deals",
        slot_block("aim", 0): "Enterprise deals", slot_block("by", 0): SOON,
        BlockId.ROLE: "Senior account executive"})
    assert saved.status == 200 and team.emu.open_views("UANN") == []
    team.dm("UBOB", "updated your development plan")


def test_manager_writes_report_reads_and_comments_others_are_refused(team: Live) -> None:
    for outsider, who in (("UCAT", "peer"), ("UBOSS", "another manager")):
        answer = team.reply(outsider, DEV, "<@UBOB>")
        assert "Only <@UBOB>'s manager" in answer, who
    write_plan(team)
    own = team.reply("UBOB", DEV)
    assert "Negotiation" in own and "Senior account executive" in own
    assert "Negotiation" not in team.reply("UCAT", DEV)

    listing = team.reply("UANN", DEV)
    assert "<@UBOB>, preparing for Senior account executive" in listing
    assert "<@UCAT>: no plan yet" in listing.replace("_", "")

    shown = next(r for r in team.emu.responses() if "Negotiation" in str(r.get("blocks")))
    peer = team.slack.click("UCAT", shown, Action.COMMENT)
    assert "private" in team.emu.wait_for(lambda: team.emu.responses(peer.response_url))[-1][
        "text"]
    team.slack.click("UBOB", shown, Action.COMMENT)
    modal = team.emu.wait_for(lambda: team.emu.open_views("UBOB"))[-1]
    team.slack.submit("UBOB", modal, {Action.TEXT: "Can I shadow the Globex negotiation?"})
    team.dm("UANN", "Can I shadow the Globex negotiation?")


def first_tuesday_ten(tz: str) -> datetime:
    local = datetime.now(ZoneInfo(tz))
    year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
    day = date(year, month, 1)
    while day.weekday() != 1:
        day += timedelta(days=1)
    return datetime(day.year, day.month, day.day, 10, tzinfo=ZoneInfo(tz)).astimezone(UTC)


def test_monthly_review_dm_review_modal_summary_and_reminder(team: Live) -> None:
    write_plan(team)
    moment = first_tuesday_ten("America/New_York")  # Ann's zone
    early = team.bot.cli("tick", "--at", (moment - timedelta(minutes=1)).isoformat())
    assert early.returncode == 0, early.stderr
    reviews = lambda: [m for m in team.emu.dm_messages("UANN") if "monthly review" in m["text"]]  # noqa: E731
    assert reviews() == []
    team.bot.cli("tick", "--at", moment.isoformat())
    team.bot.cli("tick", "--at", moment.isoformat())
    assert len(reviews()) == 1
    dm = reviews()[0]
    team.slack.click("UANN", dm, Action.REVIEW)
    modal = team.emu.wait_for(lambda: team.emu.open_views("UANN"))[-1]
    statuses = [b["block_id"] for b in modal["blocks"]
                if b["block_id"].startswith("dev.status.")]
    notes = [b["block_id"] for b in modal["blocks"] if b["block_id"].startswith("dev.note.")]
    team.slack.submit("UANN", modal, {statuses[0]: "on_track", notes[0]: "Booked for March"})
    summary = team.dm("UBOB", "reviewed your development plan")
    assert "1 on track" in summary["text"] and "Booked for March" in str(summary["blocks"])
    assert "last reviewed" in team.reply("UANN", DEV)
    # (a review after the DM cancels the reminder: the bot's clock is real here, so that part
    # is tested in tests/test_devplan.py with the time as a parameter)


def test_reminder_a_week_later_when_not_reviewed(team: Live) -> None:
    write_plan(team)
    moment = first_tuesday_ten("America/New_York")
    team.bot.cli("tick", "--at", moment.isoformat())
    team.bot.cli("tick", "--at", (moment + timedelta(days=6)).isoformat())
    reminders = lambda: [m for m in team.emu.dm_messages("UANN")  # noqa: E731
                         if m["text"].startswith("Reminder: Time for the monthly review")]
    assert reminders() == []
    team.bot.cli("tick", "--at", (moment + timedelta(days=7)).isoformat())
    team.bot.cli("tick", "--at", (moment + timedelta(days=8)).isoformat())
    assert len(reminders()) == 1
    team.slack.open_home("UANN")
    home = team.emu.wait_for(lambda: team.emu.home("UANN"))
    assert "development plans" in str(home)
