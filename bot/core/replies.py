"""How listeners answer the person who acted: ephemeral where Slack allows it, else by DM."""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.core.blocks import Message
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
