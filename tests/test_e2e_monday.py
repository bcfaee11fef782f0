"""The Monday question end to end: ticks at local times, DM replies, digest, commitments."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.lead_down.ids import Action
from tests.e2e import Live, live  # noqa: F401

pytestmark = pytest.mark.e2e
REPORTS = {"UBER": "Europe/Berlin", "UTOK": "Asia/Tokyo", "ULAX": "America/Los_Angeles"}


def next_monday(hour: int, tz: str) -> datetime:
    """`hour`:00 next Monday in `tz`, as UTC (computed here, independently of the bot)."""
    local = datetime.now(ZoneInfo(tz)).replace(hour=hour, minute=0, second=0, microsecond=0)
    local += timedelta(days=(7 - local.weekday()) % 7 or 7)
    return local.astimezone(UTC)


@pytest.fixture
def team(live: Live) -> Live:  # noqa: F811
    for user_id, tz in REPORTS.items():
        live.emu.add_user(user_id, user_id[1:].lower(), tz=tz)
    ids = " ".join(f"<@{u}>" for u in REPORTS)
    assert "Done" in live.reply("UADMIN", "/team", f"set <@UBOSS> {ids}")
    return live


def tick(live: Live, at: datetime) -> str:  # noqa: F811
    result = live.bot.cli("tick", "--at", at.isoformat())
    assert result.returncode == 0, result.stderr
    return result.stdout


def questions(live: Live, user: str) -> list[dict]:  # noqa: F811
    return [m for m in live.emu.dm_messages(user) if "What else can I do" in m["text"]]


def test_each_report_is_asked_at_nine_local_once(team: Live) -> None:
    tokyo = next_monday(9, "Asia/Tokyo")
    tick(team, tokyo - timedelta(minutes=1))
    assert questions(team, "UTOK") == []
    # several schedulers at the same instant (as several replicas would): one question
    commands = [[sys.executable, "-m", "bot", "tick", "--at", tokyo.isoformat()]] * 3
    runs = [subprocess.Popen(c, env=team.bot.env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE) for c in commands]
    assert all(run.wait(120) == 0 for run in runs)
    asked = questions(team, "UTOK")
    assert len(asked) == 1 and asked[0]["text"] == (
        "<@UBOSS> asks: What else can I do to make you even more successful?")
    assert questions(team, "UBER") == questions(team, "ULAX") == []
    tick(team, next_monday(9, "Europe/Berlin"))
    tick(team, next_monday(9, "America/Los_Angeles"))
    tick(team, next_monday(9, "America/Los_Angeles"))
    assert [len(questions(team, u)) for u in REPORTS] == [1, 1, 1]


def test_dm_replies_become_one_answer_then_digest_commit_and_done(team: Live) -> None:
    tick(team, next_monday(9, "Asia/Tokyo"))
    tick(team, next_monday(9, "Europe/Berlin"))
    tick(team, next_monday(9, "America/Los_Angeles"))
    event = team.emu.post_user_message("UTOK", "Introductions to two big accounts")
    assert team.slack.event(event).status == 200
    assert team.slack.event(event, retry_num=1).status == 200  # Slack retrying the event
    team.dm("UTOK", "will see your answer")
    second = team.emu.post_user_message("UTOK", "and a faster CRM")
    team.slack.event(second)
    team.slack.event(team.emu.edit_user_message("UTOK", second["ts"], "and a much faster CRM"))

    asked = questions(team, "ULAX")[0]
    team.slack.click("ULAX", asked, Action.ANSWER)
    answer = team.emu.wait_for(lambda: team.emu.open_views("ULAX"))[-1]
    team.slack.submit("ULAX", answer, {Action.TEXT: "Join my toughest customer call"})

    tuesday_ten = next_monday(10, "America/Chicago") + timedelta(days=1)  # the boss's zone
    tick(team, tuesday_ten - timedelta(minutes=1))
    assert not [m for m in team.emu.dm_messages("UBOSS") if "answers this week" in m["text"]]
    tick(team, tuesday_ten)
    digest = team.dm("UBOSS", "answers this week")
    text = str(digest["blocks"])
    assert "Introductions to two big accounts\\n>and a much faster CRM" in text
    assert text.count("Introductions to two big accounts") == 1  # the retry added nothing
    assert "Join my toughest customer call" in text and "no answer yet" in text

    peer = team.slack.click("UDAN", digest, Action.COMMIT)
    refusal = team.emu.wait_for(lambda: team.emu.responses(peer.response_url))
    assert "private" in refusal[-1]["text"] and team.emu.open_views("UDAN") == []

    team.slack.click("UBOSS", digest, Action.COMMIT)  # the first Commit: Los Angeles' answer
    commit = team.emu.wait_for(lambda: team.emu.open_views("UBOSS"))[-1]
    assert "Join my toughest customer call" in str(commit["blocks"])
    due = (datetime.now(UTC) + timedelta(days=10)).date().isoformat()
    team.slack.submit("UBOSS", commit, {Action.TEXT: "Join the Globex call on Thursday",
                                        Action.DUE: due})
    note = team.dm("UBOSS", "You committed")
    stranger = team.slack.click("ULAX", note, Action.COMMITMENT_DONE)
    assert "Only the manager" in team.emu.wait_for(
        lambda: team.emu.responses(stranger.response_url))[-1]["text"]
    team.slack.click("UBOSS", note, Action.COMMITMENT_DONE)
    did = team.dm("ULAX", "You asked:")
    assert "Join my toughest customer call" in did["text"]
    assert "<@UBOSS> did: Join the Globex call on Thursday" in did["text"]


def test_settings_away_and_holidays(team: Live) -> None:
    assert "Usage" in team.reply("UBOSS", "/team", "checkin time 10h")
    assert "between 05:00" in team.reply("UBOSS", "/team", "checkin time 21:00")
    assert "10:30" in team.reply("UBOSS", "/team", "checkin time 10:30")
    assert "no reports" in team.reply("UDAN", "/team", "checkin off")
    tokyo_nine = next_monday(9, "Asia/Tokyo")
    tick(team, tokyo_nine)
    assert questions(team, "UTOK") == []
    tick(team, tokyo_nine + timedelta(hours=1, minutes=29))
    assert questions(team, "UTOK") == []
    tick(team, tokyo_nine + timedelta(hours=1, minutes=30))
    assert len(questions(team, "UTOK")) == 1

    berlin_day = next_monday(10, "Europe/Berlin").astimezone(ZoneInfo("Europe/Berlin")).date()
    assert "Away until" in team.reply("UBER", "/team", f"away until {berlin_day}")
    tick(team, next_monday(10, "Europe/Berlin"))
    assert questions(team, "UBER") == []

    wednesday = next_monday(10, "America/Los_Angeles") + timedelta(days=2)
    day = wednesday.astimezone(ZoneInfo("America/Los_Angeles")).date()
    assert "Only workspace admins" in team.reply("UBOSS", "/team", f"holidays add {day}")
    assert "not a date" in team.reply("UADMIN", "/team", "holidays add someday")
    assert f"{day:%d %b %Y}" in team.reply("UADMIN", "/team", f"holidays add {day}")
    tick(team, next_monday(10, "America/Los_Angeles"))
    assert questions(team, "ULAX") == []
    assert "/team checkin" in team.reply("UBOSS", "/team", "help")


def test_app_home_shows_answers_to_the_manager_only(team: Live) -> None:
    tick(team, next_monday(9, "Asia/Tokyo"))
    team.slack.message("UTOK", "Fewer internal meetings")
    team.dm("UTOK", "will see your answer")
    team.slack.open_home("UBOSS")
    home = team.emu.wait_for(lambda: "Fewer internal meetings" in str(team.emu.home("UBOSS"))
                             and team.emu.home("UBOSS"))
    assert "Lead down" in str(home)
    for other in ("UBER", "UDAN"):
        team.slack.open_home(other)
        seen = team.emu.wait_for(lambda o=other: team.emu.home(o))
        assert "Fewer internal meetings" not in str(seen)
