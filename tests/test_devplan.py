"""Development plans on SQLite and PostgreSQL: access, validation, saving, reviews, schedule."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.lead_down import devplan
from bot.lead_down.devplan import ActionDraft, PlanDraft, SkillDraft
from bot.lead_down.service import AccessDenied, CheckinError, change_settings
from bot.org.models import Person
from bot.org.service import set_line
from tests.factories import T0, person

TODAY = T0.date()


@pytest.fixture
def team(sessions):
    """Boss manages Ann and Bob; Other manages Cat; Peer is nobody's manager."""
    with sessions.begin() as s:
        boss, other = person(s, "UBOSS", tz="Europe/Paris"), person(s, "UOTHER")
        for report in ("UANN", "UBOB"):
            set_line(s, "T1", manager=boss, report=person(s, report), now=T0)
        set_line(s, "T1", manager=other, report=person(s, "UCAT"), now=T0)
        person(s, "UPEER")
    return sessions


def draft() -> PlanDraft:
    return PlanDraft(skills=[SkillDraft("Negotiation", "Closes mid-market", "Closes enterprise")],
                     actions=[ActionDraft("Negotiation workshop", "training",
                                          TODAY + timedelta(days=30))],
                     next_role="Senior account executive", target_date=date(2027, 9, 1))


def save(sessions, report: str = "UANN") -> int:
    with sessions.begin() as s:
        devplan.require_manager(s, "T1", "UBOSS", report)
        return devplan.save(s, "T1", report, draft(), T0).id


def test_only_the_current_manager_writes_and_only_report_and_manager_read(team) -> None:
    plan_id = save(team)
    with team.begin() as s:
        for outsider in ("UOTHER", "UPEER", "UBOB"):
            with pytest.raises(AccessDenied):
                devplan.require_manager(s, "T1", outsider, "UANN")
            with pytest.raises(AccessDenied):
                devplan.readable_plan(s, "T1", plan_id, outsider)
        with pytest.raises(AccessDenied):
            devplan.readable_plan(s, "T2", plan_id, "UANN")  # another workspace
        assert devplan.readable_plan(s, "T1", plan_id, "UANN").report_id == "UANN"
        assert devplan.readable_plan(s, "T1", plan_id, "UBOSS")
        set_line(s, "T1", manager=s.get(Person, ("T1", "UOTHER")),
                 report=s.get(Person, ("T1", "UANN")), now=T0)
    with team.begin() as s:  # a new manager takes over; the old one is out
        with pytest.raises(AccessDenied):
            devplan.readable_plan(s, "T1", plan_id, "UBOSS")
        assert devplan.readable_plan(s, "T1", plan_id, "UOTHER")


def test_validation() -> None:
    assert devplan.validate(draft(), today=TODAY) == {}
    assert ("skill", 0) in devplan.validate(PlanDraft(), today=TODAY)
    bad = PlanDraft(skills=[SkillDraft("", "novice", "")],
                    actions=[ActionDraft("Shadow the VP", "shadowing", TODAY),
                             ActionDraft("", "training", TODAY + timedelta(days=3)),
                             ActionDraft("Stretch", "stretch", None)],
                    next_role="Manager", target_date=TODAY)
    assert set(devplan.validate(bad, today=TODAY)) == {
        ("skill", 0), ("due", 0), ("what", 1), ("due", 2), ("target", 0)}


def test_saving_again_keeps_action_ids_and_replaces_content(team) -> None:
    save(team)
    with team.begin() as s:
        plan = devplan.plan_of(s, "T1", "UANN")
        edited = devplan.draft_of(s, plan)
        first_id = edited.actions[0].id
        edited.skills.append(SkillDraft("Forecasting", "Rough", "Within 5%"))
        edited.actions.append(ActionDraft("Lead the QBR", "stretch", TODAY + timedelta(days=60)))
        devplan.save(s, "T1", "UANN", edited, T0)
    with team.begin() as s:
        plan = devplan.plan_of(s, "T1", "UANN")
        assert devplan.actions(s, plan)[0].id == first_id
        assert [k.name for k in devplan.skills(s, plan)] == ["Negotiation", "Forecasting"]


def test_review_logs_statuses_and_notes(team) -> None:
    plan_id = save(team)
    with team.begin() as s:
        action = devplan.actions(s, devplan.plan_of(s, "T1", "UANN"))[0]
        with pytest.raises(AccessDenied):
            devplan.review(s, "T1", plan_id, "UOTHER", {}, T0)
        with pytest.raises(CheckinError):
            devplan.review(s, "T1", plan_id, "UBOSS", {action.id: ("great", "")}, T0)
    with team.begin() as s:
        logged = devplan.review(s, "T1", plan_id, "UBOSS",
                                {action.id: ("at_risk", "Workshop moved to May")}, T0)
        assert json.loads(logged.summary) == [
            {"what": "Negotiation workshop", "status": "at_risk", "note": "Workshop moved to May"}]
        assert devplan.plan_of(s, "T1", "UANN").last_reviewed_at == T0


def test_comments_by_report_and_manager_only(team) -> None:
    plan_id = save(team)
    with team.begin() as s:
        devplan.add_comment(s, "T1", plan_id, "UANN", "Can I shadow Bob's QBR?", T0)
        with pytest.raises(AccessDenied):
            devplan.add_comment(s, "T1", plan_id, "UPEER", "Nosy", T0)
        with pytest.raises(CheckinError):
            devplan.add_comment(s, "T1", plan_id, "UBOSS", "  ", T0)
    with team.begin() as s:
        plan = devplan.plan_of(s, "T1", "UANN")
        assert [c.text for c in devplan.comments(s, plan)] == ["Can I shadow Bob's QBR?"]


def test_monthly_review_first_tuesday_ten_in_the_managers_zone_and_reminder(team) -> None:
    save(team)  # created T0 = 30 Nov 2026
    tuesday = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # 10:00 in Paris
    with team.begin() as s:
        assert devplan.reviews_due(s, tuesday - timedelta(minutes=1)) == set()
        assert devplan.reviews_due(s, tuesday) == {("T1", "UBOSS", "2026-12")}
        assert devplan.review_reminders_due(s, tuesday + timedelta(days=6)) == set()
        assert devplan.review_reminders_due(s, tuesday + timedelta(days=7)) == {
            ("T1", "UBOSS", "2026-12")}
        plan = devplan.plan_of(s, "T1", "UANN")
        plan.last_reviewed_at = tuesday + timedelta(days=2)
    with team.begin() as s:
        assert devplan.review_reminders_due(s, tuesday + timedelta(days=7)) == set()
        change_settings(s, "T1", "UBOSS", review_ordinal=5, review_weekday=4, review_hour=16)
    with team.begin() as s:  # moved to the last Friday, 16:00 Paris = 15:00 UTC
        assert devplan.reviews_due(s, tuesday) == set()
        assert devplan.reviews_due(s, datetime(2026, 12, 25, 15, tzinfo=UTC)) == {
            ("T1", "UBOSS", "2026-12")}


def test_stale_after_a_month(team) -> None:
    save(team)
    with team.begin() as s:
        plan = devplan.plan_of(s, "T1", "UANN")
        assert not devplan.is_stale(plan, T0 + timedelta(days=29))
        assert devplan.is_stale(plan, T0 + timedelta(days=30))


def test_no_review_reminder_without_the_review_dm_it_reminds_of(team) -> None:
    """A manager whose first plan came after this month's review moment gets no "reminder"
    of a review DM they never had; once the DM went out, the reminder follows a week later."""
    from bot.core.models import Delivery
    from bot.lead_down.jobs import MonthlyReview, ReviewReminder

    save(team)
    tuesday = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    week_later = tuesday + timedelta(days=7)
    with team.begin() as s:
        assert list(ReviewReminder().collect(s, week_later)) == []
        s.add(Delivery(team_id="T1", recipient="UBOSS", kind=MonthlyReview.kind,
                       period="2026-12", status="sent", created_at=tuesday, sent_at=tuesday))
    with team.begin() as s:
        assert [(d.recipient, d.period) for d in ReviewReminder().collect(s, week_later)] == [
            ("UBOSS", "2026-12")]
