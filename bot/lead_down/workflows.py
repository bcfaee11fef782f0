"""Lead-down operations that talk to Slack: answers from DMs, modals, commitments."""

from __future__ import annotations

import logging
from datetime import date

from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View
from sqlalchemy import delete

from bot.core.blocks import Message
from bot.lead_down import service, views
from bot.lead_down.models import AnswerPart
from bot.org.access import Action
from bot.org.context import RequestContext
from bot.org.workflows import refresh_homes, tell

log = logging.getLogger(__name__)
ANSWERING = {None, "thread_broadcast", "file_share"}


def record_reply(ctx: RequestContext, event: dict) -> None:
    """A message the report wrote in their DM with the bot becomes (part of) their answer."""
    subtype = event.get("subtype")
    if subtype in ("message_changed", "message_deleted"):
        message = event.get("message") if subtype == "message_changed" else None
        original = message or event.get("previous_message") or {}

        def apply_edit() -> service.Question | None:
            with ctx.sessions.begin() as session:
                return service.edit_part(session, ctx.team_id, ctx.actor_id,
                                         original.get("ts", ""),
                                         message.get("text") if message else None, ctx.now)

        question = apply_edit()
        if question is None and message is not None:
            # the edit overtook its message: record the message, then apply the edit to
            # whichever of the two landed first
            record_reply(ctx, {**message, "channel": event.get("channel", "")})
            question = apply_edit()
        if question is not None:
            refresh_homes(ctx, [question.manager_id])
        return
    if subtype not in ANSWERING or event.get("bot_id"):
        return
    with ctx.sessions.begin() as session:
        question = service.question_for_reply(session, ctx.team_id, ctx.actor_id,
                                              event.get("channel", ""), event.get("thread_ts"))
        if question is None:
            return
        first = question.answered_at is None
        added = service.add_part(session, question, event.get("ts", ""), event.get("text", ""),
                                 ctx.now)
        manager_id, channel, ts = question.manager_id, question.channel, question.ts
    if added and first:
        thanks = views.thanks_message(manager_id)
        try:
            ctx.client.chat_postMessage(channel=channel, thread_ts=ts, text=thanks.text,
                                        blocks=thanks.blocks_dicts())
        except SlackApiError as error:
            log.warning("thanks not posted: %s", error.response.get("error"))
    if added:
        refresh_homes(ctx, [manager_id])


def answer_modal(ctx: RequestContext, question_id: int) -> View:
    with ctx.sessions.begin() as session:
        question = service.question_for(session, ctx.team_id, question_id, ctx.actor_id,
                                        Action.ANSWER_WRITE, service.ONLY_ASKED)
        return views.answer_modal(question, service.answer_text(session, question))


def submit_answer(ctx: RequestContext, question_id: int, text: str) -> str:
    """The modal's text becomes the whole answer; returns the manager to notify."""
    with ctx.sessions.begin() as session:
        question = service.question_for(session, ctx.team_id, question_id, ctx.actor_id,
                                        Action.ANSWER_WRITE, service.ONLY_ASKED)
        if not text.strip():
            raise service.CheckinError("Write your answer first.")
        session.execute(delete(AnswerPart).where(AnswerPart.question_id == question.id))
        question.answered_at = None
        service.add_part(session, question, f"modal-{ctx.now.timestamp():.6f}", text, ctx.now)
        return question.manager_id


def commit_modal(ctx: RequestContext, question_id: int) -> View:
    with ctx.sessions.begin() as session:
        question = service.question_for(session, ctx.team_id, question_id, ctx.actor_id,
                                        Action.COMMITMENT_WRITE, service.ONLY_ASKER)
        return views.commit_modal(question, service.answer_text(session, question),
                                  today=ctx.today(session))


def submit_commit(ctx: RequestContext, question_id: int, text: str,
                  due: date | None) -> Message:
    """Record the commitment (database only); returns the manager's note to send after ack."""
    with ctx.sessions.begin() as session:
        commitment = service.commit(session, ctx.team_id, question_id, ctx.actor_id, text, due,
                                    ctx.today(session), ctx.now)
        report_id = session.get_one(service.Question, question_id).report_id
        return views.committed_message(commitment, report_id)


def complete(ctx: RequestContext, commitment_id: int) -> str:
    """Mark a commitment done and tell the report: "You asked: … — <manager> did: …"."""
    with ctx.sessions.begin() as session:
        commitment, question = service.complete(session, ctx.team_id, commitment_id,
                                                ctx.actor_id, ctx.now)
        message = views.you_asked_message(service.answer_text(session, question),
                                          ctx.actor_id, commitment)
        report_id = question.report_id
    tell(ctx, report_id, message)
    refresh_homes(ctx, [ctx.actor_id, report_id])
    return f"Done, and <@{report_id}> knows: {commitment.text}"
