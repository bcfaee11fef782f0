"""Scheduled work of lead down: the Monday question, its Tuesday reminder, the digest."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from slack_sdk import WebClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.blocks import Message
from bot.core.models import Delivery
from bot.core.scheduler import Due
from bot.core.slack import Posted, send_dm
from bot.lead_down import devplan, devplan_views, service, views
from bot.lead_down.models import Question
from bot.lead_down.service import DueQuestion


class MondayQuestion:
    """Every Monday at the manager's hour (09:00) in each report's own time zone, once."""

    kind = "down.question"

    def collect(self, session: Session, now: datetime) -> Iterable[Due]:
        for due in service.due_questions(session, now):
            yield Due(due.team_id, due.report_id, self.kind, due.week, ref=due.manager_id)

    def send(self, session: Session, client: WebClient, delivery: Delivery, now: datetime) -> bool:
        question = self._question(session, delivery, now)
        message = views.question_message(question)
        posted = send_dm(client, delivery.recipient, text=message.text,
                         blocks=message.blocks_dicts())
        service.place_question(session, question, posted.channel, posted.ts)
        return True

    def adopt(self, session: Session, delivery: Delivery, posted: Posted, now: datetime) -> None:
        """Record where the question is, so DM replies become its answer (also after a crash
        between posting it and recording it)."""
        service.place_question(session, self._question(session, delivery, now), posted.channel,
                               posted.ts)

    @staticmethod
    def _question(session: Session, delivery: Delivery, now: datetime) -> Question:
        due = DueQuestion(delivery.team_id, delivery.recipient, delivery.ref, delivery.period)
        return service.record_question(session, due, now)


class QuestionReminder:
    """One reminder on Tuesday 09:00 local when the question is still unanswered."""

    kind = "down.reminder"

    def collect(self, session: Session, now: datetime) -> Iterable[Due]:
        for question in service.unanswered_for_reminder(session, now):
            yield Due(question.team_id, question.report_id, self.kind, question.week,
                      ref=str(question.id))

    def send(self, session: Session, client: WebClient, delivery: Delivery, now: datetime) -> bool:
        question = session.get(Question, int(delivery.ref))
        if question is None or question.answered_at is not None:
            return False
        message = views.question_message(question, reminder=True)
        send_dm(client, question.report_id, text=message.text, blocks=message.blocks_dicts())
        return True


class Digest:
    """Tuesday 10:00 in the manager's time zone: each report's answer, with Commit buttons."""

    kind = "down.digest"

    def collect(self, session: Session, now: datetime) -> Iterable[Due]:
        for team_id, manager_id, week in service.digests_due(session, now):
            yield Due(team_id, manager_id, self.kind, week)

    def send(self, session: Session, client: WebClient, delivery: Delivery, now: datetime) -> bool:
        message = digest_message(session, delivery.team_id, delivery.recipient, now)
        send_dm(client, delivery.recipient, text=message.text, blocks=message.blocks_dicts())
        return True


def digest_message(session: Session, team_id: str, manager_id: str, now: datetime) -> Message:
    """The manager's digest as the database has it now (no Slack call)."""
    return views.digest_message(service.team_answers(session, team_id, manager_id, now),
                                service.quiet_reports(session, team_id, manager_id))



class MonthlyReview:
    """The first Tuesday of the month at 10:00 (per manager): review your team's plans."""

    kind = "dev.review"
    reminder = False

    def collect(self, session: Session, now: datetime) -> Iterable[Due]:
        due = devplan.review_reminders_due if self.reminder else devplan.reviews_due
        found = due(session, now)
        if self.reminder:  # only after a review DM went out that month
            found &= {tuple(row) for row in session.execute(
                select(Delivery.team_id, Delivery.recipient, Delivery.period).where(
                    Delivery.kind == MonthlyReview.kind, Delivery.status == "sent",
                    Delivery.period.in_({month for _, _, month in found})))}
        for team_id, manager_id, month in found:
            yield Due(team_id, manager_id, self.kind, month)

    def send(self, session: Session, client: WebClient, delivery: Delivery, now: datetime) -> bool:
        entries = devplan.team_plans(session, delivery.team_id, delivery.recipient)
        if self.reminder:  # only the plans not reviewed since the review DM a week ago
            since = now - devplan.REMIND_AFTER
            entries = [(r, p) for r, p in entries if p is not None
                       and (p.last_reviewed_at is None or p.last_reviewed_at < since)]
        if not any(plan for _, plan in entries):
            return False
        message = devplan_views.review_message(entries, now, reminder=self.reminder)
        send_dm(client, delivery.recipient, text=message.text, blocks=message.blocks_dicts())
        return True


class ReviewReminder(MonthlyReview):
    """One reminder a week after the review DM, when a plan is still not reviewed."""

    kind = "dev.review_reminder"
    reminder = True


JOBS = (MondayQuestion(), QuestionReminder(), Digest(), MonthlyReview(), ReviewReminder())
