"""`bot data export|delete`: one person's records, and nothing of anyone else's (GDPR)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import Column, String, select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql.visitors import iterate

from bot.core.db import Base, import_models
from bot.core.models import Delivery
from bot.lead_down.models import (
    AnswerPart,
    Away,
    CheckinSettings,
    Commitment,
    DevAction,
    DevComment,
    DevPlan,
    DevReview,
    DevSkill,
    Holiday,
    Question,
)
from bot.lead_up.models import (
    ApiToken,
    ContributionPlan,
    Debrief,
    DebriefAction,
    DebriefVersion,
    Department,
    HomeOfficeTalk,
    LeadUpSettings,
    MetricReport,
)
from bot.lead_yourself.models import CareerPlan, PlanAction, PlanFeedback, PlanVersion
from bot.org.models import Proposal, ReportingLine
from bot.personal_data import (
    NAMED,
    NOT_PERSONAL,
    OWNED,
    PersonalDataError,
    classified_tables,
    delete_user,
    export_user,
    plan_deletion,
)
from tests.factories import T0, person

DAY = date(2026, 12, 15)


def career(session: Session, team: str, owner: str, shared_with: str | None) -> CareerPlan:
    plan = CareerPlan(team_id=team, owner_id=owner, why=f"why-{owner}-{team}",
                      aspiration_1=f"aspire-{owner}-{team}", shared_with=shared_with,
                      created_at=T0, updated_at=T0)
    session.add(plan)
    session.flush()
    session.add_all([
        PlanAction(plan_id=plan.id, horizon=1, what=f"act-{owner}-{team}", due=DAY, created_at=T0),
        PlanVersion(plan_id=plan.id, version=1, saved_at=T0, content=f"ver-{owner}-{team}")])
    return plan


def question(session: Session, team: str, report: str, manager: str) -> Question:
    row = Question(team_id=team, report_id=report, manager_id=manager, week="2026-W49",
                   asked_at=T0)
    session.add(row)
    session.flush()
    session.add_all([
        AnswerPart(question_id=row.id, source_ts="1.1", text=f"answer-{report}-{team}",
                   created_at=T0),
        Commitment(question_id=row.id, text=f"promise-to-{report}-{team}", due=DAY,
                   created_at=T0)])
    return row


def devplan(session: Session, team: str, report: str, manager: str) -> DevPlan:
    plan = DevPlan(team_id=team, report_id=report, notes=f"devnotes-{report}-{team}",
                   created_at=T0, updated_at=T0)
    session.add(plan)
    session.flush()
    session.add_all([
        DevSkill(plan_id=plan.id, name=f"skill-{report}-{team}"),
        DevAction(plan_id=plan.id, kind="training", what=f"train-{report}-{team}", due=DAY),
        DevReview(plan_id=plan.id, reviewer_id=manager, reviewed_at=T0,
                  summary=f"review-{report}-{team}"),
        DevComment(plan_id=plan.id, author_id=report, text=f"comment-{report}-{team}",
                   created_at=T0),
        DevComment(plan_id=plan.id, author_id=manager, text=f"mgrnote-{report}-{team}",
                   created_at=T0)])
    return plan


def populate(session: Session) -> None:
    """T1: UBOSS ← UANN ← (UBOB, UCAT); every table holds rows. T2: another UBOB."""
    for user in ("UANN", "UBOB", "UCAT", "UBOSS"):
        person(session, user)
    session.add_all([
        ReportingLine(team_id="T1", report_id=r, manager_id=m, created_at=T0)
        for r, m in (("UBOB", "UANN"), ("UCAT", "UANN"), ("UANN", "UBOSS"))])
    session.add_all([
        Proposal(team_id="T1", manager_id="UANN", report_id=r, proposer_id="UANN",
                 confirmer_id=r, status="confirmed", created_at=T0) for r in ("UBOB", "UCAT")])
    bob_plan = career(session, "T1", "UBOB", "UANN")
    ann_plan = career(session, "T1", "UANN", "UBOSS")
    career(session, "T1", "UCAT", "UANN")
    session.add_all([
        PlanFeedback(plan_id=bob_plan.id, author_id="UANN", kind="reply",
                     text="feedback-UBOB-T1", created_at=T0),
        PlanFeedback(plan_id=ann_plan.id, author_id="UBOB", kind="feedback",
                     text="bobwrote-UBOB-T1", created_at=T0),
        PlanFeedback(plan_id=ann_plan.id, author_id="UBOSS", kind="feedback",
                     text="bosswrote-UANN-T1", created_at=T0),
        CheckinSettings(team_id="T1", manager_id="UANN", hour=8),
        Away(team_id="T1", user_id="UBOB", until=DAY),
        Away(team_id="T1", user_id="UCAT", until=DAY),
        Holiday(team_id="T1", day=DAY)])
    question(session, "T1", "UBOB", "UANN")
    question(session, "T1", "UCAT", "UANN")
    devplan(session, "T1", "UBOB", "UANN")
    devplan(session, "T1", "UCAT", "UANN")
    session.add_all([
        LeadUpSettings(team_id="T1", manager_id="UANN"),
        MetricReport(team_id="T1", manager_id="UANN", period="2026-11", sales=1, target=2,
                     pipeline=3, explanation="explain-UANN-T1", boss_id="UBOSS",
                     created_at=T0, updated_at=T0),
        ContributionPlan(team_id="T1", manager_id="UANN", boss_id="UBOSS",
                         goals='["goal-UANN-T1"]', proposed_at=T0),
        Department(team_id="T1", name="HR", contact_id="UBOB"),
        HomeOfficeTalk(team_id="T1", manager_id="UANN", department="HR", day=DAY,
                       quarter="2026-Q4", thanked="thanks-UANN-T1", created_at=T0),
        ApiToken(team_id="T1", token_hash="f" * 64, created_at=T0),
        Delivery(team_id="T1", recipient="UBOB", kind="down.question", period="2026-W49",
                 ref="UANN", status="sent", created_at=T0),
        Delivery(team_id="T1", recipient="UANN", kind="down.digest", period="2026-W49",
                 status="sent", created_at=T0)])
    debrief = Debrief(team_id="T1", manager_id="UANN", boss_id="UBOSS", month="2026-12",
                      going_well="well-UANN-T1", recorded_by="UBOSS", created_at=T0)
    session.add(debrief)
    session.flush()
    session.add_all([
        DebriefVersion(debrief_id=debrief.id, version=1, saved_by="UBOSS", saved_at=T0,
                       content="debrief-UANN-T1"),
        DebriefAction(debrief_id=debrief.id, owner_id="UBOB", what="debriefaction-UANN-T1",
                      due=DAY, created_at=T0)])
    person(session, "UBOB", team_id="T2")
    person(session, "UZED", team_id="T2")
    session.add(ReportingLine(team_id="T2", report_id="UBOB", manager_id="UZED", created_at=T0))
    career(session, "T2", "UBOB", "UZED")
    question(session, "T2", "UBOB", "UZED")


@pytest.fixture
def filled(sessions: sessionmaker) -> sessionmaker:
    with sessions.begin() as session:
        populate(session)
    return sessions


def dump(sessions: sessionmaker) -> list[tuple[str, dict]]:
    """Every row of every table, as (table, {column: value})."""
    with sessions.begin() as session:
        return [(table.name, dict(row._mapping))
                for table in Base.metadata.sorted_tables
                for row in session.execute(select(table))]


def test_every_table_is_classified() -> None:
    import_models()
    assert set(Base.metadata.tables) - classified_tables() == set(), (
        "add new tables to bot/personal_data.py (OWNED, NAMED or NOT_PERSONAL)")


def test_export_holds_the_persons_records_and_nothing_of_anyone_else(filled) -> None:
    with filled.begin() as session:
        data = export_user(session, "T1", "UBOB")
    text = json.dumps(data)
    records = data["records"]
    assert [p["user_id"] for p in records["people"]] == ["UBOB"]
    assert {(r["report_id"], r["manager_id"]) for r in records["reporting_lines"]} == {
        ("UBOB", "UANN")}
    for marker in ("why-UBOB-T1", "act-UBOB-T1", "ver-UBOB-T1", "feedback-UBOB-T1",
                   "bobwrote-UBOB-T1", "answer-UBOB-T1", "promise-to-UBOB-T1",
                   "devnotes-UBOB-T1", "skill-UBOB-T1", "train-UBOB-T1", "review-UBOB-T1",
                   "comment-UBOB-T1", "mgrnote-UBOB-T1"):
        assert marker in text, marker
    for table in ("away", "deliveries", "proposals", "questions", "dev_plans", "plan_feedback"):
        assert records[table], table
    for foreign in ("UCAT-T1", "UANN-T1", "-T2", "f" * 64):
        assert foreign not in text, foreign
    assert "api_tokens" not in records and "holidays" not in records
    named = json.loads(json.dumps(data["named_in"]))
    assert {(n["table"], n["as"]) for n in named} == {
        ("debrief_actions", "owner_id"), ("home_office_departments", "contact_id")}
    assert {"table": "home_office_departments", "id": ["T1", "HR"], "as": "contact_id"} in named


def test_export_of_the_manager_names_the_reports_answers_only_by_reference(filled) -> None:
    with filled.begin() as session:
        data = export_user(session, "T1", "UANN")
    text = json.dumps(data)
    assert "answer-UBOB-T1" not in text and "why-UBOB-T1" not in text
    assert "explain-UANN-T1" in text and "debriefaction-UANN-T1" in text
    named = {(n["table"], n["as"]) for n in data["named_in"]}
    assert {("questions", "manager_id"), ("career_plans", "shared_with"),
            ("dev_reviews", "reviewer_id")} <= named


def test_delete_removes_the_person_and_leaves_everyone_else(filled) -> None:
    before = dump(filled)
    with filled.begin() as session:
        planned = plan_deletion(session, "T1", "UBOB")
    assert dump(filled) == before  # planning changes nothing
    with filled.begin() as session:
        counts = delete_user(session, "T1", "UBOB")
    assert counts == planned
    assert counts["people"] == 1 and counts["questions"] == 1 and counts["dev_comments"] == 2
    after = dump(filled)
    named_bob = [(t, k) for t, row in after for k, v in row.items() if v == "UBOB"]
    assert sorted(named_bob) == [("career_plans", "owner_id"), ("people", "user_id"),
                                 ("questions", "report_id"), ("reporting_lines", "report_id")]
    assert all(row.get("team_id") == "T2" for t, row in after if "UBOB" in row.values())
    texts = " ".join(str(v) for _, row in after for v in row.values())
    assert "UBOB-T1" not in texts
    for kept in ("why-UCAT-T1", "answer-UCAT-T1", "why-UANN-T1", "bosswrote-UANN-T1",
                 "explain-UANN-T1", "debriefaction-UANN-T1", "answer-UBOB-T2", "why-UBOB-T2"):
        assert kept in texts, kept
    removed = sum(counts.values())
    changed = len(before) - len(after)
    assert changed < removed  # the named rows were kept, only cleared
    with filled.begin() as session:
        assert session.get(Department, ("T1", "HR")).contact_id is None
        assert session.scalar(select(DebriefAction.owner_id)) == ""
        assert session.scalar(select(ApiToken.token_hash)) == "f" * 64


def test_deleting_the_manager_keeps_the_reports_answers(filled) -> None:
    with filled.begin() as session:
        delete_user(session, "T1", "UANN")
    with filled.begin() as session:
        questions = session.scalars(select(Question).where(Question.team_id == "T1")).all()
        assert {q.report_id for q in questions} == {"UBOB", "UCAT"}
        assert {q.manager_id for q in questions} == {""}
        assert session.scalars(select(AnswerPart.text)).all()
        assert session.scalar(select(CareerPlan.shared_with).where(
            CareerPlan.owner_id == "UBOB", CareerPlan.team_id == "T1")) is None
        assert not session.scalars(select(ReportingLine).where(
            ReportingLine.team_id == "T1", ReportingLine.manager_id == "UANN")).all()


@pytest.mark.parametrize(("team", "user"), [("T1", "bob"), ("T1", "UBOB' OR 1=1"),
                                            ("x", "UBOB"), ("T1", "")])
def test_malformed_ids_are_refused(sessions, team, user) -> None:
    with sessions.begin() as session, pytest.raises(PersonalDataError):
        export_user(session, team, user)


def test_no_user_column_is_left_unchecked() -> None:
    """Every column of a personal table that holds a user id is in a condition of OWNED or is
    a NAMED column: a new one must be added to bot/personal_data.py."""
    import_models()
    checked = {f"{c.table.name}.{c.name}" for owned in OWNED
               for c in iterate(owned.where("T1", "U1")) if isinstance(c, Column)}
    checked |= {f"{n.column.class_.__tablename__}.{n.column.key}" for n in NAMED}
    user_columns = {f"{t.name}.{c.name}" for t in Base.metadata.sorted_tables for c in t.columns
                    if isinstance(c.type, String) and t.name not in NOT_PERSONAL
                    and c.name != "team_id"
                    and (c.name.endswith(("_id", "_with", "_by")) or c.name == "recipient")}
    assert user_columns - checked == set()
