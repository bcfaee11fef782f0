"""The contribution plan: goals that raise the boss's and the manager's contribution, agreed
with the boss."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.lead_up.models import ContributionPlan
from bot.org import access
from bot.org.access import Action
from bot.org.service import boss_of

AGREED_WITH = "The plan is agreed with"
MAX_GOALS = 5
LIMITS = {"goal": 300, "gain": 500, "suggestion": 2000}
STATUSES = {"not_started": "Not started", "in_progress": "In progress", "done": "Done"}
PROPOSED, AGREED, CHANGES = "proposed", "agreed", "changes"


class PlanError(Exception):
    """A request about a contribution plan that cannot be done; shown to the user."""


class AccessDenied(PlanError, access.Denied):
    """The person may not answer or read this plan."""


@dataclass
class Goal:
    goal: str
    boss: str = ""  # how it raises the boss's contribution
    mine: str = ""  # how it raises the manager's own
    status: str = "not_started"

    @property
    def blank(self) -> bool:
        return not (self.goal.strip() or self.boss.strip() or self.mine.strip())


def goals_of(plan: ContributionPlan | None) -> list[Goal]:
    return [Goal(**g) for g in json.loads(plan.goals or "[]")] if plan else []


def plan_of(session: Session, team_id: str, manager_id: str) -> ContributionPlan | None:
    return session.scalar(select(ContributionPlan).where(
        ContributionPlan.team_id == team_id, ContributionPlan.manager_id == manager_id))


def validate(goals: list[Goal]) -> dict[int, str]:
    """Errors by slot: each goal needs how it raises both contributions; one goal at least."""
    errors: dict[int, str] = {}
    for slot, goal in enumerate(goals):
        if goal.blank:
            continue
        if not goal.goal.strip():
            errors[slot] = "Name the goal."
        elif not (goal.boss.strip() and goal.mine.strip()):
            errors[slot] = "Say how it raises your manager's contribution and yours."
    if not errors and all(g.blank for g in goals):
        errors[0] = "Write at least one goal."
    return errors


def save(session: Session, team_id: str, manager_id: str, goals: list[Goal],
         now: datetime) -> tuple[ContributionPlan, bool]:
    """Save the goals; returns the plan and whether the boss must (re)agree: a plan is
    proposed again unless only the progress of agreed goals changed."""
    boss_id = boss_of(session, team_id, manager_id, purpose=AGREED_WITH, error=PlanError)
    kept = [g for g in goals if not g.blank]
    plan = plan_of(session, team_id, manager_id)
    if plan is None:
        plan = ContributionPlan(team_id=team_id, manager_id=manager_id, proposed_at=now)
        session.add(plan)
    same_words = [(g.goal, g.boss, g.mine) for g in goals_of(plan)] == \
        [(g.goal.strip(), g.boss.strip(), g.mine.strip()) for g in kept]
    needs_agreement = not (plan.status == AGREED and plan.boss_id == boss_id and same_words)
    plan.goals = json.dumps([asdict(Goal(g.goal.strip(), g.boss.strip(), g.mine.strip(),
                                         g.status if g.status in STATUSES else "not_started"))
                             for g in kept])
    if needs_agreement:
        plan.boss_id, plan.status, plan.proposed_at, plan.agreed_at = boss_id, PROPOSED, now, None
        plan.suggestion = ""
    session.flush()
    return plan, needs_agreement


def boss_plan(session: Session, team_id: str, plan_id: int, boss_id: str) -> ContributionPlan:
    """The plan if `boss_id` is the manager's manager it was proposed to; PlanError otherwise."""
    plan = session.scalar(select(ContributionPlan).where(
        ContributionPlan.team_id == team_id, ContributionPlan.id == plan_id))
    access.require(session, boss_id, Action.CONTRIBUTION_PLAN_ANSWER,
                   access.Record(team_id, plan.manager_id, party_id=plan.boss_id) if plan else None,
                   message="Only the manager this plan was proposed to can answer it.",
                   error=AccessDenied)
    return plan  # type: ignore[return-value]


def agree(session: Session, team_id: str, plan_id: int, boss_id: str,
          now: datetime) -> ContributionPlan:
    plan = boss_plan(session, team_id, plan_id, boss_id)
    if plan.status == AGREED:
        raise PlanError(f"You already agreed to this plan on {plan.agreed_at:%d %b %Y}.")
    plan.status, plan.agreed_at, plan.suggestion = AGREED, now, ""
    return plan


def suggest(session: Session, team_id: str, plan_id: int, boss_id: str,
            text: str) -> ContributionPlan:
    plan = boss_plan(session, team_id, plan_id, boss_id)
    if not text.strip():
        raise PlanError("Write what you would change.")
    plan.status, plan.suggestion, plan.agreed_at = CHANGES, text.strip(), None
    return plan


def progress(goals: list[Goal]) -> str:
    """`3 goals: 1 done, 1 in progress, 1 not started`."""
    counts = {key: sum(g.status == key for g in goals) for key in STATUSES}
    parts = [f"{n} {STATUSES[k].lower()}" for k, n in counts.items() if n]
    return f"{len(goals)} goal{'s' if len(goals) != 1 else ''}: {', '.join(parts)}"
