"""Bolt's listener pool, acknowledgements first, and the interpreter tuned for it.

Bolt runs each listener on its pool while the HTTP thread waits for `ack()`; whatever a
listener does after `ack()` (views.open, DMs, App Home) keeps its pool thread. With a pool as
large as the HTTP server's and every thread busy after its ack, the next request's listener
waited for one of them to finish before it could even acknowledge; and with many follow-ups
running at once, each acknowledgement also waited its turn for the GIL.

So only FOLLOW_UPS listeners run their after-ack part at once, in arrival order; the others
wait for a slot without using the CPU, and the pool has room for them (HEADROOM threads per
HTTP thread), so an acknowledgement neither queues behind nor competes with follow-up work.
A burst leaves a backlog that drains afterwards; a backlog beyond the pool makes new listeners
queue, which slows acknowledgements instead of delaying the follow-ups without bound. Slash
commands and clicks are not held back: their listener may open a modal with the request's
trigger id, which expires 3 seconds after the click (the views.open comes first, right after
the ack; `opens_views`). The others (view submissions' DMs and App Home refreshes, events)
wait for a slot.
"""

from __future__ import annotations

import gc
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from slack_bolt import BoltResponse

from bot.core.faults import StickyAck
from bot.core.logs import ContextExecutor

HEADROOM = 16
FOLLOW_UPS = 2
SWITCH_INTERVAL = 0.001  # seconds; Python's default is 0.005


def tune_interpreter() -> None:
    """For a server whose acknowledgements must not wait; call it once the app is built.

    A thread waiting for the GIL (an HTTP thread with an acknowledgement to send) gets it after
    1 ms of another thread's work instead of 5; and what start-up built (modules, the app,
    SQLAlchemy's metadata) is frozen out of the garbage collector's full passes, which would
    otherwise stop every thread for tens of milliseconds now and then."""
    sys.setswitchinterval(SWITCH_INTERVAL)
    gc.collect()
    gc.freeze()


class AckFirstExecutor(ContextExecutor):
    """The listener pool: `workers * HEADROOM` threads, `follow_ups` of them past their ack."""

    def __init__(self, workers: int, follow_ups: int = FOLLOW_UPS) -> None:
        super().__init__(max_workers=workers * HEADROOM, thread_name_prefix="listener")
        self._slots = threading.Semaphore(follow_ups)
        self._local = threading.local()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        def listener() -> Any:
            self._local.listening, self._local.slot = True, False
            try:
                return fn(*args, **kwargs)
            finally:
                if self._local.slot:
                    self._slots.release()
                self._local.listening = self._local.slot = False

        return super().submit(listener)

    def acknowledged(self) -> None:
        """After ack() on a listener thread: wait for a follow-up slot (once per listener).
        Elsewhere (Bolt acknowledges events on the HTTP thread) nothing waits."""
        if getattr(self._local, "listening", False) and not self._local.slot:
            self._slots.acquire()
            self._local.slot = True


TRIGGERED = frozenset({"block_actions", "shortcut", "message_action"})


def opens_views(body: dict[str, Any]) -> bool:
    """A slash command or a click: its listener may open a modal with the request's trigger
    id, which Slack honours for 3 seconds only, so its follow-up may not queue."""
    return bool(body.get("trigger_id")) and (body.get("command") is not None
                                             or body.get("type") in TRIGGERED)


class FollowUpAck(StickyAck):
    """StickyAck whose caller, a listener, then waits for its turn to do the follow-up (unless
    the follow-up is `urgent`: it opens a modal)."""

    def __init__(self, executor: AckFirstExecutor, *, urgent: bool = False) -> None:
        super().__init__()
        self._executor = executor
        self._urgent = urgent

    def __call__(self, *args: Any, **kwargs: Any) -> BoltResponse:
        response = super().__call__(*args, **kwargs)
        if not self._urgent:
            self._executor.acknowledged()
        return response
