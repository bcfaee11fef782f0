"""Career plans on SQLite and PostgreSQL: validation, saving, versions, access, actions."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from bot import home
from bot.core.coalesce import Coalescer
from bot.core.followups import RunNow
from bot.lead_yourself import service
from bot.lead_yourself.models import PlanVersion
from bot.lead_yourself.service import AccessDenied, ActionDraft, PlanDraft, PlanError
from bot.org.models import Person
from bot.org.service import set_line
from tests.factories import T0, person

TODAY = T0.date()
SOON = TODAY + timedelta(days=20)


def draft(**changes) -> PlanDraft:
    plan = PlanDraft(why="I love building teams", aspirations={
        1: "Manage a sales team that doubles in size", 3: "Regional director", 5: ""})
    plan.actions = [ActionDraft(1, "Attend sales manager training", SOON, "Budget approval")]
    for name, value in changes.items():
        setattr(plan, name, value)
    return plan


@pytest.fixture
def team(sessions):
    with sessions.begin() as s:
        for user_id in ("UANN", "UBOSS", "UPEER"):
            person(s, user_id)
        person(s, "UANN", team_id="T2")
    return sessions


def save(sessions, plan: PlanDraft, owner: str = "UANN", team_id: str = "T1"):
    with sessions.begin() as s:
        saved = service.save_plan(s, team_id, owner, plan, T0)
        return saved.id, saved.version


def test_one_year_aspiration_and_an_action_are_required() -> None:
    errors = service.validate(PlanDraft(), today=TODAY)
    assert set(errors) == {("aspiration", 1, 0), ("what", 1, 0)}
    assert service.validate(draft(), today=TODAY) == {}


def test_actions_need_a_future_date_when_created() -> None:
    plan = draft()
    plan.actions += [ActionDraft(3, "Mentor two reps", TODAY), ActionDraft(3, "", SOON),
                     ActionDraft(5, "Lead a region", None), ActionDraft(5)]
    errors = service.validate(plan, today=TODAY)
    assert errors == {("due", 3, 0): "Pick a date in the future.",
                      ("what", 3, 1): "What will you do?", ("due", 5, 0): "By when?"}
    existing = draft(actions=[ActionDraft(1, "Old action", TODAY - timedelta(days=3), id=4)])
    assert service.validate(existing, today=TODAY) == {}  # kept as it was


def test_saving_keeps_versions_and_edits_actions_in_place(team) -> None:
    plan_id, version = save(team, draft())
    assert version == 1
    with team.begin() as s:
        edited = service.draft_for(s, "T1", "UANN")
    edited.aspirations[5] = "VP of sales"
    edited.actions[0].what = "Attend the Q1 sales manager training"
    edited.actions.append(ActionDraft(3, "Shadow the regional director", SOON))
    assert save(team, edited) == (plan_id, 2)
    with team.begin() as s:
        plan = service.get_plan(s, "T1", "UANN")
        assert [a.what for a in plan.actions] == ["Attend the Q1 sales manager training",
                                                  "Shadow the regional director"]
        assert plan.actions[0].id == edited.actions[0].id and plan.aspiration_5 == "VP of sales"
        entries = service.history(s, plan)
    assert [e[0] for e in entries] == [2, 1]
    assert "changed the 5-year aspiration" in entries[0][2] and entries[1][2] == ["first version"]


def test_blank_slot_removes_an_action_but_done_actions_stay(team) -> None:
    plan = draft()
    plan.actions.append(ActionDraft(1, "Read two books", SOON))
    save(team, plan)
    with team.begin() as s:
        saved = service.get_plan(s, "T1", "UANN")
        service.mark_done(saved.actions[0], T0)
        edited = service.draft_for(s, "T1", "UANN")
    assert [a.what for a in edited.actions] == ["Read two books"]  # done ones are not edited
    edited.actions[0] = ActionDraft(1, id=edited.actions[0].id)  # cleared by the owner
    edited.actions.append(ActionDraft(1, "Join a mentoring circle", SOON))
    save(team, edited)
    with team.begin() as s:
        actions = service.get_plan(s, "T1", "UANN").actions
        assert sorted(a.what for a in actions) == ["Attend sales manager training",
                                                   "Join a mentoring circle"]


def test_an_action_done_while_the_modal_was_open_stays_done(team) -> None:
    save(team, draft())
    with team.begin() as s:
        open_modal = service.draft_for(s, "T1", "UANN")  # the modal still shows the action
        service.mark_done(service.get_plan(s, "T1", "UANN").actions[0], T0)
    open_modal.actions[0].support = "Budget approved"
    save(team, open_modal)
    with team.begin() as s:
        plan = service.get_plan(s, "T1", "UANN")
        assert [(a.what, a.support, a.done_at is not None) for a in plan.actions] == [
            ("Attend sales manager training", "Budget approved", True)]
        latest = json.loads(s.scalars(select(PlanVersion.content).where(
            PlanVersion.plan_id == plan.id).order_by(PlanVersion.version.desc())).first())
    assert latest["actions"] == [] and latest["aspirations"]["3"] == "Regional director"


def test_a_save_sees_what_the_session_has_not_flushed_yet(team) -> None:
    """The save's SQL statements do not autoflush as ORM queries do: it flushes first."""
    with team.begin() as s:
        s.add(Person(team_id="T1", user_id="UNEW", name="new", tz="UTC", refreshed_at=T0))
        assert service.save_plan(s, "T1", "UNEW", draft(), T0).version == 1


def test_only_owner_and_shared_manager_can_read(team) -> None:
    plan_id, _ = save(team, draft())
    with team.begin() as s:
        assert service.readable_plan(s, "T1", plan_id, "UANN").owner_id == "UANN"
        for outsider in ("UBOSS", "UPEER"):  # the manager too, before sharing
            with pytest.raises(AccessDenied):
                service.readable_plan(s, "T1", plan_id, outsider)
        with pytest.raises(AccessDenied):  # same user id, other workspace
            service.readable_plan(s, "T2", plan_id, "UANN")
        service.share(service.get_plan(s, "T1", "UANN"), "UBOSS", T0)
        ann, boss = (s.get(Person, ("T1", u)) for u in ("UANN", "UBOSS"))
        set_line(s, "T1", manager=boss, report=ann, now=T0)
    with team.begin() as s:
        assert service.readable_plan(s, "T1", plan_id, "UBOSS")
        with pytest.raises(AccessDenied):
            service.readable_plan(s, "T1", plan_id, "UPEER")
        assert service.unshare(service.get_plan(s, "T1", "UANN")) == "UBOSS"
    with team.begin() as s, pytest.raises(AccessDenied):
        service.readable_plan(s, "T1", plan_id, "UBOSS")


def test_a_former_manager_loses_access(team) -> None:
    plan_id, _ = save(team, draft())
    with team.begin() as s:
        ann, boss, peer = (s.get(Person, ("T1", u)) for u in ("UANN", "UBOSS", "UPEER"))
        set_line(s, "T1", manager=boss, report=ann, now=T0)
        service.share(service.get_plan(s, "T1", "UANN"), "UBOSS", T0)
    with team.begin() as s:
        assert service.readable_plan(s, "T1", plan_id, "UBOSS")
        set_line(s, "T1", manager=peer, report=ann, now=T0)  # ann has a new manager
    with team.begin() as s:
        for reader in ("UBOSS", "UPEER"):  # the old one is out; the new one needs a new share
            with pytest.raises(AccessDenied):
                service.readable_plan(s, "T1", plan_id, reader)


def test_feedback_comes_only_from_the_shared_manager(team) -> None:
    plan_id, _ = save(team, draft())
    with team.begin() as s, pytest.raises(AccessDenied):
        service.manager_feedback(s, "T1", plan_id, "UBOSS", "reply", "Happy to help", T0)
    with team.begin() as s:
        ann, boss = (s.get(Person, ("T1", u)) for u in ("UANN", "UBOSS"))
        set_line(s, "T1", manager=boss, report=ann, now=T0)
        service.share(service.get_plan(s, "T1", "UANN"), "UBOSS", T0)
    with team.begin() as s:
        with pytest.raises(AccessDenied):
            service.manager_feedback(s, "T1", plan_id, "UANN", "reply", "Self praise", T0)
        with pytest.raises(PlanError, match="Write something"):
            service.manager_feedback(s, "T1", plan_id, "UBOSS", "reply", "   ", T0)
        service.manager_feedback(s, "T1", plan_id, "UBOSS", "reply", "I'll fund it", T0)
    with team.begin() as s:
        plan = service.get_plan(s, "T1", "UANN")
        assert [f.text for f in service.latest_feedback(s, plan)] == ["I'll fund it"]


def test_actions_change_only_for_their_owner(team) -> None:
    save(team, draft())
    with team.begin() as s:
        action_id = service.get_plan(s, "T1", "UANN").actions[0].id
        for outsider, team_id in (("UPEER", "T1"), ("UBOSS", "T1"), ("UANN", "T2")):
            with pytest.raises(AccessDenied):
                service.owned_action(s, team_id, action_id, outsider)
        action = service.owned_action(s, "T1", action_id, "UANN")
        with pytest.raises(PlanError, match="future"):
            service.reschedule(action, TODAY, TODAY)
        service.reschedule(action, date(2027, 6, 1), TODAY)
        assert service.snooze(action, TODAY) == TODAY + timedelta(days=7)
        plan = action.plan
        assert service.due_soon(plan, TODAY) == []  # June is not soon
        service.mark_done(action, T0)
        with pytest.raises(PlanError, match="already done"):
            service.mark_done(action, T0)


def test_due_soon_skips_snoozed_and_includes_overdue(team) -> None:
    plan = draft()
    plan.actions.append(ActionDraft(3, "Far away", TODAY + timedelta(days=200)))
    save(team, plan)
    with team.begin() as s:
        saved = service.get_plan(s, "T1", "UANN")
        later = TODAY + timedelta(days=25)  # the first action is overdue by then
        assert [a.what for a in service.due_soon(saved, later)] == [
            "Attend sales manager training"]
        service.snooze(saved.actions[0], later)
        assert service.due_soon(saved, later) == []


def test_opening_the_plan_reads_the_profile_from_slack_only_when_stale(sessions, emu,
                                                                        web) -> None:
    """The modal's read and the profile's freshness share one transaction; Slack's
    users.info comes after views.open, and only for a profile over a day old."""
    from sqlalchemy import event

    from bot.lead_yourself import workflows
    from bot.org.context import RequestContext

    transactions: list[object] = []
    engine = sessions.kw["bind"]

    def began(connection: object) -> None:
        transactions.append(connection)

    event.listen(engine, "begin", began)

    def open_at(now) -> list[str]:
        before, transactions[:] = len(emu.calls()), []
        ctx = RequestContext(sessions=sessions, client=web, team_id="T1", actor_id="UANN",
                             now=now, default_tz="UTC",
                             followups=RunNow(sessions, Coalescer(), home.publish))
        workflows.open_modal(ctx, emu.new_trigger_id("UANN"), workflows.plan_modal)
        return [c["method"] for c in emu.calls()[before:]]

    try:
        now = T0.replace(hour=9)
        assert open_at(now) == ["views.open", "users.info"]  # unknown yet: read, after opening
        assert len(transactions) == 2
        assert open_at(now + timedelta(hours=23)) == ["views.open"]  # fresh: one transaction
        assert len(transactions) == 1
        assert open_at(now + timedelta(hours=25)) == ["views.open", "users.info"]
        with sessions.begin() as s:
            assert s.get(Person, ("T1", "UANN")).name == "ann"
    finally:
        event.remove(engine, "begin", began)


def test_saving_reads_the_owner_and_the_plan_once_each(team, web) -> None:
    """A submission's save before its ack: one SELECT of the owner (their time zone comes from
    it too), one of the plan with its actions, one of their manager (the DM's hint)."""
    from bench.queries import counting
    from bot.lead_yourself import workflows
    from bot.org.context import RequestContext

    ctx = RequestContext(sessions=team, client=web, team_id="T1", actor_id="UANN", now=T0,
                         default_tz="UTC", followups=RunNow(team, Coalescer(), home.publish))
    workflows.save(ctx, draft())
    with counting(team.kw["bind"]) as statements:
        errors, saved = workflows.save(ctx, draft(why="Teams that grow"))
    assert errors == {} and saved is not None
    reads = [s.split("FROM")[1].split()[0] for s in statements if s.startswith("SELECT")]
    assert sorted(reads) == ["career_plans", "people", "reporting_lines"]
    with team.begin() as s:
        assert [v for v, _, _ in service.history(s, service.get_plan(s, "T1", "UANN"))] == [2, 1]
