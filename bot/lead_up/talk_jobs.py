"""Scheduled DMs of home-office talks: plan them at the quarter's start, a mid-quarter nudge."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.core.models import Delivery
from bot.core.scheduler import Due
from bot.core.slack import send_dm
from bot.lead_up import talk_views, talks


class QuarterStart:
    """The quarter's first business day, 09:00 in the manager's time zone: plan the talks."""

    kind = "up.quarter_start"
    which = talks.START

    def collect(self, session: Session, now: datetime) -> Iterable[Due]:
        for team_id, manager_id, quarter in talks.talks_due(session, now, self.which):
            yield Due(team_id, manager_id, self.kind, quarter)

    def send(self, session: Session, client: WebClient, delivery: Delivery, now: datetime) -> bool:
        departments = talks.departments_of(session, delivery.team_id)
        message = talk_views.quarter_start_message(departments, delivery.period)
        send_dm(client, delivery.recipient, text=message.text, blocks=message.blocks_dicts())
        return True


class MidQuarter(QuarterStart):
    """The first business day from the 15th of the quarter's second month: who is not met yet."""

    kind = "up.quarter_mid"
    which = talks.MID

    def send(self, session: Session, client: WebClient, delivery: Delivery, now: datetime) -> bool:
        missing = talks.not_met(
            talks.departments_of(session, delivery.team_id),
            talks.quarter_talks(session, delivery.team_id, delivery.recipient, delivery.period))
        if not missing:
            return False
        message = talk_views.mid_quarter_message(missing, delivery.period)
        send_dm(client, delivery.recipient, text=message.text, blocks=message.blocks_dicts())
        return True


JOBS = (QuarterStart(), MidQuarter())
