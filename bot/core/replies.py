"""How listeners answer the person who acted: ephemeral where Slack allows it, else by DM."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.models.views import View

from bot.core.blocks import Message
from bot.core.forms import ref_or_none
from bot.core.slack import send_dm


def ephemeral(message: Message) -> dict[str, Any]:
    """Arguments for ack()/respond() that show `message` only to the person."""
    payload: dict[str, Any] = {"text": message.text, "response_type": "ephemeral"}
    if message.blocks:
        payload["blocks"] = message.blocks_dicts()
    return payload


def explain(client: WebClient, body: dict, respond: Respond, text: str) -> None:
    """Tell the clicker what happened: ephemeral under a message, else (App Home) by DM."""
    if body.get("response_url"):
        respond(text=text, response_type="ephemeral", replace_original=False)
    else:
        send_dm(client, body["user"]["id"], text=text)


def modal_opener(contexts: Callable[[BoltContext, WebClient, str], Any],
                 build: Callable[[Any, str], View],
                 refusals: tuple[type[Exception], ...]) -> Callable[..., None]:
    """A listener for a button that opens a modal about the record named in its value.

    `build(ctx, value)` returns the modal or raises one of `refusals` (or ValueError for a
    malformed value); the clicker is then told why, and nothing opens.
    """

    def opener(ack: Ack, body: dict, action: dict, context: BoltContext, client: WebClient,
               respond: Respond) -> None:
        ack()
        ctx = contexts(context, client, body["user"]["id"])
        try:
            modal = build(ctx, action.get("value") or "")
        except (*refusals, ValueError) as error:
            explain(client, body, respond, str(error) or "That button is out of date.")
            return
        client.views_open(trigger_id=body["trigger_id"], view=modal.to_dict())

    return opener


def escape(text: str) -> str:
    """User text made safe for mrkdwn: no accidental mentions, links or broadcasts."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def record_id(view: dict) -> int:
    """The id of the record a modal is about, kept in its private_metadata (0 if malformed)."""
    return ref_or_none(view.get("private_metadata")) or 0


def modal_submitter(contexts: Callable[[BoltContext, WebClient, str], Any],
                    work: Callable[[Any, dict], Callable[[], None] | None],
                    refusals: tuple[type[Exception], ...], error_block: str) -> Callable[..., None]:
    """A view_submission listener: `work(ctx, view)` writes to the database before the modal is
    answered; a refusal keeps the modal open with the message under `error_block`, or with its
    own `errors` by block id when it carries them (Slack keeps what was typed); the follow-up
    it returns (DMs, App Home) runs after ack()."""

    def submitted(ack: Ack, body: dict, view: dict, context: BoltContext,
                  client: WebClient) -> None:
        ctx = contexts(context, client, body["user"]["id"])
        try:
            follow_up = work(ctx, view)
        except refusals as error:
            errors = getattr(error, "errors", None) or {error_block: str(error)}
            ack(response_action="errors", errors={k: v[:150] for k, v in errors.items()})
            return
        ack()
        if follow_up is not None:
            follow_up()

    return submitted
