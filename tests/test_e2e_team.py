"""The whole /team flow through a real `bot serve` process and the Slack emulator."""

from __future__ import annotations

import time
import urllib.parse
import urllib.request

from bot.org.ids import Action, Callback
from tests.e2e import Live, live  # noqa: F401

TEAM = "/team"


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


def test_placeholders_and_help_answer_at_once(live: Live) -> None:  # noqa: F811
    assert "/team add" in live.reply("UANN", TEAM, "help")
    for command in ("/careerplan", "/devplan", "/salesreport", "/debrief"):
        assert "not available" in live.reply("UANN", command)
