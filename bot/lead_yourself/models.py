"""The career plan: purpose, 1/3/5-year aspirations, actions, versions and feedback."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.core.db import Base, UTCDateTime


class CareerPlan(Base):
    """One plan per person; readable by its owner and, once shared, by `shared_with`."""

    __tablename__ = "career_plans"
    __table_args__ = (
        UniqueConstraint("team_id", "owner_id"),
        ForeignKeyConstraint(["team_id", "owner_id"], ["people.team_id", "people.user_id"],
                             ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    owner_id: Mapped[str] = mapped_column(String(32))
    why: Mapped[str] = mapped_column(Text, default="")
    motivates: Mapped[str] = mapped_column(Text, default="")
    energy: Mapped[str] = mapped_column(Text, default="")
    impact: Mapped[str] = mapped_column(Text, default="")
    aspiration_1: Mapped[str] = mapped_column(Text, default="")
    aspiration_3: Mapped[str] = mapped_column(Text, default="")
    aspiration_5: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=0)
    shared_with: Mapped[str | None] = mapped_column(String(32))
    shared_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    feedback_ordinal: Mapped[int] = mapped_column(Integer, default=1)  # 1-4, or 5 for "last"
    feedback_weekday: Mapped[int] = mapped_column(Integer, default=0)  # Monday = 0
    feedback_hour: Mapped[int] = mapped_column(Integer, default=10)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    actions: Mapped[list[PlanAction]] = relationship(
        back_populates="plan", cascade="all, delete-orphan",
        order_by="(PlanAction.horizon, PlanAction.due, PlanAction.id)",
    )

    def aspiration(self, horizon: int) -> str:
        return getattr(self, f"aspiration_{horizon}")


class PlanAction(Base):
    """Something the owner will do for one horizon, by a date, maybe with support."""

    __tablename__ = "plan_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("career_plans.id", ondelete="CASCADE"),
                                         index=True)
    horizon: Mapped[int] = mapped_column(Integer)
    what: Mapped[str] = mapped_column(Text)
    due: Mapped[date] = mapped_column(Date)
    support: Mapped[str] = mapped_column(Text, default="")
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    snoozed_until: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    plan: Mapped[CareerPlan] = relationship(back_populates="actions")


class PlanVersion(Base):
    """The plan as saved, once per save, for `/careerplan history`."""

    __tablename__ = "plan_versions"
    __table_args__ = (UniqueConstraint("plan_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("career_plans.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime())
    content: Mapped[str] = mapped_column(Text)  # JSON snapshot


class PlanFeedback(Base):
    """What the manager said about the plan (a reply to sharing, or monthly feedback)."""

    __tablename__ = "plan_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("career_plans.id", ondelete="CASCADE"),
                                         index=True)
    author_id: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))  # "reply" or "feedback"
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
