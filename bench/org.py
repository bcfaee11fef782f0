"""A large synthetic org with a year of history, written straight through the models in bulk.

`build_org` makes one boss, `managers` managers reporting to them and `reports_per_manager`
reports each, spread over time zones; with `history_weeks` it adds what a year of use leaves:
Monday questions (answered or not, some reports silent), answers, commitments, development
plans with reviews and comments, career plans with versions, monthly sales reports, debriefs
with actions, agreed contribution plans and home-office talks. Deterministic for a given seed.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session, sessionmaker

from bot.core.calendar import local_instant
from bot.core.db import Base, insert_ignoring_conflicts
from bot.core.models import Workspace
from bot.lead_down import models as down
from bot.lead_down.service import week_of
from bot.lead_up import models as up
from bot.lead_up.ids import DEFAULT_DEPARTMENTS
from bot.lead_up.periods import quarter_of, quarter_start
from bot.lead_yourself import models as career
from bot.org.models import Person, ReportingLine

ZONES = ("UTC", "Europe/Paris", "Europe/Athens", "Europe/Moscow", "Asia/Dubai", "Asia/Karachi",
         "Asia/Dhaka", "Asia/Bangkok", "Asia/Shanghai", "Asia/Tokyo", "Australia/Brisbane",
         "Pacific/Noumea", "Pacific/Auckland", "Pacific/Tongatapu", "Pacific/Kiritimati",
         "Pacific/Pago_Pago", "Pacific/Honolulu", "America/Anchorage", "America/Los_Angeles",
         "America/Denver", "America/Chicago", "America/New_York", "America/Halifax",
         "America/Sao_Paulo")
"""24 IANA zones with 24 different UTC offsets (in winter), UTC first."""
CHUNK = 2000


@dataclass(frozen=True)
class Org:
    """Who is who in the org that was built."""

    team_id: str
    boss_id: str
    managers: tuple[str, ...]
    reports: dict[str, tuple[str, ...]]  # manager -> their reports
    tz: dict[str, str]  # user -> IANA zone

    @property
    def all_reports(self) -> list[str]:
        return [r for manager in self.managers for r in self.reports[manager]]

    @property
    def people(self) -> list[str]:
        return [self.boss_id, *self.managers, *self.all_reports]


def build_org(sessions: sessionmaker, *, managers: int, reports_per_manager: int,
              timezones: int | Sequence[str] = ZONES, history_weeks: int = 0, now: datetime,
              team_id: str = "T0001", seed: int = 7) -> Org:
    """Write the org (and its history) to the database; returns who is who."""
    zones = ZONES[:timezones] if isinstance(timezones, int) else tuple(timezones)
    manager_ids = tuple(f"UM{m:04d}" for m in range(managers))
    reports = {m: tuple(f"UR{i:04d}{r:04d}" for r in range(reports_per_manager))
               for i, m in enumerate(manager_ids)}
    org = Org(team_id, "UBOSS", manager_ids, reports, {})
    for index, user in enumerate(org.people):
        org.tz[user] = zones[index % len(zones)]
    with sessions.begin() as session:
        insert_ignoring_conflicts(session, Workspace, [{"team_id": team_id, "created_at": now}])
        _insert(session, Person, [_person(org, user, now) for user in org.people])
        _insert(session, ReportingLine, [
            {"team_id": team_id, "report_id": report, "manager_id": manager, "created_at": now}
            for manager, report in _lines(org)])
    if history_weeks > 0:
        _History(org, now, history_weeks, random.Random(seed)).write(sessions)
    with sessions.begin() as session:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("ANALYZE"))  # as autovacuum soon would: plans for this size
    return org


def _person(org: Org, user: str, now: datetime) -> dict[str, Any]:
    return {"team_id": org.team_id, "user_id": user, "name": user.lower(), "tz": org.tz[user],
            "is_admin": user == org.boss_id, "is_bot": False, "deleted": False,
            "refreshed_at": now}


def _lines(org: Org) -> Iterator[tuple[str, str]]:
    for manager in org.managers:
        yield org.boss_id, manager
        for report in org.reports[manager]:
            yield manager, report


def _insert(session: Session, model: type[Base], rows: list[dict[str, Any]],
            ids: bool = False) -> list[int]:
    """Bulk INSERT (Core, in chunks); with `ids`, numbers the rows' `id` from the table's
    largest and returns them (then moves a PostgreSQL sequence past them)."""
    table = model.__table__
    connection = session.connection()
    numbers: list[int] = []
    if ids:
        first = (connection.scalar(select(func.max(table.c.id))) or 0) + 1
        numbers = list(range(first, first + len(rows)))
        for number, row in zip(numbers, rows, strict=True):
            row["id"] = number
    for start in range(0, len(rows), CHUNK):
        connection.execute(insert(table), rows[start:start + CHUNK])
    if ids and rows and connection.dialect.name == "postgresql":
        connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                f"{numbers[-1]})"))
    return numbers


class _History:
    """What `weeks` weeks of use leave in the database, up to `now`."""

    def __init__(self, org: Org, now: datetime, weeks: int, rng: random.Random) -> None:
        self.org, self.now, self.rng = org, now, rng
        monday = now.date() - timedelta(days=now.weekday())
        self.mondays = [monday - timedelta(weeks=k) for k in range(weeks)]
        self.months = sorted({(d.year, d.month) for d in self.mondays})
        self.team = org.team_id

    def write(self, sessions: sessionmaker) -> None:
        with sessions.begin() as session:
            self.monday_questions(session)
        with sessions.begin() as session:
            self.devplans(session)
            self.career_plans(session)
            self.lead_up(session)

    def monday_questions(self, session: Session) -> None:
        rows, silent = [], set(self.org.all_reports[::10])  # one report in ten stopped answering
        recent = self.mondays[min(3, len(self.mondays) - 1)]
        for manager, report in _lines(self.org):
            for monday in self.mondays:
                asked = local_instant(monday, 9, self.org.tz[report])
                if asked > self.now:
                    continue
                answered = None if (report in silent and monday >= recent) or \
                    self.rng.random() < 0.3 else \
                    min(asked + timedelta(hours=self.rng.randint(1, 30)), self.now)
                rows.append({"team_id": self.team, "report_id": report, "manager_id": manager,
                             "week": week_of(monday), "asked_at": asked, "channel": f"D{report}",
                             "ts": f"{asked.timestamp():.6f}", "answered_at": answered})
        ids = _insert(session, down.Question, rows, ids=True)
        parts, commitments = [], []
        for qid, row in zip(ids, rows, strict=True):
            if row["answered_at"] is None:
                continue
            for n in range(self.rng.randint(1, 2)):
                parts.append({"question_id": qid, "source_ts": f"{row['ts']}{n}",
                              "text": f"More time with customers, fewer reports ({n}).",
                              "created_at": row["answered_at"]})
            if self.rng.random() < 0.2:
                due = row["asked_at"].date() + timedelta(days=14)
                commitments.append({"question_id": qid, "text": "Cut the weekly report.",
                                    "due": due, "created_at": row["answered_at"],
                                    "done_at": row["answered_at"] + timedelta(days=7)
                                    if due < self.now.date() - timedelta(days=21) else None})
        _insert(session, down.AnswerPart, parts)
        _insert(session, down.Commitment, commitments)

    def devplans(self, session: Session) -> None:
        reports = self.org.all_reports
        created = datetime.combine(self.mondays[-1], datetime.min.time(), self.now.tzinfo)
        ids = _insert(session, down.DevPlan, [
            {"team_id": self.team, "report_id": r, "next_role": "Senior account executive",
             "target_date": self.now.date() + timedelta(days=300), "notes": "", "created_at":
             created, "updated_at": created, "last_reviewed_at": self.now - timedelta(days=20)}
            for r in reports], ids=True)
        skills, actions, comments, reviews = [], [], [], []
        for plan_id in ids:
            skills += [{"plan_id": plan_id, "name": f"Skill {n}", "current": "basic",
                        "target": "expert"} for n in range(3)]
            actions += [{"plan_id": plan_id, "kind": "training", "what": f"Course {n}",
                         "due": self.now.date() + timedelta(days=30 * n - 40),
                         "status": ("done", "on_track", "not_started", "at_risk")[n],
                         "note": ""} for n in range(4)]
            comments += [{"plan_id": plan_id, "author_id": "UBOSS", "text": "Thanks!",
                          "created_at": created + timedelta(days=n)} for n in range(2)]
            reviews += [{"plan_id": plan_id, "reviewer_id": "UBOSS", "summary": "[]",
                         "reviewed_at": datetime(y, m, 5, tzinfo=self.now.tzinfo)}
                        for y, m in self.months]
        for model, rows in ((down.DevSkill, skills), (down.DevAction, actions),
                            (down.DevComment, comments), (down.DevReview, reviews)):
            _insert(session, model, rows)

    def career_plans(self, session: Session) -> None:
        owners = [self.org.boss_id, *self.org.managers]
        ids = _insert(session, career.CareerPlan, [
            {"team_id": self.team, "owner_id": o, "why": "To grow people", "aspiration_1":
             "Lead a bigger team", "aspiration_3": "Director", "aspiration_5": "VP",
             "version": len(self.months), "created_at": self.now, "updated_at": self.now,
             "shared_with": None if o == self.org.boss_id else self.org.boss_id}
            for o in owners], ids=True)
        actions, versions = [], []
        for plan_id in ids:
            actions += [{"plan_id": plan_id, "horizon": h, "what": f"Step {h}.{n}",
                         "due": self.now.date() + timedelta(days=20 * n + h), "support": "",
                         "created_at": self.now} for h in (1, 3, 5) for n in range(2)]
            versions += [{"plan_id": plan_id, "version": n + 1, "content": "{}", "saved_at":
                          datetime(y, m, 1, tzinfo=self.now.tzinfo)}
                         for n, (y, m) in enumerate(self.months)]
        _insert(session, career.PlanAction, actions)
        _insert(session, career.PlanVersion, versions)

    def lead_up(self, session: Session) -> None:
        boss, months = self.org.boss_id, [f"{y:04d}-{m:02d}" for y, m in self.months]
        reports, debriefs, plans, talks = [], [], [], []
        for manager in self.org.managers:
            for n, month in enumerate(months):
                at = datetime(int(month[:4]), int(month[5:]), 2, tzinfo=self.now.tzinfo)
                reports.append({"team_id": self.team, "manager_id": manager, "period": month,
                                "sales": 100_000.0 + 1000 * n, "target": 105_000.0,
                                "pipeline": 400_000.0, "metrics": "{}", "boss_id": boss,
                                "created_at": at, "updated_at": at, "submitted_at": at})
                debriefs.append({"team_id": self.team, "manager_id": manager, "boss_id": boss,
                                 "month": month, "version": 1, "created_at": at,
                                 "recorded_at": at, "recorded_by": manager})
            goals = [{"goal": "Grow key accounts", "boss": "Region target", "mine": "Quota",
                      "status": "in_progress"}]
            plans.append({"team_id": self.team, "manager_id": manager, "boss_id": boss,
                          "goals": json.dumps(goals), "status": "agreed",
                          "proposed_at": self.now, "agreed_at": self.now})
            talks += self._talks(manager)
        _insert(session, up.MetricReport, reports)
        ids = _insert(session, up.Debrief, debriefs, ids=True)
        _insert(session, up.DebriefAction, [
            {"debrief_id": debrief_id, "owner_id": row["manager_id"], "what": f"Action {n}",
             "due": date(int(row["month"][:4]), int(row["month"][5:]), 20),
             "done_at": None if n == 0 else row["created_at"], "created_at": row["created_at"]}
            for debrief_id, row in zip(ids, debriefs, strict=True) for n in range(2)])
        _insert(session, up.ContributionPlan, plans)
        _insert(session, up.HomeOfficeTalk, talks)

    def _talks(self, manager: str) -> list[dict[str, Any]]:
        quarters = sorted({quarter_of(d) for d in self.mondays})
        return [{"team_id": self.team, "manager_id": manager, "department": department,
                 "day": quarter_start(quarter) + timedelta(days=10 + k), "quarter": quarter,
                 "thanked": "Fast approvals", "created_at": self.now}
                for quarter in quarters for k, department in enumerate(DEFAULT_DEPARTMENTS)]
