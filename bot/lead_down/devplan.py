"""Development plans: who may read and write them, saving, monthly reviews and comments."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.calendar import monthly_occurrence, within_catch_up
from bot.lead_down.models import (
    CheckinSettings,
    DevAction,
    DevComment,
    DevPlan,
    DevReview,
    DevSkill,
)
from bot.lead_down.service import DEFAULT_SETTINGS, AccessDenied, CheckinError
from bot.org import access
from bot.org.access import Action
from bot.org.models import Person, ReportingLine
from bot.org.service import report_ids_of

KINDS = {"training": "Training", "shadowing": "Shadowing", "stretch": "Stretch assignment",
         "other": "Other"}
STATUSES = {"not_started": "Not started", "on_track": "On track", "at_risk": "At risk",
            "done": "Done"}
MAX_SKILLS, MAX_ACTIONS, BLANK_SLOTS = 6, 8, 2
STALE_AFTER = timedelta(days=30)
REMIND_AFTER = timedelta(days=7)
LIMITS = {"name": 150, "level": 150, "what": 300, "role": 150, "notes": 2000, "note": 500,
          "comment": 2000}


@dataclass
class SkillDraft:
    name: str = ""
    current: str = ""
    target: str = ""

    @property
    def blank(self) -> bool:
        return not (self.name or self.current or self.target)


@dataclass
class ActionDraft:
    what: str = ""
    kind: str = "training"
    due: date | None = None
    status: str = "not_started"
    id: int | None = None

    @property
    def blank(self) -> bool:
        return not (self.what or self.due)


@dataclass
class PlanDraft:
    skills: list[SkillDraft] = field(default_factory=list)
    actions: list[ActionDraft] = field(default_factory=list)
    next_role: str = ""
    target_date: date | None = None
    notes: str = ""


def plan_of(session: Session, team_id: str, report_id: str) -> DevPlan | None:
    return session.scalar(select(DevPlan).where(DevPlan.team_id == team_id,
                                                DevPlan.report_id == report_id))


def require_manager(session: Session, team_id: str, manager_id: str, report_id: str) -> None:
    """Only the report's current manager writes and reviews their plan."""
    access.require(session, manager_id, Action.DEV_PLAN_WRITE, access.Record(team_id, report_id),
                   message=f"Only <@{report_id}>'s manager can write or review their "
                           "development plan.", error=AccessDenied)


def readable_plan(session: Session, team_id: str, plan_id: int, reader_id: str) -> DevPlan:
    """The plan, for its report and the report's current manager only."""
    plan = session.scalar(select(DevPlan).where(DevPlan.team_id == team_id, DevPlan.id == plan_id))
    access.require(session, reader_id, Action.DEV_PLAN_READ,
                   access.Record(team_id, plan.report_id) if plan else None, error=AccessDenied,
                   message="A development plan is private to the report and their manager.")
    return plan  # type: ignore[return-value]


def skills(session: Session, plan: DevPlan) -> list[DevSkill]:
    return list(session.scalars(select(DevSkill).where(DevSkill.plan_id == plan.id)
                                .order_by(DevSkill.id)))


def actions(session: Session, plan: DevPlan) -> list[DevAction]:
    return list(session.scalars(select(DevAction).where(DevAction.plan_id == plan.id)
                                .order_by(DevAction.due, DevAction.id)))


def draft_of(session: Session, plan: DevPlan | None) -> PlanDraft:
    if plan is None:
        return PlanDraft()
    return PlanDraft(
        skills=[SkillDraft(s.name, s.current, s.target) for s in skills(session, plan)],
        actions=[ActionDraft(a.what, a.kind, a.due, a.status, a.id)
                 for a in actions(session, plan)],
        next_role=plan.next_role, target_date=plan.target_date, notes=plan.notes)


def validate(draft: PlanDraft, *, today: date) -> dict[tuple[str, int], str]:
    """Errors keyed by (field, slot): skill, what, due, target."""
    errors: dict[tuple[str, int], str] = {}
    for slot, skill in enumerate(draft.skills):
        if not skill.blank and not skill.name.strip():
            errors[("skill", slot)] = "Name the skill."
    for slot, action in enumerate(draft.actions):
        if action.blank:
            continue
        if not action.what.strip():
            errors[("what", slot)] = "What is the action?"
        if action.due is None:
            errors[("due", slot)] = "By when?"
        elif action.id is None and action.due <= today:
            errors[("due", slot)] = "Pick a date in the future."
        if action.kind not in KINDS or action.status not in STATUSES:
            errors[("what", slot)] = "Pick a type and a status."
    if draft.target_date is not None and draft.target_date <= today and draft.next_role:
        errors[("target", 0)] = "Pick a future date for the next role."
    if not any(not s.blank for s in draft.skills) and not any(
            not a.blank for a in draft.actions) and not draft.next_role.strip():
        errors[("skill", 0)] = "Add a skill, an action or the next role."
    return errors


def save(session: Session, team_id: str, report_id: str, draft: PlanDraft,
         now: datetime) -> DevPlan:
    """Create or replace the plan's content from a valid draft."""
    plan = plan_of(session, team_id, report_id)
    if plan is None:
        plan = DevPlan(team_id=team_id, report_id=report_id, created_at=now)
        session.add(plan)
    plan.next_role = draft.next_role.strip()[: LIMITS["role"]]
    plan.target_date, plan.notes = draft.target_date, draft.notes.strip()[: LIMITS["notes"]]
    plan.updated_at = now
    session.flush()
    for skill in skills(session, plan):
        session.delete(skill)
    session.add_all(DevSkill(plan_id=plan.id, name=s.name.strip()[: LIMITS["name"]],
                             current=s.current.strip()[: LIMITS["level"]],
                             target=s.target.strip()[: LIMITS["level"]])
                    for s in draft.skills if not s.blank)
    existing = {a.id: a for a in actions(session, plan)}
    kept = set()
    for item in draft.actions:
        if item.blank or item.due is None:
            continue
        row = existing.get(item.id) if item.id is not None else None
        if row is None:
            row = DevAction(plan_id=plan.id)
            session.add(row)
        row.what, row.kind = item.what.strip()[: LIMITS["what"]], item.kind
        row.due, row.status = item.due, item.status
        kept.add(item.id)
    for action_id, row in existing.items():
        if action_id not in kept:
            session.delete(row)
    session.flush()
    return plan


def review(session: Session, team_id: str, plan_id: int, manager_id: str,
           updates: dict[int, tuple[str, str]], now: datetime) -> DevReview:
    """Record each action's status and progress note, and log the review."""
    plan = readable_plan(session, team_id, plan_id, manager_id)
    require_manager(session, team_id, manager_id, plan.report_id)
    summary = []
    for action in actions(session, plan):
        status, note = updates.get(action.id, (action.status, action.note))
        if status not in STATUSES:
            raise CheckinError("Pick a status for every action.")
        action.status, action.note = status, note.strip()[: LIMITS["note"]]
        summary.append({"what": action.what, "status": status, "note": action.note})
    plan.last_reviewed_at = now
    logged = DevReview(plan_id=plan.id, reviewer_id=manager_id, reviewed_at=now,
                       summary=json.dumps(summary))
    session.add(logged)
    session.flush()
    return logged


def add_comment(session: Session, team_id: str, plan_id: int, author_id: str, text: str,
                now: datetime) -> DevPlan:
    plan = readable_plan(session, team_id, plan_id, author_id)
    if not text.strip():
        raise CheckinError("Write your comment first.")
    session.add(DevComment(plan_id=plan.id, author_id=author_id,
                           text=text.strip()[: LIMITS["comment"]], created_at=now))
    return plan


def comments(session: Session, plan: DevPlan, limit: int = 5) -> list[DevComment]:
    return list(session.scalars(select(DevComment).where(DevComment.plan_id == plan.id)
                                .order_by(DevComment.created_at.desc()).limit(limit)))


def team_plans(session: Session, team_id: str, manager_id: str) -> list[tuple[str, DevPlan | None]]:
    """(report, their plan or None) for each current report, by name."""
    reports = report_ids_of(session, team_id, manager_id)
    if not reports:
        return []
    plans = {p.report_id: p for p in session.scalars(select(DevPlan).where(
        DevPlan.team_id == team_id, DevPlan.report_id.in_(reports)))}
    return [(r, plans.get(r)) for r in reports]


def is_stale(plan: DevPlan, now: datetime) -> bool:
    """Not reviewed for a month (counting from its creation when never reviewed)."""
    return (plan.last_reviewed_at or plan.created_at) <= now - STALE_AFTER


def _managers_with_plans(session: Session, now: datetime) -> Iterator[tuple]:
    rows = session.execute(
        select(ReportingLine.team_id, ReportingLine.manager_id, Person.tz,
               CheckinSettings.review_ordinal, CheckinSettings.review_weekday,
               CheckinSettings.review_hour, DevPlan.last_reviewed_at)
        .join(DevPlan, (DevPlan.team_id == ReportingLine.team_id)
              & (DevPlan.report_id == ReportingLine.report_id))
        .join(Person, (Person.team_id == ReportingLine.team_id)
              & (Person.user_id == ReportingLine.manager_id))
        .outerjoin(CheckinSettings, (CheckinSettings.team_id == ReportingLine.team_id)
                   & (CheckinSettings.manager_id == ReportingLine.manager_id))
    ).all()
    for row in rows:
        ordinal = row.review_ordinal or DEFAULT_SETTINGS["review_ordinal"]
        weekday = DEFAULT_SETTINGS["review_weekday"] if row.review_weekday is None \
            else row.review_weekday
        hour = DEFAULT_SETTINGS["review_hour"] if row.review_hour is None else row.review_hour
        period, instant = monthly_occurrence(now, ordinal=ordinal, weekday=weekday, hour=hour,
                                             tz=row.tz)
        yield row, period, instant


def reviews_due(session: Session, now: datetime) -> set[tuple[str, str, str]]:
    """(team, manager, month) whose monthly review moment has come."""
    return {(row.team_id, row.manager_id, period)
            for row, period, instant in _managers_with_plans(session, now)
            if within_catch_up(instant, now)}


def review_reminders_due(session: Session, now: datetime) -> set[tuple[str, str, str]]:
    """(team, manager, month) a week after the review moment, with a plan still not reviewed."""
    return {(row.team_id, row.manager_id, period)
            for row, period, instant in _managers_with_plans(session, now)
            if within_catch_up(instant + REMIND_AFTER, now)
            and (row.last_reviewed_at is None or row.last_reviewed_at < instant)}



def progress_counts(session: Session, team_id: str, manager_id: str,
                    today: date) -> dict[str, int]:
    """Counts of the team's development: reports, plans, actions by status, overdue actions."""
    plans = [plan for _, plan in team_plans(session, team_id, manager_id)]
    counts = {"reports": len(plans), "plans": sum(p is not None for p in plans),
              **dict.fromkeys(STATUSES, 0), "overdue": 0}
    ids = [p.id for p in plans if p is not None]
    for action in session.scalars(select(DevAction).where(DevAction.plan_id.in_(ids))):
        counts[action.status] = counts.get(action.status, 0) + 1
        counts["overdue"] += action.status != "done" and action.due < today
    return counts
