"""What a person sees when a listener fails: a polite "try again in a minute", never a trace.

While the database is unreachable every listener fails the same way; the answer then says so.
A listener that failed before ack() gets its apology in the HTTP answer to Slack: an ephemeral
message for a slash command, an error under the first input of a modal; otherwise the caller
tells the person with respond() (or by DM from App Home).
"""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, BoltResponse

from bot.core.db import UNAVAILABLE
from bot.core.forms import FormErrors

SORRY = "Sorry, something went wrong on our side. Please try again in a minute."
DATABASE_DOWN = ("Sorry, Leadwell can't reach its database just now. "
                 "Please try again in a minute.")


class StickyAck(Ack):
    """Bolt's ack(), except that an acknowledgement can't be taken back.

    When a listener fails after ack(), Bolt's thread runner sets `ack.response = None` after
    calling the error handler; if that happens before the request thread (polling every 10 ms)
    has picked up the acknowledgement, Slack gets a 404 "unhandled request" instead. A listener
    failing fast (the database refusing connections) hits exactly that.
    """

    @property  # type: ignore[override]
    def response(self) -> BoltResponse | None:
        return self.__dict__.get("_response")

    @response.setter
    def response(self, value: BoltResponse | None) -> None:
        if value is not None or self.__dict__.get("_response") is None:
            self.__dict__["_response"] = value


def database_down(error: BaseException) -> bool:
    """Whether `error` means the database is unreachable, slow or broken (not a bug of ours)."""
    return isinstance(error, UNAVAILABLE)


def apology(error: BaseException) -> str:
    return DATABASE_DOWN if database_down(error) else SORRY


def unacknowledged_answer(body: dict[str, Any], text: str) -> BoltResponse | None:
    """The HTTP answer carrying `text` for a request not yet acknowledged, or None when the
    answer is an empty 200 and the person must be told otherwise."""
    if body.get("command"):
        return _json({"response_type": "ephemeral", "text": text})
    if body.get("type") != "view_submission":
        return None
    blocks = (body.get("view") or {}).get("blocks") or []
    block_id = next((b.get("block_id") for b in blocks if b.get("type") == "input"), None)
    if block_id:
        return _json({"response_action": "errors", "errors": {block_id: text}})
    return _json({"response_action": "push", "view": {
        "type": "modal", "title": {"type": "plain_text", "text": "Leadwell"},
        "close": {"type": "plain_text", "text": "OK"},
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]}})


def form_refusal(error: BaseException, body: dict[str, Any]) -> BoltResponse | None:
    """Inline errors for a modal whose listener raised FormErrors before ack() (a crafted
    value over an input's limit, say): nothing was written and it is no bug, so no trace."""
    if not isinstance(error, FormErrors) or body.get("type") != "view_submission":
        return None
    return _json({"response_action": "errors",
                  "errors": {str(k)[:255]: v[:150] for k, v in error.errors.items()}})


def _json(data: dict[str, Any]) -> BoltResponse:
    return BoltResponse(status=200, body=json.dumps(data),
                        headers={"content-type": "application/json;charset=utf-8"})
