"""Limits on what reaches Bolt and the listeners. A signed body Bolt could not parse, or whose
parts the listeners read have the wrong types, is refused (400) before Bolt sees it; slash-command
text longer than MAX_COMMAND_TEXT is answered at once (request bodies are capped in bot/app.py).
Slack never sends such requests: a forged or broken one gets a clean answer, never a 500."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltResponse

from bot.core.bodies import SlackBody

MAX_COMMAND_TEXT = 2000
# Fields the listeners read as text, when present: of an event (and its message or
# previous_message), of an interaction, of its view and of each of its actions.
EVENT_TEXTS = ("user", "channel", "channel_type", "ts", "thread_ts", "text", "subtype", "tab",
               "bot_id")
INTERACTION_TEXTS = ("trigger_id", "response_url")
VIEW_TEXTS = ("id", "hash", "callback_id", "private_metadata")
ACTION_TEXTS = ("action_id", "block_id", "value")


def well_formed(body: SlackBody) -> bool:
    """Whether Bolt could parse the body (bot/core/bodies.py) into a payload of the right
    shape."""
    return body.payload is not None and _payload_ok(body.payload)


def command_length(body: dict, next_: Callable[[], None]) -> BoltResponse | None:
    """Bolt middleware: an ephemeral refusal for an overlong command, else carry on."""
    text = body.get("text") if body.get("command") else None
    if isinstance(text, str) and len(text) > MAX_COMMAND_TEXT:
        answer = {"response_type": "ephemeral",
                  "text": f"That is too long for {str(body['command'])[:40]} ({len(text)} "
                          f"characters; at most {MAX_COMMAND_TEXT}). Nothing was changed."}
        return BoltResponse(status=200, body=json.dumps(answer),
                            headers={"content-type": "application/json;charset=utf-8"})
    next_()
    return None


def _payload_ok(body: dict[str, Any]) -> bool:
    event = body.get("event")
    if body.get("type") == "event_callback" or "event" in body:
        if not isinstance(event, dict):
            return False
        if event.get("type") == "user_change":
            user = event.get("user")
            return isinstance(user, dict) and isinstance(user.get("id"), str)
        if event.get("type") not in ("message", "app_home_opened"):
            return True  # no listener reads its fields (app_uninstalled, tokens_revoked)
        return _texts(event, EVENT_TEXTS) and all(
            _texts(event[k], EVENT_TEXTS) for k in ("message", "previous_message")
            if event.get(k) is not None)
    if body.get("command") is not None:
        return isinstance(body.get("user_id"), str)
    if "user" in body or "view" in body or "actions" in body:  # an interaction
        user, view, actions = body.get("user"), body.get("view"), body.get("actions", [])
        state = view.get("state", {}) if isinstance(view, dict) else None
        return (isinstance(user, dict) and isinstance(user.get("id"), str)
                and _texts(body, INTERACTION_TEXTS)
                and (view is None or (_texts(view, VIEW_TEXTS) and isinstance(state, dict)
                                      and isinstance(state.get("values", {}), dict)))
                and isinstance(actions, list) and all(_texts(a, ACTION_TEXTS) for a in actions))
    return True


def _texts(part: object, fields: tuple[str, ...]) -> bool:
    """A dict whose `fields`, where present, are strings."""
    return isinstance(part, dict) and all(isinstance(part[k], str) for k in fields
                                          if part.get(k) is not None)
