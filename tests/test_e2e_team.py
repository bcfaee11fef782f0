"""The whole /team flow through a real `bot serve` process and the Slack emulator."""

from __future__ import annotations

import time
import urllib.parse
import urllib.request

import pytest

from bot.org.ids import Action, Callback
from tests.e2e import Live, live  # noqa: F401

TEAM = "/team"
pytestmark = pytest.mark.e2e


def test_health_and_signature_refusals_change_nothing(live: Live) -> None:  # noqa: F811
    with urllib.request.urlopen(f"{live.bot.url}/healthz") as response:
        assert response.status == 200
    body = urllib.parse.urlencode({"command": TEAM, "text": "add <@UBOB>", "user_id": "UANN",
                                   "team_id": "T0001", "trigger_id": "x",
                                   "response_url": live.emu.new_response_url()}).encode()
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    old = live.slack.signed_headers(body, timestamp=int(time.time()) - 6 * 60)
    bad = {**live.slack.signed_headers(body), "X-Slack-Signature": "v0=" + "0" * 64}
    for headers in ({}, bad, old):
        assert live.slack.post(body, {**form, **headers}).status == 401
    assert live.emu.calls() == [] and live.emu.responses() == []
    assert live.slack.post(body, {**form, **live.slack.signed_headers(body)}).status == 200


def test_add_reports_confirm_decline_and_notify(live: Live) -> None:  # noqa: F811
    answer = live.reply("UANN", TEAM, "add <@UBOB|bob> <@UCAT>")
    assert "Asked <@UBOB>" in answer and "Asked <@UCAT>" in answer

    request = live.dm("UBOB", "would like to add you")
    assert live.slack.click("UBOB", request, Action.CONFIRM).status == 200
    live.dm("UANN", "<@UBOB> confirmed")
    updated = live.emu.wait_for(
        lambda: "You confirmed" in str(live.emu.get_message(request["channel"], request["ts"])))
    assert updated

    live.slack.click("UCAT", live.dm("UCAT", "would like to add you"), Action.DECLINE)
    live.dm("UANN", "<@UCAT> declined")

    team = live.reply("UANN", TEAM)
    assert "<@UBOB>" in team and "<@UCAT>" not in team
    assert "<@UANN>" in live.reply("UBOB", TEAM)  # bob sees his manager


def test_report_proposes_manager_who_confirms_from_app_home(live: Live) -> None:  # noqa: F811
    assert "Asked <@UANN>" in live.reply("UCAT", TEAM, "manager <@UANN>")
    live.dm("UANN", "says you are their manager")
    live.slack.open_home("UANN")
    home = live.emu.wait_for(lambda: live.emu.home("UANN"))
    assert "Waiting for you" in str(home)
    live.slack.click("UANN", home, Action.CONFIRM)
    live.dm("UCAT", "<@UANN> confirmed")
    assert "<@UCAT>" in live.reply("UANN", TEAM)
    home = live.emu.wait_for(lambda: "Waiting for you" not in str(live.emu.home("UANN")))
    assert home

    assert "Done" in live.reply("UANN", TEAM, "remove <@UCAT>")
    live.dm("UCAT", "ended the reporting line")
    assert "none yet" in live.reply("UANN", TEAM)


def test_app_home_modal_sends_requests_and_keeps_input_on_error(live: Live) -> None:  # noqa: F811
    live.slack.open_home("UANN")
    home = live.emu.wait_for(lambda: live.emu.home("UANN"))
    assert "Your team" in str(home)
    live.slack.click("UANN", home, Action.OPEN_ADD_REPORTS)
    modal = live.emu.wait_for(lambda: live.emu.open_views("UANN"))[-1]
    assert modal["callback_id"] == Callback.ADD_REPORTS

    refused = live.slack.submit("UANN", modal, {Action.PICK_REPORTS: ["UANN", "UBOB"]})
    assert refused.json()["response_action"] == "errors"
    kept = live.emu.open_views("UANN")[-1]
    assert "UBOB" in str(kept["state"])  # the selection is still there

    assert live.slack.submit("UANN", kept, {Action.PICK_REPORTS: ["UBOB", "UDAN"]}).status == 200
    assert live.emu.open_views("UANN") == []
    live.dm("UBOB", "would like to add you")
    live.dm("UDAN", "would like to add you")
    live.dm("UANN", "Asked <@UDAN>")


def test_refusals_are_clear_and_change_nothing(live: Live) -> None:  # noqa: F811
    cases = {
        "add <@UANN>": "own manager",
        "add <@UROBO|robo>": "is a bot",
        "add <@UNOBODY>": "couldn't find",
        "add bob": "couldn't read `bob`",
        "add": "Usage",
        "manager <@UBOB> <@UCAT>": "exactly one",
        "remove <@UDAN>": "neither your manager",
        "set <@UANN> <@UBOB>": "Only workspace admins",
        "frobnicate": "don't know",
    }
    for text, expected in cases.items():
        assert expected in live.reply("UANN", TEAM, text), text

    live.reply("UANN", TEAM, "add <@UBOB>")
    request = live.dm("UBOB", "would like to add you")
    assert "already waiting" in live.reply("UANN", TEAM, "add <@UBOB>")
    clicked = live.slack.click("UDAN", request, Action.CONFIRM)  # someone else's button
    refusal = live.emu.wait_for(lambda: live.emu.responses(clicked.response_url))
    assert "isn't addressed to you" in refusal[-1]["text"]
    live.slack.click("UBOB", request, Action.CONFIRM)
    live.dm("UANN", "<@UBOB> confirmed")
    assert "loop" in live.reply("UBOB", TEAM, "add <@UANN>")
    assert "<@UANN>" not in live.reply("UBOB", TEAM).split("reports")[-1]


def test_admin_sets_lines_without_confirmation(live: Live) -> None:  # noqa: F811
    answer = live.reply("UADMIN", TEAM, "set <@UBOSS> <@UANN> <@UROBO>")
    assert "Done: <@UANN> now reports to <@UBOSS>" in answer and "is a bot" in answer
    live.dm("UANN", "(workspace admin) recorded")
    live.dm("UBOSS", "(workspace admin) recorded")
    assert "<@UBOSS>" in live.reply("UANN", TEAM)


def test_help_answers_at_once(live: Live) -> None:  # noqa: F811
    assert "/team add" in live.reply("UANN", TEAM, "help")
    assert "/salesreport history" in live.reply("UANN", "/salesreport", "help")
    assert "/debrief plan" in live.reply("UANN", "/debrief", "help")


def test_tick_twice_for_the_same_instant_sends_once(live: Live) -> None:  # noqa: F811
    from datetime import UTC, datetime, timedelta

    live.reply("UANN", TEAM, "add <@UBOB>")
    original = live.dm("UBOB", "would like to add you")
    at = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    first = live.bot.cli("tick", "--at", at)
    assert first.returncode == 0, first.stderr
    assert "1 newly due, 1 sent" in first.stdout
    second = live.bot.cli("tick", "--at", at)
    assert second.returncode == 0 and "0 newly due, 0 sent" in second.stdout
    assert len([m for m in live.emu.dm_messages("UBOB") if m["text"].startswith("Reminder")]) == 1
    reminder = live.dm("UBOB", "Reminder")
    first = live.emu.get_message(original["channel"], original["ts"])
    assert "reminder below" in first["text"] and "actions" not in str(first["blocks"])
    live.slack.click("UBOB", reminder, Action.CONFIRM)  # the reminder's buttons work too
    live.dm("UANN", "<@UBOB> confirmed")


def test_profile_changes_refresh_people(live: Live) -> None:  # noqa: F811
    from sqlalchemy import create_engine, text

    live.reply("UANN", TEAM, "add <@UBOB>")
    live.dm("UBOB", "would like to add you")
    user = {**live.emu.user("UBOB"), "tz": "Asia/Kolkata"}
    assert live.slack.event({"type": "user_change", "user": user}).status == 200
    engine = create_engine(live.bot.env["DATABASE_URL"])
    query = text("SELECT tz FROM people WHERE team_id = 'T0001' AND user_id = 'UBOB'")

    def stored_tz() -> str | None:
        with engine.connect() as connection:
            return connection.execute(query).scalar()

    try:
        live.emu.wait_for(lambda: stored_tz() == "Asia/Kolkata")
    finally:
        engine.dispose()


def test_secrets_stay_out_of_debug_logs(database_url: str) -> None:
    from bot.testing import SlackClient, SlackEmulator
    from bot.testing.process import BotProcess
    from tests.e2e import SECRET

    with SlackEmulator(team_id="T0001") as emu:
        emu.add_user("UANN", "ann")
        emu.add_user("UBOB", "bob")
        with BotProcess(emulator=emu, database_url=database_url, signing_secret=SECRET,
                        env={"LOG_LEVEL": "DEBUG"}) as bot:
            slack = SlackClient(bot.events_url, SECRET, emu)
            slack.command(TEAM, "add <@UBOB>", user="UANN")
            emu.wait_for(lambda: emu.find_message("UBOB", "would like"))
            log = bot.log()
    assert "DEBUG" in log and "chat.postMessage" in log
    assert emu.bot_token not in log and SECRET not in log


def test_slack_failing_gets_a_clear_apology(live: Live) -> None:  # noqa: F811
    live.emu.fail("users.info", status=503, times=20)
    answer = live.reply("UANN", TEAM, "add <@UBOB>")
    assert "something went wrong on our side" in answer
    assert live.emu.dm_messages("UBOB") == []
