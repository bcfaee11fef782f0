"""Lead up end to end: sales reports to the boss, the contribution plan, the monthly debrief."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core.calendar import first_business_day
from bot.lead_up.ids import Action, BlockId, slot_block
from tests.e2e import Live, live  # noqa: F401

pytestmark = pytest.mark.e2e
REPORT, DEBRIEF = "/salesreport", "/debrief"


@pytest.fixture
def org(live: Live) -> Live:  # noqa: F811
    """Boss manages Ann; Ann manages Bob and Cat."""
    assert "Done" in live.reply("UADMIN", "/team", "set <@UBOSS> <@UANN>")
    assert "Done" in live.reply("UADMIN", "/team", "set <@UANN> <@UBOB> <@UCAT>")
    return live


def open_modal(org: Live, user: str, command: str, text: str = "") -> dict:
    response = org.slack.command(command, text, user=user)
    assert response.status == 200
    return org.emu.wait_for(lambda: org.emu.open_views(user))[-1]


def send_report(org: Live, period: str, sales: str, target: str, **extra: str) -> None:
    form = open_modal(org, "UANN", REPORT, period)
    answer = org.slack.submit("UANN", form, {BlockId.SALES: sales, BlockId.TARGET: target,
                                             BlockId.PIPELINE: "250,000", **extra})
    assert answer.status == 200 and org.emu.open_views("UANN") == [], answer.text


def test_report_below_target_is_refused_until_explained_then_reaches_the_boss(org: Live) -> None:
    form = open_modal(org, "UANN", REPORT)
    refused = org.slack.submit("UANN", form, {BlockId.SALES: "80,000", BlockId.TARGET: "100000",
                                              BlockId.PIPELINE: "lots"})
    assert "not a number" in refused.json()["errors"][BlockId.PIPELINE]
    form = org.emu.open_views("UANN")[-1]
    refused = org.slack.submit("UANN", form, {BlockId.PIPELINE: "250,000"})
    errors = refused.json()["errors"]
    assert "below target" in errors[BlockId.EXPLANATION] and BlockId.STRATEGIES in errors
    form = org.emu.open_views("UANN")[-1]  # still open, with the numbers typed
    assert "80,000" in str(form["state"]["values"][BlockId.SALES])
    org.slack.submit("UANN", form, {BlockId.EXPLANATION: "Two deals slipped to December.",
                                    BlockId.STRATEGIES: "Weekly deal reviews; a Globex push."})
    assert org.emu.open_views("UANN") == []
    boss_dm = org.dm("UBOSS", "sent you their sales report")
    shown = str(boss_dm["blocks"])
    assert "80,000" in shown and "80% of target" in shown and "Two deals slipped" in shown
    chart = org.emu.wait_for(lambda: [f for f in org.emu.files() if f.get("completed")], 15)[0]
    assert chart["channels"] == [boss_dm["channel"]] and chart["name"].endswith(".png")
    assert chart["content"].startswith(b"\x89PNG")
    org.dm("UANN", "went to <@UBOSS>, with the chart")

    assert "80,000" in org.reply("UBOSS", REPORT, "history <@UANN>")
    for outsider in ("UBOB", "UCAT", "UDAN"):  # a rep reading their manager's report, a stranger
        assert "private" in org.reply(outsider, REPORT, "history <@UANN>"), outsider


def test_report_without_a_boss_and_bad_periods_get_clear_answers(org: Live) -> None:
    assert "you have none in Leadwell" in org.reply("UBOSS", REPORT)
    assert "not a period" in org.reply("UANN", REPORT, "2026-13")
    assert "report monthly" in org.reply("UANN", REPORT, "2026-W05")
    assert "has not started" in org.reply("UANN", REPORT, "2099-01")
    assert "I don't know" in org.reply("UANN", REPORT, "frobnicate")


def test_contribution_plan_agreed_by_the_boss_and_shown_in_both_homes(org: Live) -> None:
    form = open_modal(org, "UANN", DEBRIEF, "plan")
    refused = org.slack.submit("UANN", form, {slot_block("goal", 0): "Open two enterprise logos"})
    assert "raises" in refused.json()["errors"][slot_block("goal", 0)]
    form = org.emu.open_views("UANN")[-1]
    org.slack.submit("UANN", form, {slot_block("boss", 0): "Region beats its number",
                                    slot_block("mine", 0): "I lead enterprise deals"})
    request = org.dm("UBOSS", "proposes a plan")
    peer = org.slack.click("UBOB", request, Action.AGREE_PLAN)
    assert "Only the manager" in org.emu.wait_for(
        lambda: org.emu.responses(peer.response_url))[-1]["text"]
    org.slack.click("UBOSS", request, Action.SUGGEST_CHANGES)
    modal = org.emu.wait_for(lambda: org.emu.open_views("UBOSS"))[-1]
    org.slack.submit("UBOSS", modal, {BlockId.SUGGESTION: "Add a partner goal."})
    change = org.dm("UANN", "suggests changes")
    assert "Add a partner goal." in str(change["blocks"])
    org.slack.click("UANN", change, Action.EDIT_PLAN)
    form = org.emu.wait_for(lambda: org.emu.open_views("UANN"))[-1]
    org.slack.submit("UANN", form, {slot_block("goal", 1): "Two partner deals",
                                    slot_block("boss", 1): "New channel",
                                    slot_block("mine", 1): "Partner skills"})
    request = org.emu.wait_for(lambda: [m for m in org.emu.dm_messages("UBOSS")
                                        if "proposes a plan" in m["text"]][1:])[0]
    org.slack.click("UBOSS", request, Action.AGREE_PLAN)
    org.dm("UANN", "agreed to your contribution plan")
    for person in ("UANN", "UBOSS"):
        org.slack.open_home(person)
        home = org.emu.wait_for(lambda p=person: "Two partner deals" in str(org.emu.home(p)))
        assert home
    assert "agreed on" in str(org.emu.home("UBOSS"))
    org.slack.open_home("UBOB")
    org.emu.wait_for(lambda: org.emu.home("UBOB") is not None)
    assert "Two partner deals" not in str(org.emu.home("UBOB"))


def first_business_day_nine(tz: str) -> datetime:
    """09:00 local on the first business day of next month."""
    local = datetime.now(ZoneInfo(tz))
    year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
    day = first_business_day(date(year, month, 1))
    return datetime(day.year, day.month, day.day, 9, tzinfo=ZoneInfo(tz)).astimezone(UTC)


def test_monthly_debrief_agenda_in_a_group_dm_recorded_by_the_boss(org: Live) -> None:
    send_report(org, "", "120,000", "100,000")
    org.dm("UBOSS", "sent you their sales report")
    form = open_modal(org, "UANN", DEBRIEF)  # this month's debrief, recorded early
    org.slack.submit("UANN", form, {BlockId.GOING_WELL: "Pipeline is healthy",
                                    slot_block("what", 0): "Hire an SDR",
                                    slot_block("due", 0): (date.today() + timedelta(days=20))
                                    .isoformat()})
    moment = first_business_day_nine("America/New_York")  # Ann's zone
    early = org.bot.cli("tick", "--at", (moment - timedelta(minutes=1)).isoformat())
    assert early.returncode == 0, early.stderr
    assert not any("Monthly debrief" in str(c["params"].get("text"))
                   for c in org.emu.calls("chat.postMessage"))
    org.bot.cli("tick", "--at", moment.isoformat())
    org.bot.cli("tick", "--at", (moment + timedelta(hours=1)).isoformat())
    agendas = [c["params"] for c in org.emu.calls("chat.postMessage")
               if "Monthly debrief" in str(c["params"].get("text"))]
    assert len(agendas) == 1
    channel = agendas[0]["channel"]
    opened = [c["params"] for c in org.emu.calls("conversations.open") if c.get("ok")
              and "," in str(c["params"].get("users"))]
    assert set(str(opened[-1]["users"]).split(",")) == {"UANN", "UBOSS"}
    agenda = next(m for m in org.emu.messages(channel) if "Monthly debrief" in m["text"])
    shown = str(agenda["blocks"])
    assert "120,000" in shown and "Hire an SDR" in shown and "Team development" in shown
    assert org.emu.wait_for(lambda: [f for f in org.emu.files()
                                     if channel in f["channels"] and f["completed"]])

    outsider = org.slack.click("UBOB", agenda, Action.RECORD_DEBRIEF)
    assert "private" in org.emu.wait_for(lambda: org.emu.responses(
        outsider.response_url))[-1]["text"]
    org.slack.click("UBOSS", agenda, Action.RECORD_DEBRIEF)
    modal = org.emu.wait_for(lambda: org.emu.open_views("UBOSS"))[-1]
    carried = next(b for b in modal["blocks"] if b.get("block_id") == BlockId.DONE)
    org.slack.submit("UBOSS", modal, {BlockId.IMPROVE: "Forecast accuracy",
                                      BlockId.DONE: [carried["element"]["options"][0]["value"]]})
    recorded = org.emu.wait_for(lambda: [m for m in org.emu.messages(channel)
                                         if "<@UBOSS> recorded the debrief" in m["text"]])
    assert "<@UBOSS> recorded" in recorded[-1]["text"]
    assert "Forecast accuracy" in str(recorded[-1]["blocks"])
    history = org.reply("UANN", DEBRIEF, "history")
    assert "recorded by <@UBOSS>" in history
    assert "private" in org.reply("UCAT", DEBRIEF, "history <@UANN>")
