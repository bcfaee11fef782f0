"""The org's domain logic on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.org import service
from bot.org.models import Proposal, ProposalStatus, ReportingLine
from bot.org.people import OrgError
from tests.factories import T0, person


@pytest.fixture
def org(sessions):
    """Ann manages nobody yet; Bob, Cat and Dan are colleagues; Robo is a bot."""
    with sessions.begin() as s:
        for user_id in ("UANN", "UBOB", "UCAT", "UDAN"):
            person(s, user_id)
        person(s, "UROBO", is_bot=True)
        person(s, "UGONE", deleted=True)
    return sessions


def people(s, *ids):
    from bot.org.models import Person

    return [s.get(Person, ("T1", i)) for i in ids]


def test_proposal_needs_the_other_persons_confirmation(org) -> None:
    with org.begin() as s:
        ann, bob = people(s, "UANN", "UBOB")
        proposal = service.propose(s, "T1", proposer=ann, manager=ann, report=bob, now=T0)
        assert proposal.confirmer_id == "UBOB"
        assert service.manager_of(s, "T1", "UBOB") is None
    with org.begin() as s:
        proposal, change = service.decide(s, "T1", proposal.id, actor_id="UBOB", confirm=True,
                                          now=T0)
        assert proposal.status == ProposalStatus.CONFIRMED
        assert change is not None and change.previous_manager_id is None
    with org.begin() as s:
        assert service.manager_of(s, "T1", "UBOB") == "UANN"
        assert service.snapshot(s, "T1", "UANN").report_ids == ["UBOB"]


def test_report_may_propose_their_manager_and_decline_changes_nothing(org) -> None:
    with org.begin() as s:
        ann, bob = people(s, "UANN", "UBOB")
        proposal = service.propose(s, "T1", proposer=bob, manager=ann, report=bob, now=T0)
        assert proposal.confirmer_id == "UANN"
        assert [p.id for p in service.snapshot(s, "T1", "UANN").to_confirm] == [proposal.id]
        assert [p.id for p in service.snapshot(s, "T1", "UBOB").awaiting] == [proposal.id]
    with org.begin() as s:
        service.decide(s, "T1", proposal.id, actor_id="UANN", confirm=False, now=T0)
    with org.begin() as s:
        assert service.manager_of(s, "T1", "UBOB") is None
        assert s.get(Proposal, proposal.id).status == ProposalStatus.DECLINED


@pytest.mark.parametrize(
    ("actor", "message"),
    [("UCAT", "isn't addressed to you"), ("UANN", "Only <@UBOB> can answer")],
)
def test_only_the_confirmer_can_answer(org, actor: str, message: str) -> None:
    with org.begin() as s:
        ann, bob = people(s, "UANN", "UBOB")
        proposal_id = service.propose(s, "T1", proposer=ann, manager=ann, report=bob, now=T0).id
    with pytest.raises(OrgError, match=message), org.begin() as s:
        service.decide(s, "T1", proposal_id, actor_id=actor, confirm=True, now=T0)
    with org.begin() as s:
        assert s.get(Proposal, proposal_id).status == ProposalStatus.PENDING
        assert s.scalar(select(func.count()).select_from(ReportingLine)) == 0


def test_answering_twice_is_refused(org) -> None:
    with org.begin() as s:
        ann, bob = people(s, "UANN", "UBOB")
        proposal_id = service.propose(s, "T1", proposer=ann, manager=ann, report=bob, now=T0).id
    with org.begin() as s:
        service.decide(s, "T1", proposal_id, actor_id="UBOB", confirm=True, now=T0)
    with pytest.raises(OrgError, match="already confirmed"), org.begin() as s:
        service.decide(s, "T1", proposal_id, actor_id="UBOB", confirm=False, now=T0)


@pytest.mark.parametrize(
    ("manager", "report", "message"),
    [
        ("UANN", "UANN", "own manager"),
        ("UANN", "UROBO", "is a bot"),
        ("UROBO", "UANN", "is a bot"),
        ("UANN", "UGONE", "deactivated"),
    ],
)
def test_invalid_lines_are_refused(org, manager: str, report: str, message: str) -> None:
    with pytest.raises(OrgError, match=message), org.begin() as s:
        m, r = people(s, manager, report)
        service.set_line(s, "T1", manager=m, report=r, now=T0)


def test_cycles_are_refused_at_any_depth(org) -> None:
    with org.begin() as s:
        ann, bob, cat = people(s, "UANN", "UBOB", "UCAT")
        service.set_line(s, "T1", manager=ann, report=bob, now=T0)
        service.set_line(s, "T1", manager=bob, report=cat, now=T0)
    with pytest.raises(OrgError, match="loop"), org.begin() as s:
        ann, cat = people(s, "UANN", "UCAT")
        service.set_line(s, "T1", manager=cat, report=ann, now=T0)
    with org.begin() as s:
        assert service.manager_of(s, "T1", "UANN") is None


def test_cycle_is_checked_again_at_confirmation(org) -> None:
    with org.begin() as s:
        ann, bob = people(s, "UANN", "UBOB")
        proposal_id = service.propose(s, "T1", proposer=ann, manager=ann, report=bob, now=T0).id
        service.set_line(s, "T1", manager=bob, report=ann, now=T0)  # meanwhile, an admin
    with pytest.raises(OrgError, match="loop"), org.begin() as s:
        service.decide(s, "T1", proposal_id, actor_id="UBOB", confirm=True, now=T0)


def test_duplicate_pending_request_and_existing_line_are_refused(org) -> None:
    with org.begin() as s:
        ann, bob, cat = people(s, "UANN", "UBOB", "UCAT")
        service.propose(s, "T1", proposer=ann, manager=ann, report=bob, now=T0)
        with pytest.raises(OrgError, match="already waiting"):
            service.propose(s, "T1", proposer=ann, manager=ann, report=bob, now=T0)
        service.set_line(s, "T1", manager=ann, report=cat, now=T0)
        with pytest.raises(OrgError, match="already reports"):
            service.propose(s, "T1", proposer=ann, manager=ann, report=cat, now=T0)
        with pytest.raises(OrgError, match="include yourself"):
            service.propose(s, "T1", proposer=ann, manager=bob, report=cat, now=T0)


def test_new_manager_replaces_the_previous_one(org) -> None:
    with org.begin() as s:
        ann, bob, cat = people(s, "UANN", "UBOB", "UCAT")
        service.set_line(s, "T1", manager=ann, report=cat, now=T0)
        change = service.set_line(s, "T1", manager=bob, report=cat, now=T0)
        assert change.previous_manager_id == "UANN"
        assert service.report_ids_of(s, "T1", "UANN") == []
        assert service.report_ids_of(s, "T1", "UBOB") == ["UCAT"]


def test_remove_works_both_ways_and_only_for_own_lines(org) -> None:
    with org.begin() as s:
        ann, bob, cat = people(s, "UANN", "UBOB", "UCAT")
        service.set_line(s, "T1", manager=ann, report=bob, now=T0)
        service.set_line(s, "T1", manager=ann, report=cat, now=T0)
    with pytest.raises(OrgError, match="neither your manager"), org.begin() as s:
        service.remove_line(s, "T1", actor_id="UDAN", other_id="UBOB")
    with org.begin() as s:
        service.remove_line(s, "T1", actor_id="UANN", other_id="UBOB")  # manager ends it
        service.remove_line(s, "T1", actor_id="UCAT", other_id="UANN")  # report ends it
    with org.begin() as s:
        assert service.report_ids_of(s, "T1", "UANN") == []


def test_workspaces_never_see_each_other(org) -> None:
    """The same user ids in another workspace are other people."""
    with org.begin() as s:
        other_ann = person(s, "UANN", team_id="T2")
        other_bob = person(s, "UBOB", team_id="T2")
        ann, bob = people(s, "UANN", "UBOB")
        service.set_line(s, "T1", manager=ann, report=bob, now=T0)
        proposal = service.propose(s, "T2", proposer=other_bob, manager=other_ann,
                                   report=other_bob, now=T0)
    with org.begin() as s:
        assert service.snapshot(s, "T2", "UANN").report_ids == []
        assert [p.id for p in service.snapshot(s, "T1", "UANN").to_confirm] == []
        with pytest.raises(OrgError):
            service.decide(s, "T1", proposal.id, actor_id="UANN", confirm=True, now=T0)
        assert service.get_proposal(s, "T1", proposal.id) is None


def test_managers_lists_people_with_reports_and_their_own_manager(org) -> None:
    with org.begin() as s:
        ann, bob, cat, dan = people(s, "UANN", "UBOB", "UCAT", "UDAN")
        service.set_line(s, "T1", manager=ann, report=bob, now=T0)
        service.set_line(s, "T1", manager=ann, report=cat, now=T0)
        service.set_line(s, "T1", manager=dan, report=ann, now=T0)
        person(s, "UANN", team_id="T2")  # the same id in another workspace manages nobody
    with org.begin() as s:
        rows = service.managers(s)
    assert [(r.team_id, r.manager_id, r.boss_id) for r in rows] == [
        ("T1", "UANN", "UDAN"), ("T1", "UDAN", None)]
    assert rows[0].tz == "America/New_York"
