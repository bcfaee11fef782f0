"""Work that only its latest call matters for (an App Home refresh), run at most so often.

A person's App Home shows what the database holds when it is built, so ten refreshes asked
within a second are worth one, built after the last change. `Coalescer.run(key, work)` runs
`work` at once unless that key's work is running or ran less than `interval` seconds ago; then
it returns at once and the key runs once more, with the latest call's work, when both have
passed: in the thread that was running it if the interval is already over, else by `later`
(the app's runs it in a follow-up slot of the listener pool: bot/core/acks.py). Thirty
reports answering their Monday question within a minute cost their manager's home a build
every `interval`, not thirty builds, and the last one always shows every answer.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass

log = logging.getLogger(__name__)

Work = Callable[[], None]
Later = Callable[[float, Work], object]
"""Calls its work on another thread after a delay in seconds (a started timer)."""
FORGET_AFTER = 1000  # keys remembered before the idle ones are dropped


@dataclass
class _Key:
    started: float
    running: bool = True
    pending: Work | None = None
    scheduled: bool = False  # a timer will start the next run

    @property
    def idle(self) -> bool:
        return not self.running and not self.scheduled and self.pending is None


class Coalescer:
    """Runs work for a key one at a time and at most once per `interval` seconds; the calls
    in between make it run once more afterwards (the latest call's work)."""

    def __init__(self, interval: float = 0.0, clock: Callable[[], float] = time.monotonic,
                 later: Later | None = None) -> None:
        self.interval, self._clock, self._later = interval, clock, later or start_timer
        self._lock = threading.Condition()
        self._keys: dict[Hashable, _Key] = {}

    def run(self, key: Hashable, work: Work) -> None:
        """Run `work` now in this thread (its exceptions are raised here), or leave it for
        the key's next run."""
        with self._lock:
            state, now = self._keys.get(key), self._clock()
            if state is not None and (not state.idle or now < state.started + self.interval):
                state.pending = work
                if not state.running and not state.scheduled:
                    self._schedule(state)
                return
            if len(self._keys) >= FORGET_AFTER:
                self._forget(now)
            state = self._keys[key] = _Key(started=now)
        self._work(state, work)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until no key runs or waits to run (False if `timeout` passed first)."""
        with self._lock:
            return self._lock.wait_for(lambda: all(s.idle for s in self._keys.values()), timeout)

    def _work(self, state: _Key, work: Work) -> None:
        while True:
            try:
                work()
            except BaseException:
                with self._lock:
                    self._done(state)
                raise
            with self._lock:
                if state.pending is None or self._clock() < state.started + self.interval:
                    self._done(state)
                    return
                work, state.pending, state.started = state.pending, None, self._clock()

    def _done(self, state: _Key) -> None:
        """The key's run ended (lock held): its next one waits for the interval, if asked."""
        state.running = False
        if state.pending is not None:
            self._schedule(state)
        self._lock.notify_all()

    def _schedule(self, state: _Key) -> None:
        delay = max(0.0, state.started + self.interval - self._clock())
        state.scheduled = True
        self._later(delay, lambda: self._fire(state))

    def _fire(self, state: _Key) -> None:
        with self._lock:
            state.scheduled = False
            work, state.pending = state.pending, None
            if work is None:
                self._lock.notify_all()
                return
            state.running, state.started = True, self._clock()
        try:
            self._work(state, work)
        except Exception:  # nobody waits for a deferred run: say so, the next call retries
            log.warning("a deferred refresh failed", exc_info=True)

    def _forget(self, now: float) -> None:
        for key in [k for k, s in self._keys.items()
                    if s.idle and now >= s.started + self.interval]:
            del self._keys[key]


def start_timer(delay: float, work: Work) -> threading.Timer:
    """A daemon thread running `work` after `delay` seconds."""
    timer = threading.Timer(delay, work)
    timer.daemon = True
    timer.start()
    return timer
