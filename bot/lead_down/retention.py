"""How long Monday answers are kept (MONDAY_ANSWER_RETENTION_DAYS): each tick deletes the
questions asked before the cutoff with their answers and commitments, and their outbox rows."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from slack_sdk import WebClient
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.core.models import Delivery
from bot.core.scheduler import Due
from bot.lead_down.models import AnswerPart, Commitment, Question

log = logging.getLogger(__name__)
KINDS = ("down.question", "down.reminder", "down.digest")


def purge_answers(session: Session, now: datetime, days: int) -> int:
    """Delete what the Monday question gathered more than `days` days before `now`; returns
    the number of questions deleted."""
    cutoff = now - timedelta(days=days)
    old = select(Question.id).where(Question.asked_at < cutoff)
    for model in (AnswerPart, Commitment):
        session.execute(delete(model).where(model.question_id.in_(old))
                        .execution_options(synchronize_session=False))
    gone = session.execute(delete(Question).where(Question.asked_at < cutoff)
                           .execution_options(synchronize_session=False)).rowcount
    session.execute(delete(Delivery).where(Delivery.kind.in_(KINDS), Delivery.created_at < cutoff)
                    .execution_options(synchronize_session=False))
    return gone


class AnswerRetention:
    """A job that sends nothing: its `collect` applies the retention at each tick (`days`
    None keeps answers forever)."""

    kind = "down.retention"

    def __init__(self, days: int | None) -> None:
        self.days = days

    def collect(self, session: Session, now: datetime) -> Iterable[Due]:
        if self.days:
            gone = purge_answers(session, now, self.days)
            if gone:
                log.info("deleted %s Monday questions and their answers older than %s days",
                         gone, self.days)
        return ()

    def send(self, session: Session, client: WebClient, delivery: Delivery, now: datetime) -> bool:
        return False  # never claims a delivery
