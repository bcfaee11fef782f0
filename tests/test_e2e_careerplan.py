"""/careerplan end to end: a real `bot serve`, the emulator, and people clicking as in Slack."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core.schedule_form import Pick
from bot.lead_yourself.ids import Action, action_block, aspiration_block
from tests.e2e import Live, live  # noqa: F401

pytestmark = pytest.mark.e2e
CAREER = "/careerplan"
WHY = "Why do you do what you do?"
SOON = (date.today() + timedelta(days=20)).isoformat()
LATER = (date.today() + timedelta(days=300)).isoformat()


def modal(live: Live, user: str) -> dict:  # noqa: F811
    return live.emu.wait_for(lambda: live.emu.open_views(user), 15)[-1]


def write_plan(live: Live, user: str = "UANN") -> None:  # noqa: F811
    """Open the modal, fail validation once, add a second action, save."""
    assert live.slack.command(CAREER, "", user=user).status == 200
    form = modal(live, user)
    labels = {b.get("label", {}).get("text") for b in form["blocks"]}
    assert {WHY, "What gives you energy?", "By when?"} <= labels

    refused = live.slack.submit(user, form, {WHY: "I love helping people win"},
                                allow_missing=True)
    errors = refused.json()["errors"]
    assert aspiration_block(1) in errors and action_block("what", 1, 0) in errors
    form = live.emu.open_views(user)[-1]
    assert "I love helping people win" in str(form["state"])  # the text is still there

    form = live.slack.fill(user, form, {
        aspiration_block(1): "Manage a sales team that doubles in size",
        action_block("what", 1, 0): "Attend sales manager training",
        action_block("due", 1, 0): SOON,
        action_block("support", 1, 0): "Approve the training budget",
    })
    live.slack.click(user, form, Action.ADD_ACTION, value="1")
    form = live.emu.wait_for(
        lambda: action_block("what", 1, 1) in str(live.emu.open_views(user)[-1]["blocks"]))
    form = live.emu.open_views(user)[-1]
    assert "Attend sales manager training" in str(form["blocks"])  # kept across the update
    saved = live.slack.submit(user, form, {
        action_block("what", 1, 1): "Get monthly feedback from our director",
        action_block("due", 1, 1): LATER,
        aspiration_block(3): "Lead the region",
    })
    assert saved.status == 200 and live.emu.open_views(user) == []
    live.dm(user, "saved (version 1)")


def test_write_show_edit_and_history(live: Live) -> None:  # noqa: F811
    write_plan(live)
    shown = live.reply("UANN", CAREER, "show")
    assert "Manage a sales team that doubles in size" in shown
    live.slack.command(CAREER, "", user="UANN")
    form = modal(live, "UANN")
    assert "Get monthly feedback from our director" in str(form["blocks"])  # prefilled
    live.slack.submit("UANN", form, {aspiration_block(5): "VP of sales"})
    live.dm("UANN", "saved (version 2)")
    history = live.reply("UANN", CAREER, "history")
    assert "5-year aspiration" in history and "first version" in history


def test_share_reply_acknowledge_unshare_and_refusals(live: Live) -> None:  # noqa: F811
    write_plan(live)
    assert "no manager" in live.reply("UANN", CAREER, "share")
    assert "Done" in live.reply("UADMIN", "/team", "set <@UBOSS> <@UANN>")
    assert "no career plan yet" in live.reply("UBOSS", CAREER, "show")  # not ann's plan
    live.slack.command(CAREER, "", user="UANN")
    live.slack.submit("UANN", modal(live, "UANN"), {})
    saved = live.dm("UANN", "saved (version 2)")  # with a manager now: how to share it
    assert "Share it with <@UBOSS> with `/careerplan share`" in saved["text"]
    assert "Share it with" not in live.dm("UANN", "saved (version 1)")["text"]  # none then

    assert "now shared with <@UBOSS>" in live.reply("UANN", CAREER, "share")
    request = live.dm("UBOSS", "shared their career plan")
    assert "Approve the training budget" in str(request["blocks"])  # the support asked

    peer = live.slack.click("UDAN", request, Action.REPLY)  # someone else's button
    assert "private" in live.emu.wait_for(lambda: live.emu.responses(peer.response_url))[-1][
        "text"]
    assert live.emu.open_views("UDAN") == []

    live.slack.click("UBOSS", request, Action.ACKNOWLEDGE)
    live.dm("UANN", "acknowledged your career plan")
    live.slack.click("UBOSS", request, Action.REPLY)
    reply = modal(live, "UBOSS")
    live.slack.submit("UBOSS", reply, {Action.TEXT: "I'll fund the training in January."})
    live.dm("UANN", "I'll fund the training in January.")

    assert "can no longer see" in live.reply("UANN", CAREER, "unshare")
    late = live.slack.click("UBOSS", request, Action.REPLY)
    assert "private" in live.emu.wait_for(lambda: live.emu.responses(late.response_url))[-1][
        "text"]


def test_other_workspace_with_the_same_user_id_is_refused(live: Live) -> None:  # noqa: F811
    from bot.testing import SlackClient
    from tests.e2e import SECRET

    write_plan(live)
    live.reply("UADMIN", "/team", "set <@UBOSS> <@UANN>")
    live.reply("UANN", CAREER, "share")
    request = live.dm("UBOSS", "shared their career plan")
    stranger = SlackClient(live.bot.events_url, SECRET, live.emu, team_id="T0002")
    clicked = stranger.click("UBOSS", request, Action.ACKNOWLEDGE)
    answer = live.emu.wait_for(lambda: live.emu.responses(clicked.response_url))
    assert "private" in answer[-1]["text"]


def checkins(live: Live) -> list[dict]:  # noqa: F811
    return [m for m in live.emu.dm_messages("UANN") if "monthly career check-in" in m["text"]]


def first_monday_ten_am_new_york(after: datetime) -> datetime:
    """Next month's first Monday, 10:00 in New York, computed here independently."""
    tz = ZoneInfo("America/New_York")
    local = after.astimezone(tz)
    year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
    day = date(year, month, 1)
    while day.weekday() != 0:
        day += timedelta(days=1)
    return datetime(day.year, day.month, day.day, 10, tzinfo=tz).astimezone(UTC)


def test_monthly_checkin_at_local_time_done_and_feedback(live: Live) -> None:  # noqa: F811
    write_plan(live)
    live.reply("UADMIN", "/team", "set <@UBOSS> <@UANN>")
    live.reply("UANN", CAREER, "share")
    moment = first_monday_ten_am_new_york(datetime.now(UTC))
    early = live.bot.cli("tick", "--at", (moment - timedelta(minutes=1)).isoformat())
    assert early.returncode == 0 and checkins(live) == [], early.stderr
    assert live.bot.cli("tick", "--at", moment.isoformat()).returncode == 0
    assert "0 newly due" in live.bot.cli("tick", "--at", moment.isoformat()).stdout
    assert len(checkins(live)) == 1
    checkin = live.dm("UANN", "monthly career check-in")
    assert "Attend sales manager training" in str(checkin["blocks"])
    assert "Ask boss for feedback" in str(checkin["blocks"])

    stranger = live.slack.click("UDAN", checkin, Action.MARK_DONE)
    refusal = live.emu.wait_for(lambda: live.emu.responses(stranger.response_url))
    assert "Only the plan's owner" in refusal[-1]["text"]
    done = live.slack.click("UANN", checkin, Action.MARK_DONE)
    assert "Done" in live.emu.wait_for(lambda: live.emu.responses(done.response_url))[-1]["text"]

    live.slack.click("UANN", checkin, Action.ASK_FEEDBACK)
    ask = live.dm("UBOSS", "asks for your feedback")
    live.slack.click("UBOSS", ask, Action.GIVE_FEEDBACK)
    live.slack.submit("UBOSS", modal(live, "UBOSS"), {Action.TEXT: "Great progress this month."})
    live.dm("UANN", "Great progress this month.")


def test_app_home_export_and_help(live: Live) -> None:  # noqa: F811
    live.slack.open_home("UANN")
    home = live.emu.wait_for(lambda: live.emu.home("UANN"))
    assert "Lead yourself" in str(home)
    write_plan(live)
    home = live.emu.wait_for(lambda: "doubles in size" in str(live.emu.home("UANN"))
                             and live.emu.home("UANN"))
    live.slack.click("UANN", home, Action.MARK_DONE)
    live.dm("UANN", "Done: Attend sales manager training")

    assert "sent your career plan" in live.reply("UANN", CAREER, "export")
    exported = live.emu.wait_for(lambda: live.emu.files())[-1]
    assert exported["name"] == "career-plan.md"
    assert b"Manage a sales team that doubles in size" in exported["content"]

    for text in ("help", "nonsense"):
        answer = live.reply("UANN", CAREER, text)
        for sub in ("show", "share", "unshare", "history", "export", "settings"):
            assert f"/careerplan {sub}" in answer
    assert "don't know" in live.reply("UANN", CAREER, "nonsense")


def test_settings_move_the_checkin_and_actions_can_be_rescheduled(live: Live) -> None:  # noqa: F811
    write_plan(live)
    live.slack.command(CAREER, "settings", user="UANN")
    settings = modal(live, "UANN")
    assert live.slack.submit("UANN", settings, {
        Pick.ORDINAL: "5", Pick.WEEKDAY: "4", Pick.HOUR: "16"}).status == 200  # last Friday

    first_monday = first_monday_ten_am_new_york(datetime.now(UTC))
    live.bot.cli("tick", "--at", first_monday.isoformat())
    assert checkins(live) == []
    tz = ZoneInfo("America/New_York")
    month_end = first_monday.astimezone(tz).replace(day=28) + timedelta(days=4)
    last_day = month_end.replace(day=1) - timedelta(days=1)
    while last_day.weekday() != 4:
        last_day -= timedelta(days=1)
    last_friday = last_day.replace(hour=16, minute=0).astimezone(UTC)
    live.bot.cli("tick", "--at", last_friday.isoformat())
    assert len(checkins(live)) == 1
    checkin = live.dm("UANN", "monthly career check-in")

    snoozed = live.slack.click("UANN", checkin, Action.SNOOZE)
    assert "Snoozed until" in live.emu.wait_for(
        lambda: live.emu.responses(snoozed.response_url))[-1]["text"]
    live.slack.click("UANN", checkin, Action.RESCHEDULE)
    form = modal(live, "UANN")
    past = (date.today() - timedelta(days=1)).isoformat()
    refused = live.slack.submit("UANN", form, {Action.NEW_DUE: past})
    assert "future" in str(refused.json()["errors"])
    new_date = date.today() + timedelta(days=90)
    live.slack.submit("UANN", live.emu.open_views("UANN")[-1],
                      {Action.NEW_DUE: new_date.isoformat()})
    assert live.emu.open_views("UANN") == []
    assert f"{new_date:%d %b %Y}" in live.reply("UANN", CAREER, "show")
