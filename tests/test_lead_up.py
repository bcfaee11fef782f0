"""Lead up on SQLite and PostgreSQL: periods, numbers, reports, the plan, debriefs, schedules."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.core.calendar import first_business_day
from bot.core.scheduler import tick
from bot.lead_down.models import Holiday
from bot.lead_up import debrief, periods, plan, reports
from bot.lead_up.debrief import ActionDraft, DebriefError
from bot.lead_up.jobs import MonthlyDebrief, ReportReminder
from bot.lead_up.models import DebriefVersion
from bot.lead_up.plan import Goal, PlanError
from bot.lead_up.reports import AccessDenied, ExplanationNeeded, Figures, Metric, ReportError
from bot.org.service import set_line
from tests.factories import T0, person


@pytest.fixture
def org(sessions):
    """Boss (Chicago) manages Ann (New York); Ann manages Bob and Cat; Peer is on their own."""
    with sessions.begin() as s:
        boss = person(s, "UBOSS", tz="America/Chicago")
        ann = person(s, "UANN", tz="America/New_York")
        set_line(s, "T1", manager=boss, report=ann, now=T0)
        for report in ("UBOB", "UCAT"):
            set_line(s, "T1", manager=ann, report=person(s, report), now=T0)
        person(s, "UPEER")
    return sessions


# periods and numbers --------------------------------------------------------------------


def test_periods_cross_years_and_iso_weeks() -> None:
    assert periods.previous("2027-01") == "2026-12" and periods.following("2026-12") == "2027-01"
    assert periods.current_period("weekly", date(2027, 1, 1)) == "2026-W53"
    assert periods.following("2026-W53") == "2027-W01"
    assert periods.end_of("2028-02") == date(2028, 2, 29)
    assert periods.recent("2026-02", 3) == ["2025-12", "2026-01", "2026-02"]
    assert periods.label("2026-W48") == "Week 48, 2026 (23 Nov to 29 Nov)"
    for bad in ("2026-13", "26-11", "2025-W53", "November", ""):
        with pytest.raises(ValueError):
            periods.parse_period(bad)
    assert periods.parse_period(" 2026-w01 ") == "2026-W01"
    assert periods.quarter_of(date(2026, 11, 28)) == "2026-Q4"


def test_numbers_are_parsed_strictly() -> None:
    assert reports.parse_number("12,500.50") == 12500.5
    assert reports.parse_number("$1,000,000") == 1_000_000
    assert reports.parse_number("31.5%") == 31.5
    for bad in ("-5", "12,50", "1e6", "12.5.1", "ten", "", "1,0000"):
        with pytest.raises(ValueError):
            reports.parse_number(bad)
    assert reports.fmt(12500.5) == "12,500.5" and reports.fmt(100000.0) == "100,000"


def test_metric_lines_are_validated() -> None:
    assert reports.parse_metric_lines("Win rate (%)\n\nMeetings held") == [
        Metric("Win rate", "%"), Metric("Meetings held")]
    for bad in ("Sales", "A\na", "x" * 41, "\n".join(f"m{i}" for i in range(7))):
        with pytest.raises(ValueError):
            reports.parse_metric_lines(bad)


def test_read_figures_reports_each_bad_field() -> None:
    figures, errors = reports.read_figures("2026-11", {"sales": "10", "target": "x",
                                                      "Win rate": "abc"}, [Metric("Win rate")])
    assert figures is None and set(errors) == {"target", "pipeline", "Win rate"}
    figures, errors = reports.read_figures("2026-11", {"sales": "10", "target": "12",
                                                      "pipeline": "40", "Win rate": ""},
                                           [Metric("Win rate")])
    assert errors == {} and figures == Figures("2026-11", 10, 12, 40, {})


# reports --------------------------------------------------------------------------------


def figures(period: str, sales: float, target: float = 100) -> Figures:
    return Figures(period, sales, target, 500, {"Win rate": 30})


def test_sales_down_need_explanation_and_strategies_and_nothing_is_saved(org) -> None:
    with org.begin() as s:
        reports.submit(s, "T1", "UANN", figures("2026-10", 120), explanation="", strategies="",
                       now=T0)
    with org.begin() as s:  # above target but below October
        with pytest.raises(ExplanationNeeded) as refused:
            reports.submit(s, "T1", "UANN", figures("2026-11", 110), explanation="",
                           strategies="", now=T0)
        assert "below October 2026" in refused.value.errors["explanation"]
        assert set(refused.value.errors) == {"explanation", "strategies"}
        assert reports.report_for(s, "T1", "UANN", "2026-11") is None
        report, resent = reports.submit(s, "T1", "UANN", figures("2026-11", 110),
                                        explanation="Holidays", strategies="Push", now=T0)
        assert report.boss_id == "UBOSS" and report.submitted_at == T0 and not resent
    with org.begin() as s:
        _, resent = reports.submit(s, "T1", "UANN", figures("2026-11", 130), explanation="",
                                   strategies="", now=T0)
        assert resent


def test_reports_need_a_boss_and_are_private(org) -> None:
    with org.begin() as s:
        with pytest.raises(ReportError, match="none in Leadwell"):
            reports.submit(s, "T1", "UBOSS", figures("2026-11", 200), explanation="",
                           strategies="", now=T0)
        report, _ = reports.submit(s, "T1", "UANN", figures("2026-11", 200), explanation="",
                                   strategies="", now=T0)
        assert report.boss_id == "UBOSS"
        for reader in ("UANN", "UBOSS"):
            reports.check_reader(s, "T1", "UANN", reader)
        for outsider in ("UBOB", "UCAT", "UPEER"):
            with pytest.raises(AccessDenied):
                reports.check_reader(s, "T1", "UANN", outsider)
        with pytest.raises(AccessDenied):  # Boss manages Ann in T1 only
            reports.check_reader(s, "T2", "UANN", "UBOSS")
        with pytest.raises(ReportError, match="not started"):
            reports.check_period("2099-01", "monthly", T0.date())
        with pytest.raises(ReportError, match="You report monthly"):
            reports.check_period("2026-W05", "monthly", T0.date())


def test_series_has_gaps_for_missing_periods(org) -> None:
    with org.begin() as s:
        for period in ("2026-01", "2026-11"):
            reports.store(s, "T1", "UANN", figures(period, 90), T0, source="csv")
        points = reports.series(s, "T1", "UANN", "2026-11")
    assert points[0][0] == "2025-12" and len(points) == 12
    assert [p for p, r in points if r is not None] == ["2026-01", "2026-11"]


# contribution plan ----------------------------------------------------------------------


GOAL = Goal("Two enterprise logos", "The region beats its number", "I lead enterprise deals")


def test_plan_validation_agreement_and_reproposal(org) -> None:
    assert plan.validate([Goal("")]) == {0: "Write at least one goal."}
    assert 1 in plan.validate([GOAL, Goal("Only a goal")])
    with org.begin() as s:
        saved, ask = plan.save(s, "T1", "UANN", [GOAL, Goal("")], T0)
        assert ask and saved.status == plan.PROPOSED and saved.boss_id == "UBOSS"
        plan_id = saved.id
    with org.begin() as s:
        for outsider in ("UANN", "UBOB", "UPEER"):
            with pytest.raises(PlanError):
                plan.agree(s, "T1", plan_id, outsider, T0)
        agreed = plan.agree(s, "T1", plan_id, "UBOSS", T0)
        assert agreed.agreed_at == T0
        with pytest.raises(PlanError, match="already agreed"):
            plan.agree(s, "T1", plan_id, "UBOSS", T0)
    with org.begin() as s:  # progress only: stays agreed
        _, ask = plan.save(s, "T1", "UANN", [Goal(GOAL.goal, GOAL.boss, GOAL.mine, "done")], T0)
        assert not ask and plan.plan_of(s, "T1", "UANN").status == plan.AGREED
        assert plan.progress(plan.goals_of(plan.plan_of(s, "T1", "UANN"))) == "1 goal: 1 done"
    with org.begin() as s:  # new words: the boss agrees again
        _, ask = plan.save(s, "T1", "UANN", [GOAL, Goal("Partners", "Channel", "Skills")], T0)
        assert ask and plan.plan_of(s, "T1", "UANN").agreed_at is None
        with pytest.raises(PlanError):
            plan.suggest(s, "T1", plan_id, "UBOSS", "  ")
        assert plan.suggest(s, "T1", plan_id, "UBOSS", "Add a partner goal").status == "changes"


# debriefs -------------------------------------------------------------------------------


def test_debrief_versions_actions_carry_until_done_and_privacy(org) -> None:
    due = date(2026, 12, 15)
    with org.begin() as s:
        november = debrief.ensure(s, "T1", "UANN", "2026-11", T0)
        assert debrief.ensure(s, "T1", "UANN", "2026-11", T0).id == november.id
        errors = debrief.validate({"going_well": ""}, [ActionDraft("Hire", "UPEER", due)],
                                  ("UANN", "UBOSS"))
        assert set(errors) == {("going_well", 0), ("owner", 0)}
        debrief.record(s, november, "UANN", {"going_well": "Pipeline"},
                       [ActionDraft("Hire an SDR", "UANN", due), ActionDraft("Price review",
                                                                             "UBOSS", due)],
                       [], T0)
        debrief.record(s, november, "UBOSS", {"going_well": "Pipeline", "improve": "Forecasts"},
                       [ActionDraft(a.what, a.owner_id, a.due, a.id)
                        for a in debrief.actions_of(s, november)], [], T0)
        assert november.version == 2 and november.recorded_by == "UBOSS"
        assert s.scalar(select(func.count()).select_from(DebriefVersion)) == 2
        december = debrief.ensure(s, "T1", "UANN", "2026-12", T0)
        carried = debrief.open_actions(s, december)
        assert [a.what for a in carried] == ["Hire an SDR", "Price review"]
        debrief.record(s, december, "UANN", {"continue_doing": "Deal reviews"}, [],
                       [carried[0].id], T0)
        assert [a.what for a in debrief.open_actions(s, december)] == ["Price review"]
        for outsider in ("UBOB", "UPEER"):
            with pytest.raises(DebriefError):
                debrief.readable(s, "T1", december.id, outsider)
        with pytest.raises(DebriefError):
            debrief.readable(s, "T2", december.id, "UANN")
        with pytest.raises(DebriefError, match="none in Leadwell"):
            debrief.ensure(s, "T1", "UBOSS", "2026-12", T0)


def test_agenda_gathers_last_months_reports_and_open_actions(org) -> None:
    with org.begin() as s:
        reports.submit(s, "T1", "UANN", figures("2026-11", 150), explanation="", strategies="",
                       now=T0)
        reports.store(s, "T1", "UANN", figures("2026-10", 90), T0, source="csv")  # not sent
        row = debrief.ensure(s, "T1", "UANN", "2026-12", T0)
        agenda = debrief.agenda(s, row, date(2026, 12, 1))
    assert [r.period for r, _ in agenda.reports] == ["2026-11"]
    assert agenda.development["reports"] == 2 and agenda.development["plans"] == 0
    assert "Finance" in agenda.talks


# schedules ------------------------------------------------------------------------------


def due_at(job, sessions, when: datetime) -> list[tuple[str, str]]:
    with sessions.begin() as s:
        return [(d.recipient, d.period) for d in job.collect(s, when)]


def test_report_reminder_on_the_first_business_day_after_the_period(org) -> None:
    # November 2026 ends on a Monday; 1 Dec is a Tuesday, 09:00 in New York is 14:00 UTC
    at = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
    assert due_at(ReportReminder(), org, at - timedelta(minutes=1)) == []
    assert due_at(ReportReminder(), org, at) == [("UANN", "2026-11")]  # Boss has no boss
    assert due_at(ReportReminder(), org, at + timedelta(days=3)) == []
    with org.begin() as s:
        s.add(Holiday(team_id="T1", day=date(2026, 12, 1)))
    assert due_at(ReportReminder(), org, at) == []
    assert due_at(ReportReminder(), org, at + timedelta(days=1)) == [("UANN", "2026-11")]


def test_debrief_on_the_first_business_day_in_the_managers_zone(org) -> None:
    # 1 May 2027 is a Saturday: the debrief is Monday 3 May, 09:00 New York = 13:00 UTC
    assert first_business_day(date(2027, 5, 1)) == date(2027, 5, 3)
    at = datetime(2027, 5, 3, 13, 0, tzinfo=UTC)
    assert due_at(MonthlyDebrief(), org, at - timedelta(seconds=1)) == []
    assert due_at(MonthlyDebrief(), org, at) == [("UANN", "2027-05")]


def test_ticks_send_the_reminder_once_and_skip_it_when_the_report_is_in(org, emu) -> None:
    from bot.core.config import Settings
    from bot.core.slack import build_client

    for user in ("UANN", "UBOSS", "UBOB"):
        emu.add_user(user, user.lower())
    client = build_client(Settings(slack_api_url=emu.api_url), token=emu.bot_token)
    at = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
    first = tick(at, sessions=org, client=client, jobs=[ReportReminder()])
    again = tick(at + timedelta(hours=1), sessions=org, client=client, jobs=[ReportReminder()])
    assert (first.sent, again.due) == (1, 0)
    assert "November 2026 is not sent yet" in emu.dm_messages("UANN")[-1]["text"]
    with org.begin() as s:
        reports.submit(s, "T1", "UANN", figures("2026-12", 150), explanation="", strategies="",
                       now=at)
    january = tick(datetime(2027, 1, 1, 14, 0, tzinfo=UTC), sessions=org, client=client,
                   jobs=[ReportReminder()])
    assert (january.due, january.sent, january.skipped) == (1, 0, 1)  # December's is in
