"""Scheduled work of lead up: the missing-report reminder and the monthly debrief agenda."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta

from slack_sdk import WebClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.calendar import first_business_day, local_instant, local_today, within_catch_up
from bot.core.models import Delivery
from bot.core.scheduler import Due
from bot.core.slack import Posted, send_dm
from bot.lead_down.service import holidays_by_team
from bot.lead_up import debrief, debrief_flows, periods, report_views, reports
from bot.lead_up.models import LeadUpSettings
from bot.org import service as org


def _managers_with_boss(session: Session, now: datetime) -> Iterator[tuple[
        org.ManagerRow, LeadUpSettings, frozenset[date], date]]:
    """(manager, their settings, their workspace's holidays, their local today)."""
    settings = {(s.team_id, s.manager_id): s for s in session.scalars(select(LeadUpSettings))}
    holidays = holidays_by_team(session, (now - timedelta(days=45)).date())
    for row in org.managers(session):
        if row.boss_id is None:
            continue
        yield (row, settings.get((row.team_id, row.manager_id))
               or reports.default_settings(row.team_id, row.manager_id),  # all saved are read
               holidays.get(row.team_id, frozenset()), local_today(now, row.tz))


class ReportReminder:
    """The first business day after a period, at the reminder hour: the report is missing."""

    kind = "up.report_reminder"

    def collect(self, session: Session, now: datetime) -> Iterable[Due]:
        for row, settings, holidays, today in _managers_with_boss(session, now):
            period = periods.previous(periods.current_period(settings.cadence, today))
            day = first_business_day(periods.end_of(period) + timedelta(days=1), holidays)
            if within_catch_up(local_instant(day, settings.reminder_hour, row.tz), now):
                yield Due(row.team_id, row.manager_id, self.kind, period)

    def send(self, session: Session, client: WebClient, delivery: Delivery, now: datetime) -> bool:
        report = reports.report_for(session, delivery.team_id, delivery.recipient,
                                    delivery.period)
        if report is not None and report.submitted_at is not None:
            return False
        message = report_views.reminder_message(delivery.period, report)
        send_dm(client, delivery.recipient, text=message.text, blocks=message.blocks_dicts())
        return True


class MonthlyDebrief:
    """The first business day of the month, at the debrief hour: the agenda in a group DM."""

    kind = "up.debrief"

    def collect(self, session: Session, now: datetime) -> Iterable[Due]:
        for row, settings, holidays, today in _managers_with_boss(session, now):
            day = first_business_day(today.replace(day=1), holidays)
            if within_catch_up(local_instant(day, settings.debrief_hour, row.tz), now):
                yield Due(row.team_id, row.manager_id, self.kind, debrief.month_of(today),
                          ref=row.boss_id or "")

    def send(self, session: Session, client: WebClient, delivery: Delivery, now: datetime) -> bool:
        return debrief_flows.post_agenda(session, client, delivery.team_id, delivery.recipient,
                                         delivery.period, now)

    def adopt(self, session: Session, delivery: Delivery, posted: Posted, now: datetime) -> None:
        """The agenda was posted but not recorded: record where it is (no second chart)."""
        row = debrief.ensure(session, delivery.team_id, delivery.recipient, delivery.period, now)
        row.channel, row.ts = posted.channel, posted.ts

    def channel_of(self, session: Session, client: WebClient, delivery: Delivery) -> str:
        """The agenda goes to the group DM of the manager and their boss (`ref`)."""
        return debrief_flows.group_dm(client, delivery.recipient, delivery.ref)


JOBS = (ReportReminder(), MonthlyDebrief())
