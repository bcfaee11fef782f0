"""The authorization model: every action, asked by everyone in a small org and by the same
user ids in another workspace (bot/org/access.py)."""

from __future__ import annotations

import pytest

from bot.org import access
from bot.org.access import Action, Record
from bot.org.service import set_line
from tests.factories import T0, person

# boss -> ann, dan; ann -> bob; dan -> cat; adm is a workspace admin. Records are ann's or
# bob's; "party" is the person named on the record (shared with, asked by, proposed to).
EVERYONE = ("UBOSS", "UANN", "UDAN", "UBOB", "UCAT", "UADM")

# (action, owner, party, who may) — written out by hand, not derived from access.POLICY
EXPECTED: list[tuple[Action, str, str | None, set[str]]] = [
    (Action.CAREER_PLAN_READ, "UANN", None, {"UANN"}),
    (Action.CAREER_PLAN_READ, "UANN", "UBOSS", {"UANN", "UBOSS"}),
    (Action.CAREER_PLAN_READ, "UANN", "UDAN", {"UANN"}),  # shared with someone no longer boss
    (Action.CAREER_PLAN_EDIT, "UANN", "UBOSS", {"UANN"}),
    (Action.CAREER_PLAN_RESPOND, "UANN", "UBOSS", {"UBOSS"}),
    (Action.CAREER_PLAN_RESPOND, "UANN", None, set()),
    (Action.ANSWER_READ, "UBOB", "UANN", {"UBOB", "UANN"}),  # not the skip-level boss
    (Action.ANSWER_WRITE, "UBOB", "UANN", {"UBOB"}),
    (Action.COMMITMENT_WRITE, "UBOB", "UANN", {"UANN"}),
    (Action.DEV_PLAN_READ, "UBOB", None, {"UBOB", "UANN"}),
    (Action.DEV_PLAN_WRITE, "UBOB", None, {"UANN"}),
    (Action.SALES_REPORT_READ, "UANN", None, {"UANN", "UBOSS"}),
    (Action.CONTRIBUTION_PLAN_READ, "UANN", "UBOSS", {"UANN", "UBOSS"}),
    (Action.CONTRIBUTION_PLAN_ANSWER, "UANN", "UBOSS", {"UBOSS"}),
    (Action.CONTRIBUTION_PLAN_ANSWER, "UANN", "UDAN", set()),  # proposed to a former boss
    (Action.DEBRIEF_OPEN, "UANN", None, {"UANN", "UBOSS"}),
    (Action.DEBRIEF_READ, "UANN", "UBOSS", {"UANN", "UBOSS"}),
    (Action.TALK_EDIT, "UANN", None, {"UANN"}),
    (Action.WORKSPACE_ADMIN, "", None, {"UADM"}),
]


@pytest.fixture
def org(sessions):
    with sessions.begin() as s:
        for team in ("T1", "T2"):
            people = {u: person(s, u, team_id=team, is_admin=u == "UADM") for u in EVERYONE}
            if team == "T1":  # in T2 the same ids have no lines at all
                for manager, report in (("UBOSS", "UANN"), ("UBOSS", "UDAN"), ("UANN", "UBOB"),
                                        ("UDAN", "UCAT")):
                    set_line(s, team, manager=people[manager], report=people[report], now=T0)
    return sessions


def test_every_action_is_in_the_policy_and_in_this_table() -> None:
    assert set(access.POLICY) == set(Action)
    assert {action for action, *_ in EXPECTED} == set(Action)


@pytest.mark.parametrize("action, owner, party, may", EXPECTED,
                         ids=[f"{a.value}-{o}-{p}" for a, o, p, _ in EXPECTED])
def test_who_may(org, action: Action, owner: str, party: str | None, may: set[str]) -> None:
    with org() as s:
        record = Record("T1", owner, party)
        assert {u for u in EVERYONE if access.allowed(s, u, action, record)} == may
        foreign = Record("T2", owner, party)  # same ids in another workspace: no lines there
        allowed_there = {u for u in EVERYONE if access.allowed(s, u, action, foreign)}
        if action != Action.WORKSPACE_ADMIN:  # no right through a line of another workspace
            assert allowed_there <= may & {owner, party}


def test_nobody_may_act_on_a_missing_record_or_as_nobody(org) -> None:
    with org() as s:
        for action in Action:
            assert not access.allowed(s, "UANN", action, None)
            assert not access.allowed(s, "", action, Record("T1", "", None))


def test_require_raises_the_practice_error_with_its_message(org) -> None:
    class Refused(access.Denied):
        pass

    with org() as s, pytest.raises(Refused, match="private"):
        access.require(s, "UDAN", Action.DEV_PLAN_READ, Record("T1", "UBOB"),
                       message="private", error=Refused)
    with org() as s:
        access.require(s, "UANN", Action.DEV_PLAN_READ, Record("T1", "UBOB"), message="x")


def test_a_deactivated_admin_is_no_admin(org) -> None:
    from bot.org.models import Person

    with org.begin() as s:
        s.get_one(Person, ("T1", "UADM")).deleted = True
    with org() as s:
        assert not access.is_admin(s, "T1", "UADM")
        assert access.is_admin(s, "T2", "UADM")
