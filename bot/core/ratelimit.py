"""Slack's rate limits, honoured once per workspace instead of once per thread.

Slack answers 429 with Retry-After when an app calls a workspace too fast (chat.postMessage:
about one message a second per channel, and a workspace-wide limit). slack-sdk's own handler
sleeps in the thread that was refused while every other thread carries on into more 429s.
Here one refused call pauses the whole workspace (its token): every call of every gateway
client of that token waits for the pause to end (bot/core/webclient.py), then the refused
calls go first.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

REFUSED_FIRST = 0.02  # after a pause, new calls wait this much longer than the refused ones


class Gate:
    """A workspace's rate-limit pause, shared by the threads that call Slack with its token."""

    def __init__(self, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._clock, self._sleep = clock, sleep
        self._lock = threading.Lock()
        self._until = float("-inf")

    def pause(self, seconds: float) -> None:
        """No call until `seconds` from now (a longer pause already set stays)."""
        with self._lock:
            self._until = max(self._until, self._clock() + seconds)

    def wait(self, *, refused: bool = False) -> float:
        """Sleep until the pause is over (REFUSED_FIRST longer unless `refused`); the seconds
        slept. A pause extended meanwhile is waited for too."""
        slept = 0.0
        while True:
            with self._lock:
                left = self._until + (0.0 if refused else REFUSED_FIRST) - self._clock()
            if left <= 0:
                return slept
            self._sleep(left)
            slept += left


_gates: dict[str, Gate] = {}
_gates_lock = threading.Lock()


def gate(token: str | None) -> Gate:
    """The gate of the workspace behind `token`: one per token in this process."""
    with _gates_lock:
        return _gates.setdefault(token or "", Gate())


class RateLimitHandler(RateLimitErrorRetryHandler):
    """Retry a 429 after Retry-After, with the whole workspace paused meanwhile (no jitter:
    the pause is shared, so there is no herd of threads to spread out)."""

    def prepare_for_next_attempt(self, *, state: RetryState, request: HttpRequest,
                                 response: HttpResponse | None = None,
                                 error: Exception | None = None) -> None:
        if response is None:
            raise error  # type: ignore[misc]
        workspace = gate(_header(request.headers, "authorization").removeprefix("Bearer "))
        workspace.pause(retry_after(response.headers))
        workspace.wait(refused=True)
        state.next_attempt_requested = True
        state.increment_current_attempt()


def retry_after(headers: Mapping[str, Any]) -> int:
    """Retry-After in whole seconds, as Slack sends it (1 when missing or unreadable)."""
    value = _header(headers, "retry-after")
    return int(value) if value.isdigit() else 1


def _header(headers: Mapping[str, Any], name: str) -> str:
    """A header's value whatever its case, and whether it comes as a string or a list."""
    for key, value in headers.items():
        if key.lower() == name:
            return str(value[0] if isinstance(value, list) and value else value).strip()
    return ""
