"""The org: people and who reports to whom, per workspace."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, ForeignKeyConstraint, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.core.db import Base, UTCDateTime


class Person(Base):
    """A Slack user as last read with users.info."""

    __tablename__ = "people"

    team_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("workspaces.team_id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    tz: Mapped[str] = mapped_column(String(64))
    is_admin: Mapped[bool] = mapped_column(default=False)
    is_bot: Mapped[bool] = mapped_column(default=False)
    deleted: Mapped[bool] = mapped_column(default=False)
    refreshed_at: Mapped[datetime] = mapped_column(UTCDateTime())


def _person_fk(column: str) -> ForeignKeyConstraint:
    return ForeignKeyConstraint(
        ["team_id", column], ["people.team_id", "people.user_id"], ondelete="CASCADE"
    )


class ReportingLine(Base):
    """`report_id` reports to `manager_id`; one manager per person."""

    __tablename__ = "reporting_lines"
    __table_args__ = (
        _person_fk("report_id"),
        _person_fk("manager_id"),
        Index("ix_reporting_lines_manager", "team_id", "manager_id"),
    )

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    report_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    manager_id: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ProposalStatus(enum.StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    EXPIRED = "expired"


class Proposal(Base):
    """A proposed reporting line waiting for the other person's confirmation."""

    __tablename__ = "proposals"
    __table_args__ = (
        _person_fk("proposer_id"),
        _person_fk("confirmer_id"),
        Index("ix_proposals_pending", "team_id", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    manager_id: Mapped[str] = mapped_column(String(32))
    report_id: Mapped[str] = mapped_column(String(32))
    proposer_id: Mapped[str] = mapped_column(String(32))
    confirmer_id: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default=ProposalStatus.PENDING)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    dm_channel: Mapped[str | None] = mapped_column(String(32))
    dm_ts: Mapped[str | None] = mapped_column(String(32))
