"""Scheduled work of the career plan: the monthly check-in DM at the owner's local time."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from slack_sdk import WebClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.calendar import local_today, monthly_occurrence, within_catch_up
from bot.core.models import Delivery
from bot.core.scheduler import Due
from bot.core.slack import send_dm
from bot.lead_yourself import service, views
from bot.lead_yourself.models import CareerPlan
from bot.org.models import Person


class MonthlyCheckin:
    """Once a month (default first Monday 10:00 local): actions due soon and a feedback button."""

    kind = "career.monthly"

    def collect(self, session: Session, now: datetime) -> Iterable[Due]:
        rows = session.execute(
            select(CareerPlan.id, CareerPlan.team_id, CareerPlan.owner_id,
                   CareerPlan.feedback_ordinal, CareerPlan.feedback_weekday,
                   CareerPlan.feedback_hour, Person.tz)
            .join(Person, (Person.team_id == CareerPlan.team_id)
                  & (Person.user_id == CareerPlan.owner_id))
            .where(Person.deleted.is_(False))
        )
        for row in rows:
            period, instant = monthly_occurrence(
                now, ordinal=row.feedback_ordinal, weekday=row.feedback_weekday,
                hour=row.feedback_hour, tz=row.tz)
            if within_catch_up(instant, now):
                yield Due(row.team_id, row.owner_id, self.kind, period, ref=str(row.id))

    def send(self, session: Session, client: WebClient, delivery: Delivery, now: datetime) -> bool:
        plan = service.get_plan(session, delivery.team_id, delivery.recipient)
        owner = session.get(Person, (delivery.team_id, delivery.recipient))
        if plan is None or owner is None:
            return False
        today = local_today(now, owner.tz)
        manager = session.get(Person, (plan.team_id, plan.shared_with)) if plan.shared_with \
            else None
        message = views.monthly_message(plan, service.due_soon(plan, today), today=today,
                                        manager_name=manager.name if manager else None)
        send_dm(client, plan.owner_id, text=message.text, blocks=message.blocks_dicts())
        return True


JOBS = (MonthlyCheckin(),)
