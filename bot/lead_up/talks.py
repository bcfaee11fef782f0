"""Quarterly home-office talks: the workspace's departments, talk logs and when to nudge."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.core.calendar import first_business_day, local_instant, local_today, within_catch_up
from bot.lead_down.service import holidays_by_team
from bot.lead_up.ids import DEFAULT_DEPARTMENTS
from bot.lead_up.models import Department, HomeOfficeTalk
from bot.lead_up.periods import quarter_of, quarter_start
from bot.org import access
from bot.org.service import managers

MAX_DEPARTMENTS = 8
HOUR = 9  # the quarterly DMs come at 09:00 in the manager's time zone
LIMITS = {"name": 60, "thanked": 2000, "ideas": 2000, "follow_ups": 2000, "thank_you": 1000}
START, MID = "start", "mid"
MOMENTS = {START: (0, 1), MID: (1, 15)}  # (months after the quarter's start, day of the month)


class TalkError(Exception):
    """A request about home-office talks that cannot be done; the message is shown to the user."""


@dataclass
class TalkDraft:
    """A talk as typed in the Log talk modal."""

    department: str = ""
    day: date | None = None
    thanked: str = ""
    ideas: str = ""
    follow_ups: str = ""
    thank_you: str = ""


# departments ---------------------------------------------------------------------------


def departments_of(session: Session, team_id: str) -> list[Department]:
    """The workspace's departments in order (Finance, HR and Legal, unsaved, when it has none)."""
    rows = list(session.scalars(select(Department).where(Department.team_id == team_id)
                                .order_by(Department.position, Department.name)))
    return rows or [Department(team_id=team_id, name=name, contact_id=None, position=index)
                    for index, name in enumerate(DEFAULT_DEPARTMENTS)]


def find(departments: list[Department], name: str) -> Department | None:
    """The department called `name` (any case)."""
    key = name.strip().casefold()
    return next((d for d in departments if d.name.casefold() == key), None)


def validate_departments(entries: list[tuple[str, str | None]]) -> dict[int, str]:
    """Errors keyed by slot for (name, contact) entries; blank slots are fine and dropped."""
    errors: dict[int, str] = {}
    seen: set[str] = set()
    for slot, (name, contact) in enumerate(entries):
        name = name.strip()
        if not name:
            if contact:
                errors[slot] = "Name the department of this contact, or clear the contact."
            continue
        if len(name) > LIMITS["name"]:
            errors[slot] = f"Up to {LIMITS['name']} characters."
        elif name.casefold() in seen:
            errors[slot] = f"{name} is listed twice."
        seen.add(name.casefold())
    if not seen and not errors:
        errors[0] = "Keep at least one department."
    return errors


def replace_departments(session: Session, team_id: str,
                        entries: list[tuple[str, str | None]]) -> list[Department]:
    """Save the workspace's list from valid (name, contact) entries, blank slots dropped."""
    if validate_departments(entries):
        raise TalkError("Fix the department list first.")
    session.execute(delete(Department).where(Department.team_id == team_id))
    rows = [Department(team_id=team_id, name=name.strip(), contact_id=contact or None,
                       position=index)
            for index, (name, contact) in enumerate(e for e in entries if e[0].strip())]
    session.add_all(rows)
    session.flush()
    return rows


# talks ---------------------------------------------------------------------------------


def validate_talk(draft: TalkDraft, departments: list[Department], *,
                  today: date) -> dict[str, str]:
    """Errors keyed by field: department, day, thanked, thank_you."""
    errors: dict[str, str] = {}
    department = find(departments, draft.department)
    if department is None:
        errors["department"] = "Pick a department from the list."
    if draft.day is None:
        errors["day"] = "When was the talk?"
    elif draft.day > today:
        errors["day"] = "Log a talk once it has happened: pick today or an earlier day."
    if not draft.thanked.strip() and not draft.ideas.strip():
        errors["thanked"] = "Say what you thanked them for, or the ideas you learned."
    if draft.thank_you.strip() and department is not None and not department.contact_id:
        errors["thank_you"] = (f"{department.name} has no contact person to send the note to: "
                               "leave it blank, or ask an admin to name one.")
    return errors


def log_talk(session: Session, team_id: str, manager_id: str, draft: TalkDraft,
             departments: list[Department], now: datetime) -> HomeOfficeTalk:
    """Record a valid talk of `manager_id` under the quarter of its day."""
    department = find(departments, draft.department)
    if department is None or draft.day is None:
        raise TalkError("Pick a department and the day of the talk.")
    talk = HomeOfficeTalk(
        team_id=team_id, manager_id=manager_id, department=department.name, day=draft.day,
        quarter=quarter_of(draft.day), thanked=_clean(draft.thanked, "thanked"),
        ideas=_clean(draft.ideas, "ideas"), follow_ups=_clean(draft.follow_ups, "follow_ups"),
        thank_you=_clean(draft.thank_you, "thank_you") if department.contact_id else "",
        created_at=now)
    session.add(talk)
    session.flush()
    return talk


def _clean(text: str, field: str) -> str:
    return text.strip()[: LIMITS[field]]


def own_talk(session: Session, team_id: str, talk_id: int, manager_id: str) -> HomeOfficeTalk:
    """A talk, for the manager who logged it only."""
    talk = session.scalar(select(HomeOfficeTalk).where(HomeOfficeTalk.team_id == team_id,
                                                       HomeOfficeTalk.id == talk_id))
    access.require(session, manager_id, access.Action.TALK_EDIT,
                   access.Record(team_id, talk.manager_id) if talk else None, error=TalkError,
                   message="Talk logs are private to the manager who logged them.")
    return talk  # type: ignore[return-value]


def quarter_talks(session: Session, team_id: str, manager_id: str,
                  quarter: str) -> list[HomeOfficeTalk]:
    """The manager's talks of `quarter` ("2026-Q4"), by day."""
    return list(session.scalars(select(HomeOfficeTalk).where(
        HomeOfficeTalk.team_id == team_id, HomeOfficeTalk.manager_id == manager_id,
        HomeOfficeTalk.quarter == quarter).order_by(HomeOfficeTalk.day, HomeOfficeTalk.id)))


def not_met(departments: list[Department], talks: list[HomeOfficeTalk]) -> list[Department]:
    """The departments none of `talks` was with."""
    met = {t.department.casefold() for t in talks}
    return [d for d in departments if d.name.casefold() not in met]


# schedule ------------------------------------------------------------------------------


def moment(quarter: str, which: str, tz: str, days_off: frozenset[date]) -> datetime:
    """09:00 local on the quarter's first business day (START) or the first one on or after
    the 15th of its second month (MID)."""
    months, day = MOMENTS[which]
    start = quarter_start(quarter)
    on_or_after = date(start.year, start.month + months, day)
    return local_instant(first_business_day(on_or_after, days_off), HOUR, tz)


def talks_due(session: Session, now: datetime, which: str) -> set[tuple[str, str, str]]:
    """(team, manager, quarter) whose quarter-start (or mid-quarter) moment has come."""
    due = set()
    days_off = holidays_by_team(session, (now - timedelta(days=100)).date())  # this quarter's
    for row in managers(session):
        quarter = quarter_of(local_today(now, row.tz))
        instant = moment(quarter, which, row.tz, days_off.get(row.team_id, frozenset()))
        if within_catch_up(instant, now):
            due.add((row.team_id, row.manager_id, quarter))
    return due


def thank_you_sent(session: Session, talk_id: int, now: datetime) -> None:
    talk = session.get(HomeOfficeTalk, talk_id)
    if talk is not None:
        talk.thank_you_sent_at = now

