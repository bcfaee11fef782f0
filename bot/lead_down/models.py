"""Lead down: the Monday question, answers, commitments, away days, and development plans."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.core.db import Base, UTCDateTime


class CheckinSettings(Base):
    """A manager's lead-down settings; no row means the defaults: the Monday question on at
    09:00 with its reminder, the development review the first Tuesday at 10:00."""

    __tablename__ = "checkin_settings"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    manager_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    enabled: Mapped[bool] = mapped_column(default=True)
    hour: Mapped[int] = mapped_column(Integer, default=9)
    minute: Mapped[int] = mapped_column(Integer, default=0)
    reminder: Mapped[bool] = mapped_column(default=True)
    review_ordinal: Mapped[int] = mapped_column(Integer, default=1)
    review_weekday: Mapped[int] = mapped_column(Integer, default=1)  # Tuesday
    review_hour: Mapped[int] = mapped_column(Integer, default=10)


class Away(Base):
    """Someone who set themselves away: no Monday question until `until` (inclusive)."""

    __tablename__ = "away"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    until: Mapped[date] = mapped_column(Date)


class Holiday(Base):
    """A workspace holiday: no Monday question that week."""

    __tablename__ = "holidays"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)


class Question(Base):
    """The Monday question as asked to one report one week, on behalf of their manager."""

    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("team_id", "report_id", "week"),
                      Index("ix_questions_manager", "team_id", "manager_id", "asked_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), index=True)
    report_id: Mapped[str] = mapped_column(String(32))
    manager_id: Mapped[str] = mapped_column(String(32), index=True)
    week: Mapped[str] = mapped_column(String(10))  # ISO week of the report, "2026-W49"
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    channel: Mapped[str | None] = mapped_column(String(32))
    ts: Mapped[str | None] = mapped_column(String(32))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AnswerPart(Base):
    """One message (or modal answer) of a report's answer; parts join in order into one answer."""

    __tablename__ = "answer_parts"
    __table_args__ = (UniqueConstraint("question_id", "source_ts"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"),
                                             index=True)
    source_ts: Mapped[str] = mapped_column(String(40))  # the Slack message ts, or "modal-<n>"
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Commitment(Base):
    """What the manager will do about an answer, by when; the report hears when it is done."""

    __tablename__ = "commitments"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"),
                                             index=True)
    text: Mapped[str] = mapped_column(Text)
    due: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class DevPlan(Base):
    """A report's professional development plan, written by their manager."""

    __tablename__ = "dev_plans"
    __table_args__ = (UniqueConstraint("team_id", "report_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    report_id: Mapped[str] = mapped_column(String(32))
    next_role: Mapped[str] = mapped_column(Text, default="")
    target_date: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class DevSkill(Base):
    """A skill to develop: where the report is and where they aim to be."""

    __tablename__ = "dev_skills"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("dev_plans.id", ondelete="CASCADE"),
                                         index=True)
    name: Mapped[str] = mapped_column(Text)
    current: Mapped[str] = mapped_column(Text, default="")
    target: Mapped[str] = mapped_column(Text, default="")


class DevAction(Base):
    """A development action (training, shadowing, a stretch assignment) with its status."""

    __tablename__ = "dev_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("dev_plans.id", ondelete="CASCADE"),
                                         index=True)
    kind: Mapped[str] = mapped_column(String(16))
    what: Mapped[str] = mapped_column(Text)
    due: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="not_started")
    note: Mapped[str] = mapped_column(Text, default="")


class DevReview(Base):
    """A monthly review as logged: when, by whom, and each action's status and note."""

    __tablename__ = "dev_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("dev_plans.id", ondelete="CASCADE"),
                                         index=True)
    reviewer_id: Mapped[str] = mapped_column(String(32))
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    summary: Mapped[str] = mapped_column(Text)  # JSON: [{"what", "status", "note"}]


class DevComment(Base):
    """A comment the report (or manager) added to the plan."""

    __tablename__ = "dev_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("dev_plans.id", ondelete="CASCADE"),
                                         index=True)
    author_id: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
