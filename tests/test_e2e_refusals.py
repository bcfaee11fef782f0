"""Every guarded action of every practice, tried by each person who must be refused, against
the live app: the refusal is told, nothing private reaches them, nothing in the database moves.

The org (workspace T0001): the boss manages ann and dan; ann manages bob; dan manages cat.
Ann's career plan is shared with the boss; bob was asked the Monday question and answered;
ann committed to something; bob has a development plan; ann has a contribution plan proposed
to the boss, a sales report and a debrief. Workspace T0002 has people with the same user ids.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import MetaData, create_engine, select
from sqlalchemy.orm import sessionmaker

from bot.core.db import make_sessions
from bot.lead_down import devplan
from bot.lead_down import service as checkins
from bot.lead_up import debrief, plan, reports
from bot.lead_yourself import service as career
from bot.org.models import Person
from bot.org.people import ensure_workspace
from bot.org.service import set_line
from bot.testing import SlackClient
from bot.testing.blocks import block_texts
from tests.e2e import SECRET, Live, live  # noqa: F401
from tests.factories import T0

# SQLite only: the decisions are the same on PostgreSQL (tests/test_access.py runs there)
pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)]

SECRETS = {
    "career": "SECRET-CAREER-why-I-sell",
    "answer": "SECRET-ANSWER-more-leads",
    "commitment": "SECRET-COMMIT-intro-call",
    "devplan": "SECRET-DEVPLAN-negotiation",
    "report": reports.fmt(81234),
    "contribution": "SECRET-CONTRIB-grow-emea",
    "debrief": "SECRET-DEBRIEF-pipeline-hygiene",
}
SKIP_TABLES = {"people", "workspaces", "processed_events", "alembic_version"}
REFUSED = ("private", "only", "does not report", "admins", "not yours", "belongs to")


@dataclass
class World:
    career_plan: int
    career_action: int
    question: int
    commitment: int
    dev_plan: int
    contribution_plan: int
    debrief: int


def seed(sessions: sessionmaker) -> World:
    """The org and one private record of each kind, written through the services."""
    today = T0.date()
    with sessions.begin() as s:
        ensure_workspace(s, "T0001", now=T0)
        people = {}
        for user_id, tz in (("UBOSS", "America/Chicago"), ("UANN", "America/New_York"),
                            ("UDAN", "America/Los_Angeles"), ("UBOB", "Europe/Paris"),
                            ("UCAT", "Asia/Tokyo"), ("UADMIN", "UTC")):
            people[user_id] = Person(team_id="T0001", user_id=user_id, name=user_id[1:].lower(),
                                     tz=tz, is_admin=user_id == "UADMIN", refreshed_at=T0)
            s.add(people[user_id])
        s.flush()
        for manager, report in (("UBOSS", "UANN"), ("UBOSS", "UDAN"), ("UANN", "UBOB"),
                                ("UDAN", "UCAT")):
            set_line(s, "T0001", manager=people[manager], report=people[report], now=T0)
        draft = career.PlanDraft(why=SECRETS["career"], motivates="m", energy="e", impact="i",
                                 aspirations={1: "a1", 3: "a3", 5: "a5"},
                                 actions=[career.ActionDraft(horizon=1, what="Lead EMEA",
                                                             due=today + timedelta(days=40))])
        career.save_plan(s, "T0001", "UANN", draft, T0)
        cplan = career.get_plan(s, "T0001", "UANN")
        career.share(cplan, "UBOSS", T0)
        s.flush()
        question = checkins.record_question(
            s, checkins.DueQuestion("T0001", "UBOB", "UANN", "2026-W49"), T0)
        checkins.add_part(s, question, "1.1", SECRETS["answer"], T0)
        commitment = checkins.commit(s, "T0001", question.id, "UANN", SECRETS["commitment"],
                                     today + timedelta(days=7), today, T0)
        dplan = devplan.save(s, "T0001", "UBOB", devplan.PlanDraft(
            skills=[devplan.SkillDraft(SECRETS["devplan"], "2", "4")],
            actions=[devplan.ActionDraft("Course", due=today + timedelta(days=30))]), T0)
        cont, _ = plan.save(s, "T0001", "UANN", [plan.Goal(SECRETS["contribution"], "b", "m")], T0)
        reports.store(s, "T0001", "UANN", reports.Figures("2026-11", 81234, 100000, 300), T0,
                      source="crm")
        row = debrief.ensure(s, "T0001", "UANN", "2026-11", T0)
        debrief.record(s, row, "UANN", {"going_well": SECRETS["debrief"]}, [], [], T0)
        return World(career_plan=cplan.id, career_action=cplan.actions[0].id,
                     question=question.id, commitment=commitment.id, dev_plan=dplan.id,
                     contribution_plan=cont.id, debrief=row.id)


def table_rows(url: str) -> dict[str, list[tuple]]:
    """Every row of every table the refusals must not touch."""
    engine = create_engine(url)
    try:
        meta = MetaData()
        meta.reflect(engine)
        with engine.connect() as connection:
            return {name: sorted(map(tuple, connection.execute(select(table))), key=repr)
                    for name, table in meta.tables.items() if name not in SKIP_TABLES}
    finally:
        engine.dispose()


def seen_by(app: Live, user: str, response_url: str | None) -> str:
    """Everything the bot has shown `user`: DMs, ephemerals, answers, modals and App Home."""
    parts = [json.dumps(m) for m in app.emu.dm_messages(user)]
    parts += [json.dumps(m) for m in app.emu.ephemerals(user)]
    if response_url:
        parts += [json.dumps(m) for m in app.emu.responses(response_url)]
    parts += [json.dumps(v) for v in app.emu.open_views(user)]
    parts.append(json.dumps(app.emu.home(user) or {}))
    return "\n".join(parts)


Probe = Callable[[SlackClient, str, World], object]


def command(name: str, text: str) -> Probe:
    return lambda slack, user, _: slack.command(name, text, user=user)


def click(action_id: str, value: Callable[[World], object]) -> Probe:
    return lambda slack, user, w: slack.forge_action(user, action_id, str(value(w)))


def submit(callback_id: str, metadata: Callable[[World], str], values: dict) -> Probe:
    return lambda slack, user, w: slack.forge_submission(user, callback_id, metadata(w), values)


def text_value(block: str, action: str, value: str = "hostile edit") -> dict:
    return {block: {action: {"type": "plain_text_input", "value": value}}}


FOREIGN = "T0002"  # the same user ids, another workspace
# (what is tried, how, who must be refused; "T0002:Uxx" is Uxx of the other workspace)
CASES: list[tuple[str, Probe, tuple[str, ...]]] = [
    ("career plan: acknowledge", click("career.acknowledge", lambda w: w.career_plan),
     ("UANN", "UDAN", "UBOB", "UCAT", "T0002:UBOSS")),
    ("career plan: reply modal", click("career.reply", lambda w: w.career_plan),
     ("UANN", "UDAN", "UBOB", "T0002:UBOSS")),
    ("career plan: feedback modal", click("career.give_feedback", lambda w: w.career_plan),
     ("UDAN", "UBOB", "UADMIN", "T0002:UBOSS")),
    ("career plan: reply submission",
     submit("career.reply", lambda w: str(w.career_plan), text_value("career.text", "career.text")),
     ("UANN", "UDAN", "UBOB", "T0002:UBOSS")),
    ("career plan: feedback submission",
     submit("career.feedback", lambda w: str(w.career_plan),
            text_value("career.text", "career.text")),
     ("UDAN", "UCAT", "T0002:UBOSS")),
    ("career plan: ask for feedback", click("career.ask_feedback", lambda w: w.career_plan),
     ("UBOSS", "UDAN", "T0002:UANN")),
    ("career action: done", click("career.mark_done", lambda w: w.career_action),
     ("UBOSS", "UDAN", "UBOB", "T0002:UANN")),
    ("career action: snooze", click("career.snooze", lambda w: w.career_action),
     ("UBOSS", "UDAN", "T0002:UANN")),
    ("career action: reschedule", click("career.reschedule", lambda w: w.career_action),
     ("UBOSS", "UDAN", "T0002:UANN")),
    ("monday answer: answer modal", click("down.answer", lambda w: w.question),
     ("UANN", "UDAN", "UCAT", "UBOSS", "T0002:UBOB")),
    ("monday answer: answer submission",
     submit("down.answer", lambda w: str(w.question), text_value("down.text", "down.text")),
     ("UANN", "UDAN", "UCAT", "UBOSS", "T0002:UBOB")),
    ("monday answer: commit modal", click("down.commit", lambda w: w.question),
     ("UBOB", "UDAN", "UBOSS", "T0002:UANN")),
    ("monday answer: commit submission",
     submit("down.commit", lambda w: str(w.question),
            {**text_value("down.text", "down.text"),
             "down.due": {"down.due": {"type": "datepicker", "selected_date": "2026-12-30"}}}),
     ("UBOB", "UDAN", "UBOSS", "T0002:UANN")),
    ("commitment: done", click("down.commitment_done", lambda w: w.commitment),
     ("UBOB", "UDAN", "UBOSS", "T0002:UANN")),
    ("dev plan: /devplan @report", command("/devplan", "<@UBOB>"),
     ("UBOB", "UDAN", "UBOSS", "UCAT", "T0002:UANN")),
    ("dev plan: edit button", click("dev.edit", lambda w: "UBOB"),
     ("UBOB", "UDAN", "UBOSS", "T0002:UANN")),
    ("dev plan: plan submission",
     submit("dev.plan", lambda w: json.dumps({"report": "UBOB", "actions": []}),
            text_value("dev.notes", "dev.notes")),
     ("UBOB", "UDAN", "UBOSS", "T0002:UANN")),
    ("dev plan: review modal", click("dev.review", lambda w: w.dev_plan),
     ("UBOB", "UDAN", "UBOSS", "T0002:UANN")),
    ("dev plan: review submission", submit("dev.review", lambda w: str(w.dev_plan), {}),
     ("UBOB", "UDAN", "UBOSS", "T0002:UANN")),
    ("dev plan: comment modal", click("dev.comment", lambda w: w.dev_plan),
     ("UDAN", "UCAT", "UBOSS", "T0002:UBOB")),
    ("dev plan: comment submission",
     submit("dev.comment", lambda w: str(w.dev_plan), text_value("down.text", "down.text")),
     ("UDAN", "UCAT", "UBOSS", "T0002:UBOB")),
    ("sales report: history of another", command("/salesreport", "history <@UANN>"),
     ("UDAN", "UBOB", "UCAT", "T0002:UBOSS")),
    ("contribution plan: agree", click("up.agree_plan", lambda w: w.contribution_plan),
     ("UANN", "UDAN", "UBOB", "T0002:UBOSS")),
    ("contribution plan: suggest modal",
     click("up.suggest_changes", lambda w: w.contribution_plan),
     ("UANN", "UDAN", "T0002:UBOSS")),
    ("contribution plan: suggestion submission",
     submit("up.suggestion", lambda w: str(w.contribution_plan),
            text_value("up.suggestion", "up.text")),
     ("UANN", "UDAN", "T0002:UBOSS")),
    ("debrief: /debrief @manager", command("/debrief", "<@UANN>"),
     ("UDAN", "UBOB", "UCAT", "T0002:UBOSS")),
    ("debrief: history of another", command("/debrief", "history <@UANN>"),
     ("UDAN", "UBOB", "T0002:UBOSS")),
    ("debrief: record button", click("up.record_debrief", lambda w: w.debrief),
     ("UDAN", "UBOB", "UCAT", "T0002:UBOSS", "T0002:UANN")),
    ("debrief: record submission",
     submit("up.debrief", lambda w: json.dumps({"debrief": w.debrief, "actions": []}),
            text_value("up.going_well", "up.text")),
     ("UDAN", "UBOB", "T0002:UANN")),
    ("workspace: holidays", command("/team", "holidays add 2026-12-24"),
     ("UANN", "UBOSS", "T0002:UANN")),
    ("workspace: set others' lines", command("/team", "set <@UDAN> <@UBOB>"),
     ("UANN", "UBOSS", "T0002:UANN")),
    ("workspace: home-office departments", command("/debrief", "departments"),
     ("UANN", "UBOSS", "T0002:UANN")),
    ("app home", lambda slack, user, _: slack.open_home(user),
     ("UDAN", "UCAT", "T0002:UANN", "T0002:UBOSS", "T0002:UBOB")),
]


def refusal_text(app: Live, response, user: str) -> str:
    """What the bot answered: the HTTP body, the ephemeral answers and any new DM."""
    parts = [response.text or ""]
    url = getattr(response, "response_url", None)
    if url:
        parts += [m.get("text", "") + block_texts(m.get("blocks") or [])
                  for m in app.emu.responses(url)]
    parts += [m.get("text", "") for m in app.emu.dm_messages(user)]
    parts += [json.dumps(v) for v in app.emu.open_views(user)]
    return "\n".join(parts)


@pytest.fixture
def world(live: Live, database_url: str) -> World:  # noqa: F811
    sessions = make_sessions(create_engine(database_url))
    try:
        return seed(sessions)
    finally:
        sessions.kw["bind"].dispose()


@pytest.mark.parametrize("what, probe, refused", CASES, ids=[c[0] for c in CASES])
def test_refused(live: Live, world: World, database_url: str, what: str,  # noqa: F811
                 probe: Probe, refused: tuple[str, ...]) -> None:
    before = table_rows(database_url)
    foreign = SlackClient(live.bot.events_url, SECRET, live.emu, team_id=FOREIGN)
    for who in refused:
        team, _, user = who.rpartition(":")
        slack = foreign if team == FOREIGN else live.slack
        response = probe(slack, user, world)
        assert response.status == 200, (what, who, response.status, response.text)
        if what != "app home":  # App Home shows the viewer's own things: nothing to refuse
            answer = live.emu.wait_for(
                lambda r=response, u=user: (lambda t: t if any(w in t.lower() for w in REFUSED)
                                            else None)(refusal_text(live, r, u)), 10)
            assert answer, (what, who)
        else:
            live.emu.wait_for(lambda u=user: live.emu.home(u), 10)
        shown = seen_by(live, user, getattr(response, "response_url", None))
        leaked = [k for k, secret in SECRETS.items() if secret in shown]
        assert not leaked, f"{what}: {who} was shown {leaked}"
        assert table_rows(database_url) == before, f"{what}: {who} changed the database"


def test_the_allowed_people_do_see_it(live: Live, world: World) -> None:  # noqa: F811
    """The control: the same probes work for the people they are for, so the refusals above
    are refusals, not broken requests."""
    live.slack.forge_action("UBOSS", "career.reply", str(world.career_plan))
    modal = live.emu.wait_for(lambda: live.emu.open_views("UBOSS"), 10)
    assert modal and modal[-1]["callback_id"] == "career.reply"
    live.slack.forge_action("UBOB", "down.answer", str(world.question))
    modal = live.emu.wait_for(lambda: live.emu.open_views("UBOB"), 10)
    assert SECRETS["answer"] in json.dumps(modal[-1])
    assert SECRETS["report"] in live.reply("UBOSS", "/salesreport", "history <@UANN>")
    live.slack.forge_action("UANN", "dev.review", str(world.dev_plan))
    modal = live.emu.wait_for(lambda: live.emu.open_views("UANN"), 10)
    assert modal[-1]["callback_id"] == "dev.review"
    assert "24 Dec 2026" in live.reply("UADMIN", "/team", "holidays add 2026-12-24")


def test_metrics_api_refuses_other_workspaces_and_bad_tokens(live: Live, world: World,  # noqa: F811
                                                             database_url: str) -> None:
    """The CRM endpoint writes only into the workspace of its token."""
    from bot.lead_up.api import create_token
    from tests.test_e2e_metrics_api import post

    sessions = make_sessions(create_engine(database_url))
    foreign_token = create_token(sessions, FOREIGN, T0)
    sessions.kw["bind"].dispose()
    before = table_rows(database_url)
    figures = {"manager": "UANN", "period": "2026-11", "sales": 1, "target": 2, "pipeline": 3}
    for token in (None, "", "lw_not-a-token", foreign_token + "x"):
        status, _ = post(live, figures, token)
        assert status == 401
    assert table_rows(database_url) == before
    status, _ = post(live, figures, foreign_token)  # a real token of the other workspace
    after = table_rows(database_url)
    theirs = [r for r in after["metric_reports"] if FOREIGN in r]
    assert [r for r in after["metric_reports"] if "T0001" in r] == \
        [r for r in before["metric_reports"] if "T0001" in r]  # ann's own figures untouched
    assert status == 200 and len(theirs) == 1  # written to that workspace only
