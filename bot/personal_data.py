"""One person's records in one workspace: export them (a data access request) or delete them.

Every table of every practice is classified here. A person's own rows (their profile,
reporting lines, plans, answers, reports, words they wrote on others' records) are exported
whole and deleted. Rows of other people that merely name them (a plan shared with them, the
boss of a report, the contact of a department) are exported as references only (table, id and
column: never another person's words) and the name is cleared. Workspace-wide rows and secrets
(API token hashes, installation tokens) are never exported.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, delete, or_, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from bot.core.db import Base
from bot.core.mentions import USER_ID
from bot.core.models import Delivery, Workspace
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
    Question,
)
from bot.lead_up.models import (
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
from bot.org.models import Person, Proposal, ReportingLine

FORMAT = "leadwell-personal-data/1"
IDS = {"user": (USER_ID, "a Slack user id (U… or W…)"),
       "team": (re.compile(r"[TE][A-Z0-9]{1,31}"), "a Slack workspace id (T… or E…)")}
# Tables never exported: workspace settings, event ids, and secrets (the API token's hash, the
# OAuth installations with their encrypted tokens, which uninstalling deletes).
NOT_PERSONAL = frozenset({"workspaces", "processed_events", "holidays", "api_tokens",
                          "alembic_version", "slack_installations", "slack_bots",
                          "slack_oauth_states"})

Where = Callable[[str, str], ColumnElement[bool]]


@dataclass(frozen=True)
class Owned:
    """Rows that are the person's own: exported whole, deleted."""

    model: type[Base]
    where: Where


@dataclass(frozen=True)
class Named:
    """Rows of others that name the person in `column`: exported as references, then cleared."""

    column: InstrumentedAttribute[Any]
    team: Callable[[str], ColumnElement[bool]]
    cleared: str | None = None  # None, or "" for columns that can't be NULL


def _in(column: InstrumentedAttribute[Any], parent: InstrumentedAttribute[Any],
        where: Where) -> Where:
    """Child rows whose `column` points at a parent row (`parent`) matching `where`."""
    return lambda t, u: column.in_(select(parent).where(where(t, u)))


def _career(t: str, u: str) -> ColumnElement[bool]:
    return (CareerPlan.team_id == t) & (CareerPlan.owner_id == u)


def _answers(t: str, u: str) -> ColumnElement[bool]:
    return (Question.team_id == t) & (Question.report_id == u)


def _devplan(t: str, u: str) -> ColumnElement[bool]:
    return (DevPlan.team_id == t) & (DevPlan.report_id == u)


def _debrief(t: str, u: str) -> ColumnElement[bool]:
    return (Debrief.team_id == t) & (Debrief.manager_id == u)


def _team_plans(t: str) -> ColumnElement[bool]:
    return PlanFeedback.plan_id.in_(select(CareerPlan.id).where(CareerPlan.team_id == t))


def _team_devplans(t: str) -> ColumnElement[bool]:
    return DevComment.plan_id.in_(select(DevPlan.id).where(DevPlan.team_id == t))


def _manager(model: Any) -> Where:
    return lambda t, u: (model.team_id == t) & (model.manager_id == u)


# Children before their parents, so each count is exact and no cascade is relied on.
OWNED: tuple[Owned, ...] = (
    Owned(Delivery, lambda t, u: (Delivery.team_id == t)
          & or_(Delivery.recipient == u, Delivery.ref == u)),
    Owned(Proposal, lambda t, u: (Proposal.team_id == t) & or_(
        Proposal.manager_id == u, Proposal.report_id == u, Proposal.proposer_id == u,
        Proposal.confirmer_id == u)),
    Owned(ReportingLine, lambda t, u: (ReportingLine.team_id == t)
          & or_(ReportingLine.report_id == u, ReportingLine.manager_id == u)),
    Owned(PlanFeedback, lambda t, u: _in(PlanFeedback.plan_id, CareerPlan.id, _career)(t, u)
          | (_team_plans(t) & (PlanFeedback.author_id == u))),
    Owned(PlanVersion, _in(PlanVersion.plan_id, CareerPlan.id, _career)),
    Owned(PlanAction, _in(PlanAction.plan_id, CareerPlan.id, _career)),
    Owned(CareerPlan, _career),
    Owned(CheckinSettings, _manager(CheckinSettings)),
    Owned(Away, lambda t, u: (Away.team_id == t) & (Away.user_id == u)),
    Owned(AnswerPart, _in(AnswerPart.question_id, Question.id, _answers)),
    Owned(Commitment, _in(Commitment.question_id, Question.id, _answers)),
    Owned(Question, _answers),
    Owned(DevComment, lambda t, u: _in(DevComment.plan_id, DevPlan.id, _devplan)(t, u)
          | (_team_devplans(t) & (DevComment.author_id == u))),
    Owned(DevReview, _in(DevReview.plan_id, DevPlan.id, _devplan)),
    Owned(DevAction, _in(DevAction.plan_id, DevPlan.id, _devplan)),
    Owned(DevSkill, _in(DevSkill.plan_id, DevPlan.id, _devplan)),
    Owned(DevPlan, _devplan),
    Owned(LeadUpSettings, _manager(LeadUpSettings)),
    Owned(MetricReport, _manager(MetricReport)),
    Owned(ContributionPlan, _manager(ContributionPlan)),
    Owned(DebriefAction, _in(DebriefAction.debrief_id, Debrief.id, _debrief)),
    Owned(DebriefVersion, _in(DebriefVersion.debrief_id, Debrief.id, _debrief)),
    Owned(Debrief, _debrief),
    Owned(HomeOfficeTalk, _manager(HomeOfficeTalk)),
    Owned(Person, lambda t, u: (Person.team_id == t) & (Person.user_id == u)),
)


def _debriefs_of(t: str) -> ColumnElement[bool]:
    return Debrief.team_id == t


NAMED: tuple[Named, ...] = (
    Named(CareerPlan.shared_with, lambda t: CareerPlan.team_id == t),
    Named(Question.manager_id, lambda t: Question.team_id == t, ""),
    Named(DevReview.reviewer_id, lambda t: DevReview.plan_id.in_(
        select(DevPlan.id).where(DevPlan.team_id == t)), ""),
    Named(MetricReport.boss_id, lambda t: MetricReport.team_id == t),
    Named(ContributionPlan.boss_id, lambda t: ContributionPlan.team_id == t),
    Named(Debrief.boss_id, _debriefs_of, ""),
    Named(Debrief.recorded_by, _debriefs_of),
    Named(DebriefVersion.saved_by, lambda t: DebriefVersion.debrief_id.in_(
        select(Debrief.id).where(Debrief.team_id == t)), ""),
    Named(DebriefAction.owner_id, lambda t: DebriefAction.debrief_id.in_(
        select(Debrief.id).where(Debrief.team_id == t)), ""),
    Named(Department.contact_id, lambda t: Department.team_id == t),
)


class PersonalDataError(ValueError):
    """A malformed user or workspace id; the message is one line."""


def check_id(kind: str, value: str) -> str:
    """`value` if it looks like a Slack id of `kind` ("user" or "team"), else PersonalDataError."""
    pattern, what = IDS[kind]
    if not pattern.fullmatch(value):
        raise PersonalDataError(f"{value[:40]!r} is not {what}")
    return value


def check_ids(team_id: str, user_id: str) -> None:
    check_id("team", team_id)
    check_id("user", user_id)


def only_team(session: Session, team_id: str | None) -> str:
    """`team_id` when given, else the only workspace in the database (PersonalDataError when
    there is none or several)."""
    if team_id is not None:
        return check_id("team", team_id)
    teams = list(session.scalars(select(Workspace.team_id).order_by(Workspace.team_id).limit(2)))
    if not teams:
        raise PersonalDataError("no workspace in the database yet")
    if len(teams) > 1:
        raise PersonalDataError("several workspaces in the database: name one with --team T…")
    return teams[0]


def export_user(session: Session, team_id: str, user_id: str) -> dict[str, Any]:
    """Everything stored about `user_id` in `team_id`, as JSON-serialisable data."""
    check_ids(team_id, user_id)
    records: dict[str, list[dict[str, Any]]] = {}
    for owned in reversed(OWNED):  # parents first reads better
        rows = session.scalars(select(owned.model).where(owned.where(team_id, user_id)))
        found = [_row(row) for row in rows]
        if found:
            records[owned.model.__tablename__] = found
    return {"format": FORMAT, "team_id": team_id, "user_id": user_id, "records": records,
            "named_in": [{"table": table, "id": row_id, "as": column}
                         for table, column, row_id in _named(session, team_id, user_id)]}


def delete_user(session: Session, team_id: str, user_id: str) -> dict[str, int]:
    """Delete the person's own rows and clear their name from others' rows (in the caller's
    transaction); returns the rows changed per table (only tables with changes)."""
    check_ids(team_id, user_id)
    counts: dict[str, int] = {}
    for owned in OWNED:  # first, so a row both owned and named is counted once
        result = session.execute(delete(owned.model).where(owned.where(team_id, user_id))
                                 .execution_options(synchronize_session=False))
        table = owned.model.__tablename__
        counts[table] = counts.get(table, 0) + result.rowcount
    for named in NAMED:
        table = named.column.class_.__tablename__
        result = session.execute(update(named.column.class_).where(
            named.team(team_id), named.column == user_id).values(
            {named.column.key: named.cleared}).execution_options(synchronize_session=False))
        counts[table] = counts.get(table, 0) + result.rowcount
    session.expire_all()
    return {table: n for table, n in counts.items() if n}


def plan_deletion(session: Session, team_id: str, user_id: str) -> dict[str, int]:
    """What `delete_user` would change, per table, without changing anything."""
    check_ids(team_id, user_id)
    counts: dict[str, int] = {}
    for owned in OWNED:
        table = owned.model.__tablename__
        counts[table] = counts.get(table, 0) + len(session.scalars(
            select(owned.model).where(owned.where(team_id, user_id))).all())
    for table, _column, _row_id in _named(session, team_id, user_id):
        counts[table] = counts.get(table, 0) + 1
    return {table: n for table, n in counts.items() if n}


def classified_tables() -> set[str]:
    """Every table this module knows, personal or not (a test checks none is forgotten)."""
    return ({o.model.__tablename__ for o in OWNED} | {n.column.class_.__tablename__
                                                      for n in NAMED} | NOT_PERSONAL)


def _named(session: Session, team_id: str, user_id: str) -> list[tuple[str, str, Any]]:
    """(table, column, row id) of other people's rows that name the person, owned rows aside."""
    found = []
    for named in NAMED:
        model = named.column.class_
        for row in session.scalars(select(model).where(named.team(team_id),
                                                       named.column == user_id)):
            found.append((model.__tablename__, named.column.key, _key(row)))
    owned = {(o.model.__tablename__, _key(r)) for o in OWNED if o.model in
             {n.column.class_ for n in NAMED}
             for r in session.scalars(select(o.model).where(o.where(team_id, user_id)))}
    return [(t, c, i) for t, c, i in found if (t, i) not in owned]


def _key(row: Base) -> Any:
    """The row's primary key: its id, or a tuple (a JSON list) for a composite key."""
    key = row.__mapper__.primary_key_from_instance(row)
    return key[0] if len(key) == 1 else tuple(_plain(part) for part in key)


def _row(row: Base) -> dict[str, Any]:
    return {column.key: _plain(getattr(row, column.key)) for column in row.__mapper__.columns}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
