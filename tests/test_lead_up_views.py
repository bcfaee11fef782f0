"""Lead-up Block Kit: every view validates, fits Slack's limits and says what it should."""

from __future__ import annotations

from datetime import date, timedelta

from bot.core.home import home_view
from bot.lead_up import debrief_views, plan_views, report_views
from bot.lead_up.debrief import MAX_ACTIONS, Agenda
from bot.lead_up.ids import BlockId, metric_block, slot_block
from bot.lead_up.models import (
    ContributionPlan,
    Debrief,
    DebriefAction,
    LeadUpSettings,
    MetricReport,
)
from bot.lead_up.plan import MAX_GOALS, Goal
from bot.lead_up.reports import Metric
from tests import blockkit
from tests.factories import T0

METRICS = [Metric("Win rate", "%"), Metric("Meetings held")]
LONG = "x" * 5000


def report(period: str = "2026-11", sales: float = 80000, **extra: object) -> MetricReport:
    fields = {"team_id": "T1", "manager_id": "UANN", "period": period, "sales": sales,
              "target": 100000.0, "pipeline": 250000.0, "metrics": '{"Win rate": 31.5}',
              "explanation": "", "strategies": "", "source": "slack", "boss_id": "UBOSS",
              "submitted_at": T0, **extra}
    return MetricReport(**fields)


def test_report_modal_prefills_and_keeps_the_metric_order() -> None:
    saved = report(explanation="Slipped <!channel>", source="csv", submitted_at=None)
    view = report_views.report_modal(period="2026-11", choices=["2026-11", "2026-10"],
                                     metrics=METRICS, boss_id="UBOSS", report=saved,
                                     previous=None).to_dict()
    blockkit.check(view, "modal")
    by_id = {b.get("block_id"): b for b in view["blocks"]}
    assert by_id[BlockId.SALES]["element"]["initial_value"] == "80,000"
    assert by_id[metric_block(0)]["label"]["text"] == "Win rate (%)"
    assert by_id[metric_block(0)]["element"]["initial_value"] == "31.5"
    assert "initial_value" not in by_id[metric_block(1)]["element"]
    assert "CRM (csv)" in str(view["blocks"][0])
    fresh = report_views.report_modal(period="2026-12", choices=["2026-12"], metrics=[],
                                      boss_id="UBOSS", report=None, previous=saved).to_dict()
    assert {b.get("block_id"): b for b in fresh["blocks"]}[BlockId.TARGET]["element"][
        "initial_value"] == "100,000"  # last period's target


def test_boss_message_shows_changes_explanation_and_escapes() -> None:
    current = report(explanation="<@UALL> two deals slipped", strategies=LONG)
    message = report_views.boss_message(current, report("2026-10", 100000), METRICS,
                                        resent=False)
    blocks = message.blocks_dicts()
    blockkit.check(blocks)
    shown = str(blocks)
    assert "80% of target" in shown and "-20.0% vs October 2026" in shown
    assert "&lt;@UALL&gt;" in shown and "<@UALL>" not in shown
    assert "Win rate" in shown and "31.5 %" in shown
    assert "updated" in report_views.boss_message(current, None, [], resent=True).text


def test_history_reminder_and_settings_views() -> None:
    history = report_views.history_message("UANN", [report(), report("2026-10",
                                                                      submitted_at=None)],
                                           own=False)
    blockkit.check(history.blocks_dicts())
    assert "<@UANN>'s sales reports" in history.text and "not sent" in str(history.blocks_dicts())
    reminder = report_views.reminder_message("2026-11", report(submitted_at=None))
    blockkit.check(reminder.blocks_dicts())
    assert "CRM" in reminder.text
    settings = LeadUpSettings(cadence="weekly", metrics="[]", reminder_hour=8, debrief_hour=10)
    view = report_views.settings_modal(settings, METRICS).to_dict()
    blockkit.check(view, "modal")
    metrics = next(b for b in view["blocks"] if b.get("block_id") == BlockId.METRICS)
    assert metrics["element"]["initial_value"] == "Win rate (%)\nMeetings held"


def plan(status: str = "proposed") -> ContributionPlan:
    return ContributionPlan(id=7, team_id="T1", manager_id="UANN", boss_id="UBOSS",
                            status=status, proposed_at=T0, agreed_at=T0 if status == "agreed"
                            else None, suggestion="")


def test_plan_views_fit_at_the_maximum() -> None:
    goals = [Goal(LONG[:300], LONG[:500], LONG[:500], "in_progress")] * MAX_GOALS
    modal = plan_views.plan_modal(goals, "UBOSS").to_dict()
    blockkit.check(modal, "modal")
    assert slot_block("goal", MAX_GOALS - 1) in str(modal) and "up to 5 goals" in str(modal)
    request = plan_views.boss_request(plan(), goals)
    blockkit.check(request.blocks_dicts())
    assert "Agree" in str(request.blocks_dicts())
    home = plan_views.home_blocks((plan("agreed"), goals), [(plan("agreed"), goals)])
    blockkit.check(home_view([home]).to_dict(), "home")
    assert "agreed on" in str([b.to_dict() for b in home])


def test_agenda_and_record_modal() -> None:
    debrief = Debrief(id=3, team_id="T1", manager_id="UANN", boss_id="UBOSS", month="2026-12",
                      going_well="", continue_doing="", improve="", version=0)
    due = date(2026, 12, 20)
    actions = [DebriefAction(id=i, debrief_id=2, owner_id="UANN", what=f"Action {i} " + LONG[:280],
                             due=due + timedelta(days=i)) for i in range(MAX_ACTIONS)]
    agenda = Agenda(debrief=debrief, reports=[(report(explanation="Slipped", strategies="Push"),
                                               report("2026-10", 100000))],
                    open_actions=actions, contribution=plan("agreed"),
                    goals=[Goal("g", "b", "m", "done")],
                    development={"reports": 2, "plans": 1, "done": 1, "not_started": 2,
                                 "overdue": 1},
                    talks="Finance: met on 3 Nov", metrics=METRICS)
    message = debrief_views.agenda_message(agenda)
    blockkit.check(message.blocks_dicts())
    shown = str(message.blocks_dicts())
    for expected in ("80,000", "Slipped", "Action 0", "1 goal: 1 done", "1 of 2 reports",
                     "Finance: met", "Record debrief"):
        assert expected in shown, expected
    modal = debrief_views.record_modal(debrief, actions, actions).to_dict()
    blockkit.check(modal, "modal")
    assert len(modal["blocks"]) <= 100 and BlockId.DONE in str(modal)
    debrief.version, debrief.recorded_by, debrief.going_well = 2, "UBOSS", "Pipeline"
    recorded = debrief_views.recorded_message(debrief, actions[:1])
    blockkit.check(recorded.blocks_dicts())
    assert "updated (version 2)" in recorded.text
