"""Who may do what: every practice asks here before it reads or changes a person's records.

A record belongs to an *owner* (the person it is about) and may name one other *party* (the
manager a career plan was shared with, the manager who asked a Monday question, the boss a
plan was proposed to or a debrief is held with). An actor's roles towards a record are:

- OWNER: the actor is the owner;
- PARTY: the actor is the party named on the record;
- MANAGER: the actor is the owner's current manager;
- ADMIN: the actor is an admin or owner of the Slack workspace.

`POLICY` lists, for each action, the sets of roles that allow it (any one set, all of its
roles). Records are always looked up within the actor's workspace, so a person of another
workspace with the same user id is a stranger.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.orm import Session

from bot.org.models import Person
from bot.org.service import manager_of


class Role(StrEnum):
    OWNER = "owner"
    PARTY = "party"
    MANAGER = "manager"
    ADMIN = "admin"


class Action(StrEnum):
    """Everything the practices guard, named `<record>.<verb>`."""

    CAREER_PLAN_READ = "career_plan.read"
    CAREER_PLAN_EDIT = "career_plan.edit"
    CAREER_PLAN_RESPOND = "career_plan.respond"  # reply, feedback, acknowledge
    ANSWER_READ = "monday_answer.read"
    ANSWER_WRITE = "monday_answer.write"
    COMMITMENT_WRITE = "commitment.write"
    DEV_PLAN_READ = "dev_plan.read"  # and comment on it
    DEV_PLAN_WRITE = "dev_plan.write"  # write it and review it
    SALES_REPORT_READ = "sales_report.read"
    CONTRIBUTION_PLAN_READ = "contribution_plan.read"
    CONTRIBUTION_PLAN_ANSWER = "contribution_plan.answer"  # agree or suggest changes
    DEBRIEF_OPEN = "debrief.open"  # this month's debrief of a manager, created if needed
    DEBRIEF_READ = "debrief.read"  # an existing debrief, read or recorded
    TALK_EDIT = "home_office_talk.edit"
    WORKSPACE_ADMIN = "workspace.admin"  # holidays, home-office departments, others' lines


def _any(*options: tuple[Role, ...]) -> tuple[frozenset[Role], ...]:
    return tuple(frozenset(option) for option in options)


OWNER, PARTY, MANAGER, ADMIN = Role.OWNER, Role.PARTY, Role.MANAGER, Role.ADMIN
POLICY: Mapping[Action, tuple[frozenset[Role], ...]] = {
    Action.CAREER_PLAN_READ: _any((OWNER,), (PARTY, MANAGER)),  # shared with, and still the manager
    Action.CAREER_PLAN_EDIT: _any((OWNER,)),
    Action.CAREER_PLAN_RESPOND: _any((PARTY, MANAGER)),
    Action.ANSWER_READ: _any((OWNER,), (PARTY,)),  # the report and the manager who asked
    Action.ANSWER_WRITE: _any((OWNER,)),
    Action.COMMITMENT_WRITE: _any((PARTY,)),
    Action.DEV_PLAN_READ: _any((OWNER,), (MANAGER,)),
    Action.DEV_PLAN_WRITE: _any((MANAGER,)),
    Action.SALES_REPORT_READ: _any((OWNER,), (MANAGER,)),
    Action.CONTRIBUTION_PLAN_READ: _any((OWNER,), (MANAGER,)),
    Action.CONTRIBUTION_PLAN_ANSWER: _any((PARTY, MANAGER)),  # proposed to, and still the manager
    Action.DEBRIEF_OPEN: _any((OWNER,), (MANAGER,)),
    Action.DEBRIEF_READ: _any((OWNER,), (PARTY,)),
    Action.TALK_EDIT: _any((OWNER,)),
    Action.WORKSPACE_ADMIN: _any((ADMIN,)),
}


class Denied(Exception):
    """The actor may not do this; the message is safe to show them."""


@dataclass(frozen=True)
class Record:
    """Whose record it is (and who else it names), within one workspace."""

    team_id: str
    owner_id: str
    party_id: str | None = None


def roles(session: Session, actor_id: str, record: Record,
          wanted: frozenset[Role] = frozenset(Role)) -> set[Role]:
    """The actor's roles towards `record`, looking up only those in `wanted`."""
    found: set[Role] = set()
    if Role.OWNER in wanted and actor_id == record.owner_id:
        found.add(Role.OWNER)
    if Role.PARTY in wanted and record.party_id is not None and actor_id == record.party_id:
        found.add(Role.PARTY)
    if Role.MANAGER in wanted and actor_id != record.owner_id and \
            manager_of(session, record.team_id, record.owner_id) == actor_id:
        found.add(Role.MANAGER)
    if Role.ADMIN in wanted:
        person = session.get(Person, (record.team_id, actor_id))
        if person is not None and person.is_admin and not person.deleted:
            found.add(Role.ADMIN)
    return found


def allowed(session: Session, actor_id: str, action: Action, record: Record | None) -> bool:
    """Whether `actor_id` may do `action` on `record` (never on a record that is not there)."""
    if record is None or not actor_id:
        return False
    options = POLICY[action]
    held = roles(session, actor_id, record, frozenset().union(*options))
    return any(option <= held for option in options)


def require(session: Session, actor_id: str, action: Action, record: Record | None, *,
            message: str, error: type[Exception] = Denied) -> None:
    """Raise `error(message)` unless `actor_id` may do `action` on `record`."""
    if not allowed(session, actor_id, action, record):
        raise error(message)


def workspace(team_id: str) -> Record:
    """The record of workspace-wide settings (no owner: only roles like ADMIN apply)."""
    return Record(team_id=team_id, owner_id="")


def is_admin(session: Session, team_id: str, actor_id: str) -> bool:
    return allowed(session, actor_id, Action.WORKSPACE_ADMIN, workspace(team_id))


def require_admin(session: Session, team_id: str, actor_id: str, *, message: str,
                  error: type[Exception] = Denied) -> None:
    require(session, actor_id, Action.WORKSPACE_ADMIN, workspace(team_id), message=message,
            error=error)
