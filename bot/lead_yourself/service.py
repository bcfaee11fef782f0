"""Career plans: drafts, validation, saving with versions, sharing, feedback and actions."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session, joinedload

from bot.core.db import core
from bot.lead_yourself.ids import HORIZONS
from bot.lead_yourself.models import CareerPlan, PlanAction, PlanFeedback, PlanVersion
from bot.org import access
from bot.org.access import Action

PURPOSE_FIELDS = ("why", "motivates", "energy", "impact")
LIMITS = {"purpose": 1000, "aspiration": 1000, "what": 300, "support": 500, "feedback": 2000}
DUE_SOON = timedelta(days=30)


class PlanError(Exception):
    """A request about a career plan that cannot be done; the message is shown to the user."""


class AccessDenied(PlanError, access.Denied):
    """The person may not see or change this plan."""


@dataclass
class ActionDraft:
    """An action as typed in the modal (`id` is set for an action that already exists)."""

    horizon: int
    what: str = ""
    due: date | None = None
    support: str = ""
    id: int | None = None

    @property
    def blank(self) -> bool:
        return not (self.what or self.due or self.support)


@dataclass
class PlanDraft:
    """Everything the plan modal holds."""

    why: str = ""
    motivates: str = ""
    energy: str = ""
    impact: str = ""
    aspirations: dict[int, str] = field(default_factory=lambda: dict.fromkeys(HORIZONS, ""))
    actions: list[ActionDraft] = field(default_factory=list)

    def actions_for(self, horizon: int) -> list[ActionDraft]:
        return [a for a in self.actions if a.horizon == horizon]


_PLAN = (select(CareerPlan)  # prepared once: /careerplan and App Home read it
         .where(CareerPlan.team_id == bindparam("team_id"),
                CareerPlan.owner_id == bindparam("owner_id"))
         .options(joinedload(CareerPlan.actions)))


def get_plan(session: Session, team_id: str, owner_id: str) -> CareerPlan | None:
    """The owner's plan with its actions, in one statement (a plan has a few actions)."""
    return session.execute(_PLAN, {"team_id": team_id, "owner_id": owner_id}
                           ).unique().scalar_one_or_none()


def record_of(plan: CareerPlan) -> access.Record:
    return access.Record(plan.team_id, plan.owner_id, party_id=plan.shared_with)


def can_read(session: Session, plan: CareerPlan, user_id: str) -> bool:
    """The owner; and the manager it was shared with, while they are still the manager."""
    return access.allowed(session, user_id, Action.CAREER_PLAN_READ, record_of(plan))


def plan_for(session: Session, team_id: str, plan_id: int, actor_id: str, action: Action,
             message: str) -> CareerPlan:
    """The plan if `actor_id` may do `action` on it; AccessDenied(message) otherwise (also for
    unknown ids and other workspaces)."""
    plan = session.scalar(
        select(CareerPlan).where(CareerPlan.team_id == team_id, CareerPlan.id == plan_id)
    )
    access.require(session, actor_id, action, record_of(plan) if plan else None,
                   message=message, error=AccessDenied)
    return plan  # type: ignore[return-value]


def readable_plan(session: Session, team_id: str, plan_id: int, reader_id: str) -> CareerPlan:
    """The plan if `reader_id` may read it."""
    return plan_for(session, team_id, plan_id, reader_id, Action.CAREER_PLAN_READ,
                    "This career plan is private: only its owner, and the manager they "
                    "shared it with, can see it.")


def owned_action(session: Session, team_id: str, action_id: int, owner_id: str) -> PlanAction:
    """An action of `owner_id`'s own plan; AccessDenied for anyone else's."""
    row = session.execute(
        select(PlanAction, CareerPlan.owner_id).join(CareerPlan).where(
            PlanAction.id == action_id, CareerPlan.team_id == team_id)
    ).first()
    access.require(session, owner_id, Action.CAREER_PLAN_EDIT,
                   access.Record(team_id, row.owner_id) if row else None,
                   message="Only the plan's owner can change its actions.", error=AccessDenied)
    return row[0]  # type: ignore[index]


def validate(draft: PlanDraft, *, today: date) -> dict[tuple[str, int, int], str]:
    """Errors keyed by (field, horizon, slot); field is aspiration, what or due."""
    errors: dict[tuple[str, int, int], str] = {}
    if not draft.aspirations.get(1, "").strip():
        errors[("aspiration", 1, 0)] = "Write where you want to be in one year."
    for horizon in HORIZONS:
        for slot, action in enumerate(draft.actions_for(horizon)):
            if action.blank:
                continue
            if not action.what.strip():
                errors[("what", horizon, slot)] = "What will you do?"
            if action.due is None:
                errors[("due", horizon, slot)] = "By when?"
            elif action.id is None and action.due <= today:
                errors[("due", horizon, slot)] = "Pick a date in the future."
    if not any(a.what.strip() for a in draft.actions) and ("what", 1, 0) not in errors:
        errors[("what", 1, 0)] = "Add at least one action."
    return errors


@dataclass(frozen=True)
class Saved:
    """A plan as just saved: what the confirmation needs."""

    id: int
    version: int
    shared_with: str | None


_PLANS, _ACTIONS = CareerPlan.__table__.c, PlanAction.__table__.c
_TEXTS = (*PURPOSE_FIELDS, *(f"aspiration_{h}" for h in HORIZONS))
# prepared once, Core only (run on the session's connection, no ORM layer): building a
# statement costs more than running it on SQLite
_FIND = (  # a plan's id, and its actions' ids and when they were done
    select(_PLANS.id, _ACTIONS.id, _ACTIONS.done_at)
    .outerjoin(PlanAction.__table__, _ACTIONS.plan_id == _PLANS.id)
    .where(_PLANS.team_id == bindparam("team_id"), _PLANS.owner_id == bindparam("owner_id")))
_CREATE = insert(CareerPlan.__table__).values(version=0).returning(_PLANS.id)
_UPDATE = (update(CareerPlan.__table__).where(_PLANS.id == bindparam("plan_id"))
           .values({**{name: bindparam(f"new_{name}") for name in _TEXTS},
                    "version": _PLANS.version + 1, "updated_at": bindparam("now")})
           .returning(_PLANS.version, _PLANS.shared_with))
_REMOVE = delete(PlanAction.__table__).where(  # the open actions the draft no longer has
    _ACTIONS.plan_id == bindparam("plan_id"), _ACTIONS.done_at.is_(None),
    _ACTIONS.id.not_in(bindparam("kept", expanding=True)))
_EDIT = (update(PlanAction.__table__).where(_ACTIONS.id == bindparam("action_id"))
         .values(what=bindparam("new_what"), due=bindparam("new_due"),
                 support=bindparam("new_support")))
_ADD = insert(PlanAction.__table__)
_VERSION = insert(PlanVersion.__table__)
_DRAFT = (  # a plan's texts and its open actions, in the modal's order
    select(*(_PLANS[name] for name in _TEXTS), _ACTIONS.horizon, _ACTIONS.what, _ACTIONS.due,
           _ACTIONS.support, _ACTIONS.id)
    .outerjoin(PlanAction.__table__,
               (_ACTIONS.plan_id == _PLANS.id) & _ACTIONS.done_at.is_(None))
    .where(_PLANS.team_id == bindparam("team_id"), _PLANS.owner_id == bindparam("owner_id"))
    .order_by(_ACTIONS.horizon, _ACTIONS.due, _ACTIONS.id))


def draft_for(session: Session, team_id: str, owner_id: str) -> PlanDraft:
    """The modal's content: the owner's plan with its open actions, or an empty draft."""
    rows = core(session).execute(_DRAFT, {"team_id": team_id, "owner_id": owner_id}).all()
    if not rows:
        return PlanDraft()
    plan = rows[0]  # each row repeats the plan's texts
    return PlanDraft(
        **{name: getattr(plan, name) for name in PURPOSE_FIELDS},
        aspirations={h: getattr(plan, f"aspiration_{h}") for h in HORIZONS},
        actions=[ActionDraft(r.horizon, r.what, r.due, r.support, r.id)
                 for r in rows if r.id is not None])


def save_plan(session: Session, team_id: str, owner_id: str, draft: PlanDraft,
              now: datetime) -> Saved:
    """Create or update the owner's plan from a valid draft and keep a version of it.

    It runs before a submission's ack, so it writes with SQL statements rather than through
    the ORM's unit of work: plan objects already loaded in `session` are not updated."""
    saved, sql = clean(draft), core(session)
    found = sql.execute(_FIND, {"team_id": team_id, "owner_id": owner_id}).all()
    plan_id = found[0][0] if found else sql.scalar(
        _CREATE, {"team_id": team_id, "owner_id": owner_id, "created_at": now, "updated_at": now})
    done = {action_id: done_at for _, action_id, done_at in found if action_id is not None}
    texts = {f"new_{name}": getattr(saved, name) for name in PURPOSE_FIELDS} | {
        f"new_aspiration_{h}": saved.aspirations[h] for h in HORIZONS}
    version, shared_with = sql.execute(_UPDATE, {"plan_id": plan_id, "now": now, **texts}).one()
    kept = [a.id for a in draft.actions if a.id is not None and not a.blank]
    sql.execute(_REMOVE, {"plan_id": plan_id, "kept": kept})
    if edits := [{"action_id": a.id, "new_what": a.what, "new_due": a.due,
                  "new_support": a.support} for a in saved.actions if a.id in done]:
        sql.execute(_EDIT, edits)
    if adds := [{"plan_id": plan_id, "horizon": a.horizon, "what": a.what, "due": a.due,
                 "support": a.support, "created_at": now}
                for a in saved.actions if a.id not in done]:
        sql.execute(_ADD, adds)
    saved.actions = [a for a in saved.actions if done.get(a.id) is None]  # done ones: not shown
    sql.execute(_VERSION, {"plan_id": plan_id, "version": version, "saved_at": now,
                           "content": json.dumps(snapshot(saved))})
    return Saved(plan_id, version, shared_with)


def clean(draft: PlanDraft) -> PlanDraft:
    """The draft as it is saved: trimmed to the limits, without blank or undated actions."""
    return PlanDraft(
        **{name: getattr(draft, name).strip()[: LIMITS["purpose"]] for name in PURPOSE_FIELDS},
        aspirations={h: draft.aspirations.get(h, "").strip()[: LIMITS["aspiration"]]
                     for h in HORIZONS},
        actions=[ActionDraft(a.horizon, a.what.strip()[: LIMITS["what"]], a.due,
                             a.support.strip()[: LIMITS["support"]], a.id)
                 for a in draft.actions if not a.blank and a.due is not None])


def snapshot(draft: PlanDraft) -> dict:
    """A plan's content as plain data (what a version records)."""
    data = asdict(draft)
    data["aspirations"] = {str(k): v for k, v in draft.aspirations.items()}
    data["actions"] = [{"horizon": a.horizon, "what": a.what, "due": str(a.due),
                        "support": a.support} for a in draft.actions]
    return data


LABELS = {"why": "why you do what you do", "motivates": "what motivates you",
          "energy": "what gives you energy", "impact": "the impact you want"}


def history(session: Session, plan: CareerPlan) -> list[tuple[int, datetime, list[str]]]:
    """(version, saved at, what changed) for each save, newest first."""
    rows = session.scalars(
        select(PlanVersion).where(PlanVersion.plan_id == plan.id).order_by(PlanVersion.version)
    ).all()
    result, previous = [], None
    for row in rows:
        content = json.loads(row.content)
        result.append((row.version, row.saved_at, changes(previous, content)))
        previous = content
    return result[::-1]


def changes(before: dict | None, after: dict) -> list[str]:
    """Human descriptions of what differs between two snapshots."""
    if before is None:
        return ["first version"]
    found = [f"changed {label}" for name, label in LABELS.items() if before[name] != after[name]]
    for horizon in map(str, HORIZONS):
        if before["aspirations"][horizon] != after["aspirations"][horizon]:
            found.append(f"changed the {horizon}-year aspiration")
    old = {(a["horizon"], a["what"], a["due"]) for a in before["actions"]}
    new = {(a["horizon"], a["what"], a["due"]) for a in after["actions"]}
    if new - old:
        found.append(f"{len(new - old)} action(s) added or changed")
    if old - new:
        found.append(f"{len(old - new)} action(s) removed, changed or done")
    return found or ["saved without changes"]


def share(plan: CareerPlan, manager_id: str, now: datetime) -> None:
    if plan.shared_with != manager_id:
        plan.acknowledged_at = None
    plan.shared_with, plan.shared_at = manager_id, now


def unshare(plan: CareerPlan) -> str | None:
    """Withdraw access; returns who had it."""
    previous = plan.shared_with
    plan.shared_with = plan.shared_at = plan.acknowledged_at = None
    return previous


def manager_feedback(session: Session, team_id: str, plan_id: int, author_id: str, kind: str,
                     text: str, now: datetime) -> tuple[CareerPlan, PlanFeedback]:
    """The manager's reply or feedback, kept with the plan; only the shared-with manager."""
    plan = plan_for(session, team_id, plan_id, author_id, Action.CAREER_PLAN_RESPOND,
                    "This career plan is private: feedback comes from the manager it "
                    "is shared with.")
    text = text.strip()
    if not text:
        raise PlanError("Write something first.")
    feedback = PlanFeedback(plan_id=plan.id, author_id=author_id, kind=kind,
                            text=text[: LIMITS["feedback"]], created_at=now)
    session.add(feedback)
    session.flush()
    return plan, feedback


def acknowledge(session: Session, team_id: str, plan_id: int, reader_id: str,
                now: datetime) -> CareerPlan:
    plan = plan_for(session, team_id, plan_id, reader_id, Action.CAREER_PLAN_RESPOND,
                    "This career plan is private: only the manager it is shared with "
                    "acknowledges it.")
    plan.acknowledged_at = now
    return plan


def latest_feedback(session: Session, plan: CareerPlan, limit: int = 3) -> list[PlanFeedback]:
    return list(session.scalars(
        select(PlanFeedback).where(PlanFeedback.plan_id == plan.id)
        .order_by(PlanFeedback.created_at.desc(), PlanFeedback.id.desc()).limit(limit)
    ))


def mark_done(action: PlanAction, now: datetime) -> None:
    if action.done_at is not None:
        raise PlanError("That action is already done.")
    action.done_at = now


def snooze(action: PlanAction, today: date, days: int = 7) -> date:
    action.snoozed_until = today + timedelta(days=days)
    return action.snoozed_until


def reschedule(action: PlanAction, due: date | None, today: date) -> None:
    if due is None or due <= today:
        raise PlanError("Pick a date in the future.")
    action.due, action.snoozed_until = due, None


def open_actions(plan: CareerPlan) -> list[PlanAction]:
    return sorted((a for a in plan.actions if a.done_at is None), key=lambda a: (a.due, a.id))


def due_soon(plan: CareerPlan, today: date) -> list[PlanAction]:
    """Open actions overdue or due within 30 days, unless snoozed past today."""
    return [a for a in open_actions(plan) if a.due <= today + DUE_SOON
            and not (a.snoozed_until and a.snoozed_until > today)]


def set_schedule(plan: CareerPlan, *, ordinal: int, weekday: int, hour: int) -> None:
    if not (1 <= ordinal <= 5 and 0 <= weekday <= 6 and 0 <= hour <= 23):
        raise PlanError("Pick a week, a day and an hour.")
    plan.feedback_ordinal, plan.feedback_weekday, plan.feedback_hour = ordinal, weekday, hour
