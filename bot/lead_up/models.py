"""Lead up: metric reports to the boss, the contribution plan, debriefs, home-office talks."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.core.db import Base, UTCDateTime


class LeadUpSettings(Base):
    """A manager's lead-up settings; no row means monthly reports, no custom metrics, the
    missing-report reminder and the debrief at 09:00 local."""

    __tablename__ = "lead_up_settings"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    manager_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    cadence: Mapped[str] = mapped_column(String(8), default="monthly")  # or "weekly"
    metrics: Mapped[str] = mapped_column(Text, default="[]")  # JSON [{"name", "unit"}]
    reminder_hour: Mapped[int] = mapped_column(Integer, default=9)
    debrief_hour: Mapped[int] = mapped_column(Integer, default=9)


class MetricReport(Base):
    """A manager's figures for one period; `submitted_at` is set once it went to the boss
    (numbers imported from a CRM wait, unsent, for the manager to review)."""

    __tablename__ = "metric_reports"
    __table_args__ = (UniqueConstraint("team_id", "manager_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    manager_id: Mapped[str] = mapped_column(String(32))
    period: Mapped[str] = mapped_column(String(10))  # "2026-11" or "2026-W48"
    sales: Mapped[float] = mapped_column(Float)
    target: Mapped[float] = mapped_column(Float)
    pipeline: Mapped[float] = mapped_column(Float)
    metrics: Mapped[str] = mapped_column(Text, default="{}")  # JSON {name: value}
    explanation: Mapped[str] = mapped_column(Text, default="")
    strategies: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(8), default="slack")  # slack, csv or api
    boss_id: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ApiToken(Base):
    """The workspace's token for `POST /api/metrics` (only its SHA-256 is kept)."""

    __tablename__ = "api_tokens"

    team_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("workspaces.team_id", ondelete="CASCADE"), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ContributionPlan(Base):
    """What the manager will do to raise their boss's and their own contribution."""

    __tablename__ = "contribution_plans"
    __table_args__ = (UniqueConstraint("team_id", "manager_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    manager_id: Mapped[str] = mapped_column(String(32))
    boss_id: Mapped[str | None] = mapped_column(String(32))
    goals: Mapped[str] = mapped_column(Text, default="[]")  # JSON [{"goal","boss","mine","status"}]
    status: Mapped[str] = mapped_column(String(16), default="proposed")  # proposed/agreed/changes
    suggestion: Mapped[str] = mapped_column(Text, default="")
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Debrief(Base):
    """The monthly debrief of a manager with their boss, held in `month` about the month before."""

    __tablename__ = "debriefs"
    __table_args__ = (UniqueConstraint("team_id", "manager_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    manager_id: Mapped[str] = mapped_column(String(32))
    boss_id: Mapped[str] = mapped_column(String(32))
    month: Mapped[str] = mapped_column(String(7))  # "2026-12"
    channel: Mapped[str | None] = mapped_column(String(32))
    ts: Mapped[str | None] = mapped_column(String(32))
    going_well: Mapped[str] = mapped_column(Text, default="")
    continue_doing: Mapped[str] = mapped_column(Text, default="")
    improve: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=0)
    recorded_by: Mapped[str | None] = mapped_column(String(32))
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DebriefVersion(Base):
    """A debrief as recorded, once per save."""

    __tablename__ = "debrief_versions"
    __table_args__ = (UniqueConstraint("debrief_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    debrief_id: Mapped[int] = mapped_column(ForeignKey("debriefs.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    saved_by: Mapped[str] = mapped_column(String(32))
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime())
    content: Mapped[str] = mapped_column(Text)  # JSON snapshot


class DebriefAction(Base):
    """An action agreed in a debrief; open ones carry into the next agendas until done."""

    __tablename__ = "debrief_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    debrief_id: Mapped[int] = mapped_column(ForeignKey("debriefs.id", ondelete="CASCADE"),
                                            index=True)
    owner_id: Mapped[str] = mapped_column(String(32))
    what: Mapped[str] = mapped_column(Text)
    due: Mapped[date] = mapped_column(Date)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Department(Base):
    """A home-office department the managers of the workspace meet each quarter."""

    __tablename__ = "home_office_departments"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    contact_id: Mapped[str | None] = mapped_column(String(32))
    position: Mapped[int] = mapped_column(Integer, default=0)


class HomeOfficeTalk(Base):
    """A quarterly talk of a manager with a home-office department."""

    __tablename__ = "home_office_talks"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    manager_id: Mapped[str] = mapped_column(String(32), index=True)
    department: Mapped[str] = mapped_column(String(80))
    day: Mapped[date] = mapped_column(Date)
    quarter: Mapped[str] = mapped_column(String(7))  # "2026-Q4", of `day`
    thanked: Mapped[str] = mapped_column(Text, default="")
    ideas: Mapped[str] = mapped_column(Text, default="")
    follow_ups: Mapped[str] = mapped_column(Text, default="")
    thank_you: Mapped[str] = mapped_column(Text, default="")
    thank_you_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
