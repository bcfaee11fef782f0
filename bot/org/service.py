"""Reporting lines and their confirmations: the org's domain logic."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from bot.core.db import memoized
from bot.org.models import Person, Proposal, ProposalStatus, ReportingLine
from bot.org.people import OrgError

PROPOSAL_TTL = timedelta(days=7)
REMIND_AFTER = timedelta(days=1)


@dataclass
class OrgSnapshot:
    """What one person sees of the org: their manager, reports and open confirmations."""

    manager_id: str | None
    report_ids: list[str]
    to_confirm: list[Proposal] = field(default_factory=list)
    awaiting: list[Proposal] = field(default_factory=list)


@dataclass
class LineChange:
    """A reporting line that was set; `previous_manager_id` lost the report, if any."""

    manager_id: str
    report_id: str
    previous_manager_id: str | None


_MANAGER = select(ReportingLine.manager_id).where(  # prepared once: asked on most requests
    ReportingLine.team_id == bindparam("team_id"), ReportingLine.report_id == bindparam("user_id"))


def manager_of(session: Session, team_id: str, user_id: str) -> str | None:
    """`user_id`'s manager (asked once per App Home render: bot/core/db.py `memoized`)."""
    return memoized(session, ("manager_of", team_id, user_id), lambda: session.scalar(
        _MANAGER, {"team_id": team_id, "user_id": user_id}))


def report_ids_of(session: Session, team_id: str, manager_id: str) -> list[str]:
    """Direct reports of `manager_id`, by name (asked once per App Home render)."""
    return list(memoized(session, ("report_ids_of", team_id, manager_id), lambda: list(
        session.scalars(
            select(ReportingLine.report_id)
            .join(
                Person,
                (Person.team_id == ReportingLine.team_id)
                & (Person.user_id == ReportingLine.report_id),
            )
            .where(ReportingLine.team_id == team_id, ReportingLine.manager_id == manager_id)
            .order_by(Person.name, Person.user_id)
        )
    )))


def snapshot(session: Session, team_id: str, user_id: str) -> OrgSnapshot:
    """The org as `user_id` sees it."""
    pending = session.scalars(
        select(Proposal)
        .where(
            Proposal.team_id == team_id,
            Proposal.status == ProposalStatus.PENDING,
            (Proposal.confirmer_id == user_id) | (Proposal.proposer_id == user_id),
        )
        .order_by(Proposal.created_at, Proposal.id)
    ).all()
    return OrgSnapshot(
        manager_id=manager_of(session, team_id, user_id),
        report_ids=report_ids_of(session, team_id, user_id),
        to_confirm=[p for p in pending if p.confirmer_id == user_id],
        awaiting=[p for p in pending if p.proposer_id == user_id],
    )


def check_line(session: Session, team_id: str, *, manager: Person, report: Person) -> None:
    """Raise OrgError unless `report` may start reporting to `manager`."""
    for person in (manager, report):
        if person.is_bot:
            raise OrgError(f"<@{person.user_id}> is a bot; only people can be in the org.")
        if person.deleted:
            raise OrgError(f"<@{person.user_id}> is deactivated in this workspace.")
    if manager.user_id == report.user_id:
        raise OrgError("Nobody can be their own manager.")
    if manager_of(session, team_id, report.user_id) == manager.user_id:
        raise OrgError(f"<@{report.user_id}> already reports to <@{manager.user_id}>.")
    seen: set[str] = set()
    current: str | None = manager.user_id
    while current is not None and current not in seen:
        if current == report.user_id:
            raise OrgError(
                f"That would make a loop: <@{manager.user_id}> already reports, directly or "
                f"through others, to <@{report.user_id}>."
            )
        seen.add(current)
        current = manager_of(session, team_id, current)


def propose(
    session: Session, team_id: str, *, proposer: Person, manager: Person, report: Person,
    now: datetime,
) -> Proposal:
    """Record that `proposer` asks for report -> manager; the other person must confirm."""
    if proposer.user_id not in (manager.user_id, report.user_id):
        raise OrgError("You can only propose lines that include yourself.")
    check_line(session, team_id, manager=manager, report=report)
    confirmer = report if proposer.user_id == manager.user_id else manager
    existing = session.scalar(
        select(Proposal).where(
            Proposal.team_id == team_id,
            Proposal.manager_id == manager.user_id,
            Proposal.report_id == report.user_id,
            Proposal.status == ProposalStatus.PENDING,
        )
    )
    if existing is not None:
        raise OrgError(f"That request is already waiting for <@{existing.confirmer_id}>.")
    proposal = Proposal(
        team_id=team_id,
        manager_id=manager.user_id,
        report_id=report.user_id,
        proposer_id=proposer.user_id,
        confirmer_id=confirmer.user_id,
        status=ProposalStatus.PENDING,
        created_at=now,
    )
    session.add(proposal)
    session.flush()
    return proposal


def decide(
    session: Session, team_id: str, proposal_id: int, *, actor_id: str, confirm: bool,
    now: datetime,
) -> tuple[Proposal, LineChange | None]:
    """Confirm or decline a pending proposal as its confirmer."""
    proposal = session.scalar(
        select(Proposal)
        .where(Proposal.team_id == team_id, Proposal.id == proposal_id)
        .with_for_update()
    )
    if proposal is None or actor_id not in (proposal.confirmer_id, proposal.proposer_id):
        raise OrgError("That request isn't addressed to you.")
    if actor_id != proposal.confirmer_id:
        raise OrgError(f"Only <@{proposal.confirmer_id}> can answer that request.")
    if proposal.status != ProposalStatus.PENDING:
        raise OrgError(f"That request was already {proposal.status}.")
    change = None
    if confirm:
        manager = session.get(Person, (team_id, proposal.manager_id))
        report = session.get(Person, (team_id, proposal.report_id))
        assert manager is not None and report is not None
        change = set_line(session, team_id, manager=manager, report=report, now=now)
    proposal.status = ProposalStatus.CONFIRMED if confirm else ProposalStatus.DECLINED
    proposal.decided_at = now
    return proposal, change


def set_line(
    session: Session, team_id: str, *, manager: Person, report: Person, now: datetime
) -> LineChange:
    """Make `report` report to `manager` now (no confirmation), replacing any previous line."""
    check_line(session, team_id, manager=manager, report=report)
    line = session.get(ReportingLine, (team_id, report.user_id))
    previous = line.manager_id if line else None
    if line is None:
        session.add(
            ReportingLine(
                team_id=team_id, report_id=report.user_id, manager_id=manager.user_id,
                created_at=now,
            )
        )
    else:
        line.manager_id = manager.user_id
        line.created_at = now
    session.flush()
    return LineChange(manager.user_id, report.user_id, previous)


def remove_line(session: Session, team_id: str, *, actor_id: str, other_id: str) -> LineChange:
    """End the line between `actor_id` and `other_id`, whichever way it runs."""
    for report_id, manager_id in ((other_id, actor_id), (actor_id, other_id)):
        line = session.get(ReportingLine, (team_id, report_id))
        if line is not None and line.manager_id == manager_id:
            session.delete(line)
            session.flush()
            return LineChange(manager_id, report_id, manager_id)
    raise OrgError(f"<@{other_id}> is neither your manager nor one of your reports.")


def get_proposal(session: Session, team_id: str, proposal_id: int) -> Proposal | None:
    return session.scalar(
        select(Proposal).where(Proposal.team_id == team_id, Proposal.id == proposal_id)
    )


def pending_older_than(session: Session, cutoff: datetime) -> list[Proposal]:
    """Pending proposals created at or before `cutoff`, in every workspace."""
    return list(
        session.scalars(
            select(Proposal)
            .where(Proposal.status == ProposalStatus.PENDING, Proposal.created_at <= cutoff)
            .order_by(Proposal.id)
        )
    )


@dataclass(frozen=True)
class ManagerRow:
    """Someone with at least one direct report: their zone and their own manager (boss)."""

    team_id: str
    manager_id: str
    tz: str
    boss_id: str | None


def managers(session: Session) -> list[ManagerRow]:
    """Every active person with direct reports, in every workspace."""
    boss = select(ReportingLine.manager_id).where(
        ReportingLine.team_id == Person.team_id, ReportingLine.report_id == Person.user_id
    ).scalar_subquery()
    with_reports = select(ReportingLine.team_id, ReportingLine.manager_id).distinct().subquery()
    rows = session.execute(
        select(Person.team_id, Person.user_id, Person.tz, boss.label("boss_id"))
        .join(with_reports, (with_reports.c.team_id == Person.team_id)
              & (with_reports.c.manager_id == Person.user_id))
        .where(Person.deleted.is_(False))
        .order_by(Person.team_id, Person.user_id)
    )
    return [ManagerRow(r.team_id, r.user_id, r.tz, r.boss_id) for r in rows]


def boss_of(session: Session, team_id: str, user_id: str, *, purpose: str,
            error: type[Exception] = OrgError) -> str:
    """`user_id`'s manager; `error` saying what needs one (`purpose`) when they have none."""
    boss_id = manager_of(session, team_id, user_id)
    if boss_id is None:
        raise error(f"{purpose} your manager, and you have none in Leadwell yet: ask them to "
                    "confirm with `/team manager @name`.")
    return boss_id
