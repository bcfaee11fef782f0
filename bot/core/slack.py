"""The one outbound Slack gateway: every Web API client is built here."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.core.config import Settings

TIMEOUT_SECONDS = 15


def build_client(settings: Settings, token: str | None = None) -> WebClient:
    """A WebClient on SLACK_API_URL that retries 429 (Retry-After), 5xx and connection errors."""
    return WebClient(
        token=token or settings.bot_token,
        base_url=settings.slack_api_url,
        timeout=TIMEOUT_SECONDS,
        retry_handlers=[
            RateLimitErrorRetryHandler(max_retry_count=3),
            ServerErrorRetryHandler(max_retry_count=2),
            ConnectionErrorRetryHandler(max_retry_count=2),
        ],
    )


@dataclass(frozen=True)
class Posted:
    """Where a message landed, for later chat.update calls."""

    channel: str
    ts: str


_dm_channels: dict[tuple[str, str], str] = {}
_dm_lock = threading.Lock()


def dm_channel(client: WebClient, user_id: str) -> str:
    """The IM channel with `user_id` (conversations.open once per process, then cached)."""
    key = (client.base_url, user_id)
    with _dm_lock:
        channel = _dm_channels.get(key)
    if channel is None:
        channel = client.conversations_open(users=user_id)["channel"]["id"]
        with _dm_lock:
            _dm_channels[key] = channel
    return channel


@dataclass
class Tag:
    """Slack message `metadata` put on every message posted inside `tagged()` (the scheduler
    tags a delivery's messages with its key); `posted` is where the first one landed."""

    metadata: dict[str, Any]
    posted: Posted | None = None


_tag: ContextVar[Tag | None] = ContextVar("leadwell_message_tag", default=None)


@contextmanager
def tagged(metadata: dict[str, Any]) -> Iterator[Tag]:
    """Within this block, `post_message` and `send_dm` attach `metadata` to what they post."""
    tag = Tag(metadata)
    token = _tag.set(tag)
    try:
        yield tag
    finally:
        _tag.reset(token)


def post_message(client: WebClient, channel: str, *, text: str,
                 blocks: list[Any] | None = None, **extra: Any) -> Posted:
    """chat.postMessage, carrying the current `tagged()` metadata if any."""
    tag = _tag.get()
    if tag is not None:
        extra.setdefault("metadata", tag.metadata)
    response = client.chat_postMessage(channel=channel, text=text, blocks=blocks, **extra)
    posted = Posted(channel=response["channel"], ts=response["ts"])
    if tag is not None and tag.posted is None:
        tag.posted = posted
    return posted


def send_dm(client: WebClient, user_id: str, *, text: str, blocks: list[Any] | None = None,
            **extra: Any) -> Posted:
    """Post a DM from the bot to `user_id`; `text` is the notification fallback."""
    return post_message(client, dm_channel(client, user_id), text=text, blocks=blocks, **extra)
