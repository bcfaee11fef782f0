"""Events Slack would send when a user writes in their IM with the bot."""

from __future__ import annotations

import uuid

from bot.testing.emulator_base import ApiError, JsonDict
from bot.testing.emulator_state import EmulatorState


def _rich_text(text: str) -> JsonDict:
    section = {"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}
    return {"type": "rich_text", "block_id": uuid.uuid4().hex[:5], "elements": [section]}


def _user_message(state: EmulatorState, user_id: str, ts: str) -> tuple[str, JsonDict]:
    channel = state.open_im(user_id)["id"]
    try:
        msg = state.get_message(channel, ts)
    except ApiError:
        raise AssertionError(f"no message {ts} in the IM with {user_id}") from None
    if msg["user"] != user_id:
        raise AssertionError(f"message {ts} was not written by {user_id}")
    return channel, msg


def user_message(
    state: EmulatorState, user_id: str, text: str, thread_ts: str | None
) -> JsonDict:
    """Store a message the user wrote in their IM; returns the ``message`` event."""
    state.require_user(user_id)
    channel = state.open_im(user_id)["id"]
    msg = state.add_message(channel, user=user_id, text=text, thread_ts=thread_ts)
    msg["client_msg_id"] = str(uuid.uuid4())
    event: JsonDict = {
        "type": "message",
        "channel": channel,
        "channel_type": "im",
        "user": user_id,
        "text": text,
        "ts": msg["ts"],
        "event_ts": msg["ts"],
        "team": state.team_id,
        "client_msg_id": msg["client_msg_id"],
        "blocks": [_rich_text(text)],
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def user_edit(state: EmulatorState, user_id: str, ts: str, text: str) -> JsonDict:
    """Edit a user's IM message; returns the ``message_changed`` event."""
    channel, msg = _user_message(state, user_id, ts)
    previous: JsonDict = {"type": "message", "user": user_id, "text": msg["text"], "ts": ts}
    state.edit_message(msg, text=text, blocks=None)
    message: JsonDict = {
        "type": "message",
        "user": user_id,
        "text": text,
        "ts": ts,
        "edited": {"user": user_id, "ts": msg["edited_ts"]},
        "client_msg_id": msg.get("client_msg_id"),
        "blocks": [_rich_text(text)],
    }
    if msg["thread_ts"]:
        message["thread_ts"] = previous["thread_ts"] = msg["thread_ts"]
    return {
        "type": "message",
        "subtype": "message_changed",
        "hidden": True,
        "channel": channel,
        "channel_type": "im",
        "message": message,
        "previous_message": previous,
        "ts": msg["edited_ts"],
        "event_ts": msg["edited_ts"],
    }


def user_delete(state: EmulatorState, user_id: str, ts: str) -> JsonDict:
    """Delete a user's IM message; returns the ``message_deleted`` event."""
    channel, msg = _user_message(state, user_id, ts)
    state.delete_message(msg)
    event_ts = state.new_ts()
    previous: JsonDict = {"type": "message", "user": user_id, "text": msg["text"], "ts": ts}
    if msg["thread_ts"]:
        previous["thread_ts"] = msg["thread_ts"]
    return {
        "type": "message",
        "subtype": "message_deleted",
        "hidden": True,
        "channel": channel,
        "channel_type": "im",
        "deleted_ts": ts,
        "previous_message": previous,
        "ts": event_ts,
        "event_ts": event_ts,
    }
