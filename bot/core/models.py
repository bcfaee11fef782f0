"""Core tables shared by every practice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.core.db import Base, UTCDateTime


class Workspace(Base):
    """A Slack workspace (team) the bot serves; every other row is scoped to one."""

    __tablename__ = "workspaces"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Delivery(Base):
    """One scheduled message, claimed under a unique key before it is sent (the outbox)."""

    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("team_id", "recipient", "kind", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("workspaces.team_id", ondelete="CASCADE")
    )
    recipient: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(64))
    period: Mapped[str] = mapped_column(String(64))
    ref: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    attempted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # last attempt began
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())  # an attempt owns it
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # retry backoff


class ProcessedEvent(Base):
    """A Slack event already handled (by `event_id`), so Slack's retries change nothing;
    rows older than a day are deleted."""

    __tablename__ = "processed_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
