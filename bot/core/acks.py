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
queue, which slows acknowledgements instead of delaying the follow-ups without bound.

Slash commands and clicks are the exception: their listener may open a modal with the
request's trigger id, which expires 3 seconds after the click, so the views.open right after
their ack cannot wait in a backlog. They run whole (before and after their ack) at most
URGENT_AT_ONCE at a time: under overload they wait before their ack, which shows as latency,
rather than after it, which would show as a modal that never opens (`opens_views`).

The other listeners' part before their ack (a modal submission validates and saves first) runs
BEFORE_ACK_AT_ONCE at a time, also in arrival order: shared by every listener of a burst, the
interpreter would give each a sliver of its time and the unlucky ones would pass Slack's 3
seconds; taking turns, each waits for the ones in front and then runs at full speed. Events,
which Bolt acknowledges before their listener starts, are follow-up work from the start.

Turns and slots are handed out in arrival order (FairSemaphore), and they are for the
interpreter: a listener whose Slack call is not answered within 10 ms lends its turn to the
next in line until the answer comes (`turn_lent`, used by the gateway's client), then goes
ahead of the listeners that have not started.
"""

from __future__ import annotations

import gc
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from slack_bolt import BoltResponse

from bot.core.coalesce import Work, start_timer
from bot.core.faults import StickyAck
from bot.core.logs import ContextExecutor

HEADROOM = 16
FOLLOW_UPS = 2
URGENT_AT_ONCE = 4
BEFORE_ACK_AT_ONCE = 4
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


TRIGGERED = frozenset({"block_actions", "shortcut", "message_action"})
ACK_WAIT = 3.0  # seconds the request thread waits for an ack at most (Bolt's ack_timeout)
_URGENT: ContextVar[bool] = ContextVar("leadwell_urgent_listener", default=False)
_ACK: ContextVar[FollowUpAck | None] = ContextVar("leadwell_ack", default=None)
_HELD = threading.local()  # on a listener thread: `pool`, its executor; `turn`, the permit held


def opens_views(body: dict[str, Any]) -> bool:
    """A slash command or a click: its listener may open a modal with the request's trigger
    id, which Slack honours for 3 seconds only, so its follow-up cannot wait after the ack."""
    return bool(body.get("trigger_id")) and (body.get("command") is not None
                                             or body.get("type") in TRIGGERED)


class FairSemaphore:
    """A semaphore that gives its permits in arrival order: a release hands the permit to the
    oldest waiter. (threading.Semaphore lets a newcomer take a permit released while an older
    waiter is still waking up, so under load some threads wait far longer than the others.)"""

    def __init__(self, value: int) -> None:
        self._lock = threading.Lock()
        self._free = value
        self._waiters: deque[threading.Lock] = deque()

    def acquire(self, *, resuming: bool = False) -> None:
        """Wait for a permit behind the threads waiting already, or ahead of them if
        `resuming` (a thread that held one and lent it)."""
        with self._lock:
            if self._free:  # never while threads wait: a release hands its permit over
                self._free -= 1
                return
            turn = threading.Lock()
            turn.acquire()
            if resuming:
                self._waiters.appendleft(turn)
            else:
                self._waiters.append(turn)
        turn.acquire()  # released by the release() that hands this waiter its permit

    @property
    def waiting(self) -> int:
        """Threads waiting for a permit."""
        return len(self._waiters)

    def release(self) -> None:
        with self._lock:
            if self._waiters:
                self._waiters.popleft().release()
            else:
                self._free += 1


class AckFirstExecutor(ContextExecutor):
    """The listener pool: `workers * HEADROOM` threads; `before_ack` of them before their ack,
    `follow_ups` past it, and `urgent` listeners (commands, clicks) running whole, at a time."""

    def __init__(self, workers: int, follow_ups: int = FOLLOW_UPS,
                 urgent: int = URGENT_AT_ONCE, before_ack: int = BEFORE_ACK_AT_ONCE) -> None:
        super().__init__(max_workers=workers * HEADROOM, thread_name_prefix="listener")
        self._slots = FairSemaphore(follow_ups)
        self._urgent = FairSemaphore(urgent)
        self._before = FairSemaphore(before_ack)

    def ack_for(self, body: dict[str, Any]) -> FollowUpAck:
        """The ack() of a request about to be dispatched (Bolt middleware, HTTP thread)."""
        urgent = opens_views(body)
        _URGENT.set(urgent)  # the listener's thread runs in a copy of this context
        ack = FollowUpAck(self, urgent=urgent)
        _ACK.set(ack)
        return ack

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        ack = _ACK.get()  # submitted by the request thread its ack() belongs to
        acknowledged = ack is not None and ack.acknowledged()  # an event: Bolt acked it
        if ack is not None:
            ack.listening()

        def listener() -> Any:
            # an event's listener (acknowledged) is all follow-up: it waits for a slot
            turn = self._slots if acknowledged else \
                (self._urgent if _URGENT.get() else self._before)
            turn.acquire()
            _HELD.pool, _HELD.turn = self, turn
            try:
                return fn(*args, **kwargs)
            finally:
                if _HELD.turn is not None:
                    _HELD.turn.release()
                _HELD.pool = _HELD.turn = None
                if ack is not None:
                    ack.ended()

        try:
            return super().submit(listener)
        except BaseException:  # not started (the pool is shut down): nothing to wait for
            if ack is not None:
                ack.ended()
            raise

    def later(self, delay: float, work: Work) -> threading.Timer:
        """Run `work` after `delay` seconds, in a follow-up slot: deferred work (an App Home
        refresh, bot/core/coalesce.py) waits its turn with the follow-ups instead of competing
        with acknowledgements."""

        def in_slot() -> None:
            self._slots.acquire()
            _HELD.turn = self._slots
            try:
                work()
            finally:
                _HELD.turn.release()
                _HELD.turn = None

        return start_timer(delay, in_slot)

    def acknowledged(self) -> None:
        """After ack() on a listener thread: give the next listener its turn before the ack,
        then wait for a follow-up slot (once per listener). Elsewhere (Bolt acknowledges events
        on the HTTP thread) nothing waits."""
        if getattr(_HELD, "pool", None) is not self:
            return
        if _HELD.turn is self._before:
            self._before.release()
            _HELD.turn = None
        if _HELD.turn is None:
            self._slots.acquire()
            _HELD.turn = self._slots


@contextmanager
def turn_lent(keep: Callable[[], bool] = lambda: False) -> Iterator[None]:
    """Around a wait for Slack (the gateway's HTTP round trip, bot/core/webclient.py): unless
    `keep()` says the wait is over at once, the turn or slot this thread holds goes to the next
    in line meanwhile, and comes back ahead of the listeners that have not started, so the
    earliest finish first. Turns bound how many listeners share the interpreter; a listener
    waiting for slack.com (100 ms and more a call) does not use it. Elsewhere, nothing."""
    turn = getattr(_HELD, "turn", None)
    if turn is None or keep():
        yield
        return
    _HELD.turn = None
    turn.release()
    try:
        yield
    finally:
        turn.acquire(resuming=True)
        _HELD.turn = turn


class FollowUpAck(StickyAck):
    """StickyAck whose caller, a listener, then waits for its turn to do the follow-up (unless
    it is `urgent`: it may open a modal, and already waited for its turn before it began).

    The request thread (the one that made it) reads `response` in Bolt's loop that polls every
    10 ms for the acknowledgement; while a listener of the request runs, that read waits for
    the ack instead, so the answer leaves as soon as it is set, and thirty-two waiting request
    threads no longer wake a hundred times a second each to look."""

    def __init__(self, executor: AckFirstExecutor, *, urgent: bool = False) -> None:
        self._settled = threading.Condition()
        self._running = 0  # listeners of this request not yet ended
        self._waiter = threading.get_ident()
        super().__init__()
        self._executor = executor
        self._urgent = urgent

    @property  # type: ignore[override]
    def response(self) -> BoltResponse | None:
        if threading.get_ident() == self._waiter:
            with self._settled:
                self._settled.wait_for(lambda: self._running == 0 or
                                       self.__dict__.get("_response") is not None, ACK_WAIT)
        return self.__dict__.get("_response")

    @response.setter
    def response(self, value: BoltResponse | None) -> None:
        with self._settled:
            StickyAck.response.fset(self, value)  # type: ignore[attr-defined]
            self._settled.notify_all()

    def acknowledged(self) -> bool:
        """Whether ack() was called (never waits)."""
        return self.__dict__.get("_response") is not None

    def listening(self) -> None:
        """A listener of the request was submitted (on the request thread)."""
        with self._settled:
            self._running += 1

    def ended(self) -> None:
        """That listener returned or raised: nothing more to wait for from it."""
        with self._settled:
            self._running -= 1
            self._settled.notify_all()

    def __call__(self, *args: Any, **kwargs: Any) -> BoltResponse:
        response = super().__call__(*args, **kwargs)
        if not self._urgent:
            self._executor.acknowledged()
        return response
