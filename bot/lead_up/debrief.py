"""Monthly debriefs of a manager with their boss: the agenda's data, recording, versions."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.db import insert_ignoring_conflicts
from bot.lead_down.devplan import progress_counts
from bot.lead_up import periods, plan, reports, talk_views, talks
from bot.lead_up.models import (
    ContributionPlan,
    Debrief,
    DebriefAction,
    DebriefVersion,
    MetricReport,
)
from bot.org import access
from bot.org.access import Action
from bot.org.service import boss_of

MAX_ACTIONS, MAX_CARRIED = 6, 10
LIMITS = {"text": 2000, "what": 300}
FIELDS = ("going_well", "continue_doing", "improve")


class DebriefError(Exception):
    """A request about a debrief that cannot be done; shown to the user."""


class AccessDenied(DebriefError, access.Denied):
    """The person may not read or record this debrief."""


@dataclass
class ActionDraft:
    what: str = ""
    owner_id: str = ""
    due: date | None = None
    id: int | None = None

    @property
    def blank(self) -> bool:
        return not self.what.strip() and self.due is None


@dataclass
class Agenda:
    """Everything the monthly agenda shows, read from the database."""

    debrief: Debrief
    reports: list[tuple[MetricReport, MetricReport | None]]  # last month's, with the one before
    open_actions: list[DebriefAction]
    contribution: ContributionPlan | None
    goals: list[plan.Goal]
    development: dict[str, int]
    talks: str
    metrics: list[reports.Metric] = field(default_factory=list)


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def ensure(session: Session, team_id: str, manager_id: str, month: str, now: datetime) -> Debrief:
    """The manager's debrief of `month`, created with their current manager as the boss."""
    found = find(session, team_id, manager_id, month)
    if found is not None:
        return found
    boss_id = boss_of(session, team_id, manager_id, purpose="Debriefs are held with",
                      error=DebriefError)
    insert_ignoring_conflicts(session, Debrief, [{
        "team_id": team_id, "manager_id": manager_id, "boss_id": boss_id, "month": month,
        "going_well": "", "continue_doing": "", "improve": "", "version": 0, "created_at": now}])
    return find(session, team_id, manager_id, month)  # type: ignore[return-value]


def find(session: Session, team_id: str, manager_id: str, month: str) -> Debrief | None:
    return session.scalar(select(Debrief).where(
        Debrief.team_id == team_id, Debrief.manager_id == manager_id, Debrief.month == month))


def readable(session: Session, team_id: str, debrief_id: int, reader_id: str) -> Debrief:
    """The debrief if `reader_id` is its manager or boss; DebriefError otherwise."""
    debrief = session.scalar(select(Debrief).where(Debrief.team_id == team_id,
                                                   Debrief.id == debrief_id))
    access.require(session, reader_id, Action.DEBRIEF_READ,
                   access.Record(team_id, debrief.manager_id, party_id=debrief.boss_id)
                   if debrief else None,
                   message="This debrief is private to the manager and their boss.",
                   error=AccessDenied)
    return debrief  # type: ignore[return-value]


def actions_of(session: Session, debrief: Debrief) -> list[DebriefAction]:
    return list(session.scalars(select(DebriefAction).where(
        DebriefAction.debrief_id == debrief.id).order_by(DebriefAction.due, DebriefAction.id)))


def open_actions(session: Session, debrief: Debrief) -> list[DebriefAction]:
    """Actions of this manager's earlier debriefs that are not done, oldest due first."""
    return list(session.scalars(
        select(DebriefAction).join(Debrief, Debrief.id == DebriefAction.debrief_id)
        .where(Debrief.team_id == debrief.team_id, Debrief.manager_id == debrief.manager_id,
               Debrief.month < debrief.month, DebriefAction.done_at.is_(None))
        .order_by(DebriefAction.due, DebriefAction.id).limit(MAX_CARRIED)))


def validate(texts: dict[str, str], actions: list[ActionDraft],
             people: tuple[str, str]) -> dict[tuple[str, int], str]:
    """Errors by (field, slot); slot 0 for the three text fields."""
    errors: dict[tuple[str, int], str] = {}
    if not any(texts.get(f, "").strip() for f in FIELDS):
        errors[("going_well", 0)] = "Write at least what is going well, what to continue or " \
                                    "what to improve."
    for slot, action in enumerate(actions):
        if action.blank:
            continue
        if not action.what.strip():
            errors[("what", slot)] = "What is the action?"
        elif action.due is None:
            errors[("due", slot)] = "By when?"
        elif action.owner_id not in people:
            errors[("owner", slot)] = "Pick who owns it."
    return errors


def record(session: Session, debrief: Debrief, actor_id: str, texts: dict[str, str],
           actions: list[ActionDraft], done_ids: list[int], now: datetime) -> None:
    """Save a version of the debrief: its texts, its agreed actions, carried actions now done."""
    debrief.going_well, debrief.continue_doing, debrief.improve = \
        (texts.get(f, "").strip() for f in FIELDS)
    debrief.version += 1
    debrief.recorded_by, debrief.recorded_at = actor_id, now
    existing = {a.id: a for a in actions_of(session, debrief)}
    kept: list[DebriefAction] = []
    for draft in (a for a in actions if not a.blank):
        row = existing.pop(draft.id, None) if draft.id else None
        if row is None:
            row = DebriefAction(debrief_id=debrief.id, created_at=now)
            session.add(row)
        row.what, row.owner_id, row.due = draft.what.strip(), draft.owner_id, draft.due  # type: ignore[assignment]
        kept.append(row)
    for row in existing.values():
        session.delete(row)
    for action in open_actions(session, debrief):
        if action.id in done_ids:
            action.done_at = now
    session.add(DebriefVersion(debrief_id=debrief.id, version=debrief.version, saved_by=actor_id,
                               saved_at=now, content=json.dumps({
                                   **{f: getattr(debrief, f) for f in FIELDS},
                                   "actions": [{"what": a.what, "owner": a.owner_id,
                                                "due": a.due.isoformat()} for a in kept]})))
    session.flush()


def history(session: Session, team_id: str, manager_id: str, limit: int = 12) -> list[Debrief]:
    return list(session.scalars(select(Debrief).where(
        Debrief.team_id == team_id, Debrief.manager_id == manager_id)
        .order_by(Debrief.month.desc()).limit(limit)))


def agenda(session: Session, debrief: Debrief, today: date) -> Agenda:
    """The data for the agenda: last month's reports, open actions, plan, development, talks."""
    month_start = periods.start_of(debrief.month)
    last_month = periods.previous(debrief.month)
    settings = reports.settings_of(session, debrief.team_id, debrief.manager_id)
    rows = [r for r in reports.history(session, debrief.team_id, debrief.manager_id, limit=6)
            if r.submitted_at is not None
            and periods.start_of(last_month) <= periods.start_of(r.period) < month_start]
    contribution = plan.plan_of(session, debrief.team_id, debrief.manager_id)
    quarter = periods.quarter_of(today)
    summary = talk_views.quarter_summary(
        talks.departments_of(session, debrief.team_id),
        talks.quarter_talks(session, debrief.team_id, debrief.manager_id, quarter), quarter)
    return Agenda(
        debrief=debrief,
        reports=[(r, reports.previous_report(session, r.team_id, r.manager_id, r.period))
                 for r in sorted(rows, key=lambda r: r.period)],
        open_actions=open_actions(session, debrief),
        contribution=contribution, goals=plan.goals_of(contribution),
        development=progress_counts(session, debrief.team_id, debrief.manager_id, today),
        talks=summary, metrics=reports.metrics_of(settings))
