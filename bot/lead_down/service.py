"""The Monday question: who is due when, answers from DMs, commitments, away and holidays."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session, aliased, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from bot.core.calendar import zone
from bot.core.db import insert_ignoring_conflicts
from bot.lead_down.models import (
    AnswerPart,
    Away,
    CheckinSettings,
    Commitment,
    Holiday,
    Question,
)
from bot.org import access
from bot.org.access import Action
from bot.org.models import Person, ReportingLine
from bot.org.service import report_ids_of

WORKDAY_END = 18  # a missed Monday question is still sent until 18:00 local, never later
REMINDER_HOUR = 9  # Tuesday
DIGEST_HOUR = 10  # Tuesday, manager's time
REPLY_WINDOW = timedelta(days=7)
QUIET_WEEKS = 3
LIMITS = {"answer": 3000, "commitment": 500}
ONLY_ASKER = "That answer is private: only the manager who asked can commit to it."
ONLY_ASKED = "That question is private: only the person who was asked can answer."


class CheckinError(Exception):
    """A request about the Monday question that cannot be done; shown to the user."""


class AccessDenied(CheckinError, access.Denied):
    """The person may not see or change this answer or commitment."""


def week_of(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


DEFAULT_SETTINGS = {"enabled": True, "hour": 9, "minute": 0, "reminder": True, "review_ordinal": 1,
                    "review_weekday": 1, "review_hour": 10}


def settings_of(session: Session, team_id: str, manager_id: str) -> CheckinSettings:
    """The manager's settings (the defaults when they never changed them)."""
    row = session.get(CheckinSettings, (team_id, manager_id))
    return row or CheckinSettings(team_id=team_id, manager_id=manager_id, **DEFAULT_SETTINGS)


def change_settings(session: Session, team_id: str, manager_id: str, **changes: object) -> None:
    insert_ignoring_conflicts(session, CheckinSettings, [
        {"team_id": team_id, "manager_id": manager_id, **DEFAULT_SETTINGS}])
    row = session.get_one(CheckinSettings, (team_id, manager_id))
    for name, value in changes.items():
        setattr(row, name, value)


def set_away(session: Session, team_id: str, user_id: str, until: date | None,
             today: date) -> None:
    """Away until `until` (inclusive); None means back now."""
    row = session.get(Away, (team_id, user_id))
    if until is None:
        if row is not None:
            session.delete(row)
        return
    if until < today or until > today + timedelta(days=366):
        raise CheckinError("Pick a date between today and a year from now.")
    if row is None:
        insert_ignoring_conflicts(session, Away, [{"team_id": team_id, "user_id": user_id,
                                                   "until": until}])
        row = session.get_one(Away, (team_id, user_id))
    row.until = until


def away_until(session: Session, team_id: str, user_id: str, today: date) -> date | None:
    row = session.get(Away, (team_id, user_id))
    return row.until if row is not None and row.until >= today else None


def holidays(session: Session, team_id: str, since: date) -> list[date]:
    return list(session.scalars(select(Holiday.day).where(
        Holiday.team_id == team_id, Holiday.day >= since).order_by(Holiday.day)))


def holidays_by_team(session: Session, since: date) -> dict[str, frozenset[date]]:
    """Workspace holidays from `since` on (holidays are set with `/team holidays`)."""
    found: dict[str, set[date]] = {}
    for team_id, day in session.execute(select(Holiday.team_id, Holiday.day)
                                        .where(Holiday.day >= since)):
        found.setdefault(team_id, set()).add(day)
    return {team: frozenset(days) for team, days in found.items()}


def add_holiday(session: Session, team_id: str, day: date) -> None:
    insert_ignoring_conflicts(session, Holiday, [{"team_id": team_id, "day": day}])


def remove_holiday(session: Session, team_id: str, day: date) -> bool:
    row = session.get(Holiday, (team_id, day))
    if row is not None:
        session.delete(row)
    return row is not None


@dataclass(frozen=True)
class DueQuestion:
    team_id: str
    report_id: str
    manager_id: str
    week: str


def due_questions(session: Session, now: datetime) -> Iterator[DueQuestion]:
    """Reports whose local time is Monday, from their manager's hour until the end of the
    working day, who are not away and have no holiday that week.

    Only the time zones where it is Monday before WORKDAY_END are read (each computed once),
    so most ticks of the week read no reporting line at all."""
    zones = {tz: now.astimezone(zone(tz)) for tz in session.scalars(select(Person.tz).distinct())}
    monday = {tz: local for tz, local in zones.items()
              if local.weekday() == 0 and local.hour < WORKDAY_END}
    if not monday:
        return
    report = aliased(Person)
    rows = session.execute(
        select(ReportingLine.team_id, ReportingLine.report_id, ReportingLine.manager_id,
               report.tz, CheckinSettings.enabled, CheckinSettings.hour,
               CheckinSettings.minute)
        .join(report, (report.team_id == ReportingLine.team_id)
              & (report.user_id == ReportingLine.report_id))
        .outerjoin(CheckinSettings, (CheckinSettings.team_id == ReportingLine.team_id)
                   & (CheckinSettings.manager_id == ReportingLine.manager_id))
        .where(report.deleted.is_(False), report.is_bot.is_(False), report.tz.in_(monday))
    ).all()
    aways = {(a.team_id, a.user_id): a.until for a in session.scalars(select(Away))}
    days_off: dict[str, set[str]] = {}
    for holiday in session.scalars(select(Holiday).where(Holiday.day >= (now - timedelta(
            days=8)).date())):
        days_off.setdefault(holiday.team_id, set()).add(week_of(holiday.day))
    for row in rows:
        if row.enabled is False:
            continue
        local = monday[row.tz]
        start = (9, 0) if row.hour is None else (row.hour, row.minute)
        if local.weekday() != 0 or not start <= (local.hour, local.minute) < (WORKDAY_END, 0):
            continue
        week = week_of(local.date())
        until = aways.get((row.team_id, row.report_id))
        if (until is not None and until >= local.date()) or week in days_off.get(row.team_id, ()):
            continue
        yield DueQuestion(row.team_id, row.report_id, row.manager_id, week)


def record_question(session: Session, due: DueQuestion, now: datetime) -> Question:
    """The week's question row (created once, whatever the number of ticks).

    A new row is not read back: it is attached to the session as inserted (the Monday
    fan-out creates thousands, one per delivery)."""
    row = {"team_id": due.team_id, "report_id": due.report_id, "manager_id": due.manager_id,
           "week": due.week, "asked_at": now}
    created = insert_ignoring_conflicts(session, Question.__table__, [row],
                                        returning=Question.id)
    if not created:
        return session.scalars(select(Question).where(
            Question.team_id == due.team_id, Question.report_id == due.report_id,
            Question.week == due.week)).one()
    question = Question(id=created[0], channel=None, ts=None, answered_at=None, **row)
    make_transient_to_detached(question)
    session.add(question)
    return question


_PLACE = update(Question.__table__).where(Question.__table__.c.id == bindparam("b_id"))


def place_question(session: Session, question: Question, channel: str, ts: str) -> None:
    """Record where the question was posted, so replies in that DM become its answer."""
    session.execute(_PLACE, {"b_id": question.id, "channel": channel, "ts": ts})
    set_committed_value(question, "channel", channel)
    set_committed_value(question, "ts", ts)


def unanswered_for_reminder(session: Session, now: datetime) -> Iterator[Question]:
    """Questions still unanswered when it is Tuesday 09:00-18:00 for the report."""
    report = aliased(Person)
    rows = session.execute(
        select(Question, report.tz, CheckinSettings.reminder)
        .join(report, (report.team_id == Question.team_id)
              & (report.user_id == Question.report_id))
        .outerjoin(CheckinSettings, (CheckinSettings.team_id == Question.team_id)
                   & (CheckinSettings.manager_id == Question.manager_id))
        .where(Question.answered_at.is_(None), Question.ts.is_not(None),
               Question.asked_at >= now - timedelta(days=2))
    ).all()
    for question, tz, reminder in rows:
        local = now.astimezone(zone(tz))
        if reminder is not False and local.weekday() == 1 and \
                REMINDER_HOUR <= local.hour < WORKDAY_END and question.week == week_of(
                    local.date() - timedelta(days=1)):
            yield question


def digests_due(session: Session, now: datetime) -> Iterator[tuple[str, str, str]]:
    """(team, manager, week) for managers whose local time is Tuesday from 10:00 and who asked
    anyone this week."""
    manager = aliased(Person)
    rows = session.execute(
        select(Question.team_id, Question.manager_id, manager.tz).distinct()
        .join(manager, (manager.team_id == Question.team_id)
              & (manager.user_id == Question.manager_id))
        .where(Question.asked_at >= now - timedelta(days=3), Question.ts.is_not(None))
    ).all()
    for team_id, manager_id, tz in rows:
        local = now.astimezone(zone(tz))
        if local.weekday() == 1 and local.hour >= DIGEST_HOUR:
            yield team_id, manager_id, week_of(local.date())


def question_for_reply(session: Session, team_id: str, report_id: str, channel: str,
                       thread_ts: str | None) -> Question | None:
    """The question a DM reply answers: its thread's, else the latest one asked in that DM."""
    query = select(Question).where(Question.team_id == team_id,
                                   Question.report_id == report_id, Question.channel == channel)
    if thread_ts:
        threaded = session.scalars(query.where(Question.ts == thread_ts)).first()
        if threaded is not None:
            return threaded
    return session.scalars(query.order_by(Question.asked_at.desc())).first()


def add_part(session: Session, question: Question, source_ts: str, text: str,
             now: datetime) -> bool:
    """Add one message to the answer; False if it was already there (a retried event)."""
    text = text.strip()[: LIMITS["answer"]]
    if not text:
        return False
    added = insert_ignoring_conflicts(session, AnswerPart, [
        {"question_id": question.id, "source_ts": source_ts, "text": text, "created_at": now}],
        returning=AnswerPart.id)
    if added and question.answered_at is None:
        question.answered_at = now
    return bool(added)


def edit_part(session: Session, team_id: str, report_id: str, source_ts: str, text: str | None,
              now: datetime) -> Question | None:
    """Apply an edited (or, with text None, deleted) DM message to the answer it belongs to."""
    part = session.scalars(
        select(AnswerPart).join(Question).where(
            Question.team_id == team_id, Question.report_id == report_id,
            AnswerPart.source_ts == source_ts)
    ).first()
    if part is None:
        return None
    question = session.get_one(Question, part.question_id)
    if text is None or not text.strip():
        session.delete(part)
        session.flush()
        if not parts(session, question):
            question.answered_at = None
    else:
        part.text, part.edited_at = text.strip()[: LIMITS["answer"]], now
    return question


def parts(session: Session, question: Question) -> list[AnswerPart]:
    return list(session.scalars(select(AnswerPart).where(AnswerPart.question_id == question.id)
                                .order_by(AnswerPart.created_at, AnswerPart.id)))


def answer_text(session: Session, question: Question) -> str:
    """The whole answer: its messages joined in the order they were written."""
    return "\n".join(p.text for p in parts(session, question))


def question_for(session: Session, team_id: str, question_id: int, actor_id: str,
                 action: Action, message: str) -> Question:
    """A question (and its answer) if `actor_id` may do `action` on it: the report asked
    owns it, the manager who asked is its party."""
    question = session.scalar(select(Question).where(Question.team_id == team_id,
                                                     Question.id == question_id))
    record = access.Record(team_id, question.report_id, party_id=question.manager_id) \
        if question else None
    access.require(session, actor_id, action, record, message=message, error=AccessDenied)
    return question  # type: ignore[return-value]


def readable_question(session: Session, team_id: str, question_id: int,
                      reader_id: str) -> Question:
    """A question and its answer, for the report and the manager who asked only."""
    return question_for(session, team_id, question_id, reader_id, Action.ANSWER_READ,
                        "That answer is private to the person who gave it and their manager.")


def commit(session: Session, team_id: str, question_id: int, manager_id: str, text: str,
           due: date | None, today: date, now: datetime) -> Commitment:
    """The manager records what they will do about an answer, by when."""
    question = question_for(session, team_id, question_id, manager_id, Action.COMMITMENT_WRITE,
                            ONLY_ASKER)
    if not text.strip():
        raise CheckinError("Write what you will do.")
    if due is None or due < today:
        raise CheckinError("Pick today or a later date.")
    commitment = Commitment(question_id=question.id, text=text.strip()[: LIMITS["commitment"]],
                            due=due, created_at=now)
    session.add(commitment)
    session.flush()
    return commitment


def complete(session: Session, team_id: str, commitment_id: int, manager_id: str,
             now: datetime) -> tuple[Commitment, Question]:
    row = session.execute(select(Commitment, Question).join(Question).where(
        Commitment.id == commitment_id, Question.team_id == team_id)).first()
    record = access.Record(team_id, row[1].report_id, party_id=row[1].manager_id) \
        if row else None
    access.require(session, manager_id, Action.COMMITMENT_WRITE, record, error=AccessDenied,
                   message="Only the manager who made that commitment can mark it done.")
    commitment, question = row  # type: ignore[misc]
    if commitment.done_at is not None:
        raise CheckinError("That commitment is already done.")
    commitment.done_at = now
    return commitment, question


@dataclass
class ReportAnswer:
    """One report's line in the digest."""

    report_id: str
    question: Question | None
    answer: str = ""
    commitments: list[Commitment] = field(default_factory=list)


def team_answers(session: Session, team_id: str, manager_id: str,
                 now: datetime) -> list[ReportAnswer]:
    """Each current report's latest answer (past week) and the commitments on it."""
    reports = report_ids_of(session, team_id, manager_id)
    if not reports:  # most people: no team to read about
        return []
    questions = session.scalars(select(Question).where(
        Question.team_id == team_id, Question.manager_id == manager_id,
        Question.asked_at >= now - REPLY_WINDOW, Question.ts.is_not(None))).all()
    latest = {q.report_id: q for q in sorted(questions, key=lambda q: q.asked_at)}
    ids = [q.id for q in latest.values()]
    texts: dict[int, list[str]] = {}
    promised: dict[int, list[Commitment]] = {}
    if ids:
        for part in session.scalars(select(AnswerPart).where(AnswerPart.question_id.in_(ids))
                                    .order_by(AnswerPart.created_at, AnswerPart.id)):
            texts.setdefault(part.question_id, []).append(part.text)
        for commitment in session.scalars(select(Commitment)
                                          .where(Commitment.question_id.in_(ids))
                                          .order_by(Commitment.id)):
            promised.setdefault(commitment.question_id, []).append(commitment)
    result = []
    for report_id in reports:
        question = latest.get(report_id)
        qid = question.id if question else -1
        result.append(ReportAnswer(report_id, question, "\n".join(texts.get(qid, [])),
                                   promised.get(qid, [])))
    return result


def quiet_reports(session: Session, team_id: str, manager_id: str) -> list[str]:
    """Reports whose last three questions from this manager all went unanswered (two columns
    per question, newest first, in the order of the manager's index: no sort, no ORM rows)."""
    recent: dict[str, list[bool]] = {}
    for report_id, open_ in session.execute(
            select(Question.report_id, Question.answered_at.is_(None)).where(
                Question.team_id == team_id, Question.manager_id == manager_id,
                Question.ts.is_not(None)).order_by(Question.asked_at.desc())):
        unanswered = recent.setdefault(report_id, [])
        if len(unanswered) < QUIET_WEEKS:
            unanswered.append(bool(open_))
    return sorted(r for r, unanswered in recent.items()
                  if len(unanswered) == QUIET_WEEKS and all(unanswered))


def open_commitments(session: Session, team_id: str, manager_id: str) -> list[Commitment]:
    return list(session.scalars(select(Commitment).join(Question).where(
        Question.team_id == team_id, Question.manager_id == manager_id,
        Commitment.done_at.is_(None)).order_by(Commitment.due, Commitment.id)))


def latest_question(session: Session, team_id: str, report_id: str,
                    now: datetime) -> Question | None:
    return session.scalars(select(Question).where(
        Question.team_id == team_id, Question.report_id == report_id,
        Question.asked_at >= now - REPLY_WINDOW, Question.ts.is_not(None))
        .order_by(Question.asked_at.desc())).first()
