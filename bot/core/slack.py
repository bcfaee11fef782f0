"""The one outbound Slack gateway: every Web API client is built here."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.core.config import Settings
from bot.core.ratelimit import RateLimitHandler
from bot.core.webclient import GatewayClient

TIMEOUT_SECONDS = 15


def build_client(settings: Settings, token: str | None = None) -> WebClient:
    """A WebClient on SLACK_API_URL (keep-alive connections: bot/core/webclient.py) that
    retries 429 (after Retry-After, with every call of the workspace paused meanwhile:
    bot/core/ratelimit.py), 5xx and connection errors."""
    return GatewayClient(
        token=token or settings.bot_token,
        base_url=settings.slack_api_url,
        timeout=TIMEOUT_SECONDS,
        retry_handlers=[
            RateLimitHandler(max_retry_count=3),
            ServerErrorRetryHandler(max_retry_count=2),
            ConnectionErrorRetryHandler(max_retry_count=2),
        ],
    )


MAX_REQUEST_CLIENTS = 1024  # gateway clients kept for Bolt's per-request ones (by token)
_request_clients: dict[tuple[Any, ...], GatewayClient] = {}
_request_clients_lock = threading.Lock()


def for_request(client: WebClient) -> WebClient:
    """The gateway's client in place of the plain WebClient Bolt builds for each request
    (same token, workspace and retry handlers), so listeners' calls keep their connections
    alive and honour the workspace's rate-limit pause too. Built once per token and
    workspace, then reused (a WebClient is safe to share between threads)."""
    if isinstance(client, GatewayClient):
        return client
    key = (client.token, client.base_url, client.timeout, client.proxy,
           client.default_params.get("team_id"))
    with _request_clients_lock:
        gateway = _request_clients.get(key)
        if gateway is None:
            if len(_request_clients) >= MAX_REQUEST_CLIENTS:
                _request_clients.clear()
            gateway = _request_clients[key] = GatewayClient(
                token=client.token, base_url=client.base_url, timeout=client.timeout,
                ssl=client.ssl, proxy=client.proxy, headers=client.headers,
                team_id=client.default_params.get("team_id"), logger=client.logger,
                retry_handlers=client.retry_handlers)
    return gateway


Clients = Callable[[str], WebClient]
"""The Web API client of a workspace (team id): one token, or each installation's."""


class NotInstalled(LookupError):
    """No bot token is stored for the workspace (never installed, or its token was revoked)."""

    def __init__(self, team_id: str) -> None:
        super().__init__(f"workspace {team_id} has no installation (no bot token)")
        self.team_id = team_id


class SingleWorkspace:
    """Single-token mode: SLACK_BOT_TOKEN's client serves every workspace."""

    def __init__(self, client: WebClient) -> None:
        self.client = client

    def __call__(self, team_id: str) -> WebClient:
        return self.client

    def forget(self, team_id: str) -> None:
        """Nothing is cached per workspace."""


def per_team(client: WebClient | Clients) -> Clients:
    """A resolver of each workspace's client; a plain client serves every workspace."""
    return SingleWorkspace(client) if isinstance(client, WebClient) else client


@dataclass(frozen=True)
class Posted:
    """Where a message landed, for later chat.update calls."""

    channel: str
    ts: str


_dm_channels: dict[tuple[str, str | None, str], str] = {}
_dm_lock = threading.Lock()


def dm_channel(client: WebClient, user_id: str) -> str:
    """The IM channel with `user_id` (conversations.open once per process and token, then
    cached: user ids of two workspaces may be the same)."""
    key = (client.base_url, client.token, user_id)
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
    """Post a DM from the bot to `user_id`; `text` is the notification fallback.

    chat.postMessage takes the user id as its channel (the bot's DM with them), so a first DM
    needs no conversations.open (Tier 3: about 50 a minute, far below a Monday fan-out); the
    IM id it answers with is cached for `dm_channel`.
    """
    key = (client.base_url, client.token, user_id)
    with _dm_lock:
        channel = _dm_channels.get(key, user_id)
    posted = post_message(client, channel, text=text, blocks=blocks, **extra)
    with _dm_lock:
        _dm_channels[key] = posted.channel
    return posted
