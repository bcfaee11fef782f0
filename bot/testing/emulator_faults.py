"""Fault injection for the Slack emulator: failures, delays and rate limits per method."""

from __future__ import annotations

import json
import math
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Failure:
    """An injected HTTP answer that replaces the real one."""

    status: int
    headers: dict[str, str]
    body: bytes


@dataclass
class _Rule:
    remaining: int
    status: int = 200
    retry_after: int = 1
    error: str | None = None
    seconds: float = 0.0

    def failure(self) -> Failure:
        if self.status == 429:
            body = json.dumps({"ok": False, "error": self.error or "ratelimited"})
            headers = {"Retry-After": str(self.retry_after), "Content-Type": "application/json"}
            return Failure(429, headers, body.encode())
        if self.status == 200:
            body = json.dumps({"ok": False, "error": self.error or "fatal_error"})
            return Failure(200, {"Content-Type": "application/json"}, body.encode())
        text = self.error or f"{self.status} emulated server error"
        return Failure(self.status, {"Content-Type": "text/plain"}, text.encode())


@dataclass
class _Bucket:
    """`rate` calls a second, `rate` of them at once (a full bucket); refused calls are told
    to come back in whole seconds (Retry-After), as Slack does."""

    rate: float
    tokens: float
    stamp: float

    def take(self) -> int:
        """0 when a token was available, else the seconds to wait (at least 1)."""
        now = time.monotonic()
        self.tokens = min(max(self.rate, 1.0), self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0
        return max(1, math.ceil((1.0 - self.tokens) / self.rate))


@dataclass
class _Chaos:
    """Fail each call of ``methods`` with probability ``rate``, a status drawn from ``statuses``."""

    rate: float
    statuses: tuple[int, ...]
    retry_after: int
    methods: frozenset[str]
    rng: random.Random = field(default_factory=random.Random)

    def draw(self, method: str) -> Failure | None:
        if method not in self.methods and "*" not in self.methods:
            return None
        if self.rng.random() >= self.rate:
            return None
        status = self.statuses[self.rng.randrange(len(self.statuses))]
        return _Rule(remaining=0, status=status, retry_after=self.retry_after).failure()


class Faults:
    """Thread-safe registry of injected faults; ``"*"`` matches every method."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._failures: dict[str, list[_Rule]] = {}
        self._delays: dict[str, list[_Rule]] = {}
        self._buckets: dict[str, _Bucket] = {}
        self._chaos: _Chaos | None = None
        self._injected: Counter[str] = Counter()  # chaos failures per method
        self._limited: Counter[str] = Counter()  # 429s of the rate limits, per method

    def fail(
        self, method: str, status: int, retry_after: int, times: int, error: str | None
    ) -> None:
        """Answer the next ``times`` calls of ``method`` with an error."""
        rule = _Rule(remaining=times, status=status, retry_after=retry_after, error=error)
        with self._lock:
            self._failures.setdefault(method, []).append(rule)

    def delay(self, method: str, seconds: float, times: int) -> None:
        """Sleep ``seconds`` before answering the next ``times`` calls of ``method``."""
        with self._lock:
            self._delays.setdefault(method, []).append(_Rule(remaining=times, seconds=seconds))

    def rate_limit(self, method: str, per_second: float) -> None:
        """Token bucket: more than ``per_second`` calls a second get 429 with Retry-After.
        ``"*"`` is one bucket for every method: a workspace-wide limit."""
        if per_second <= 0:
            raise ValueError("per_second must be positive")
        with self._lock:
            self._buckets[method] = _Bucket(per_second, max(per_second, 1.0), time.monotonic())

    def chaos(self, rate: float, statuses: tuple[int, ...], retry_after: int,
              methods: tuple[str, ...], seed: int | None) -> None:
        """Fail a random share ``rate`` of the calls of ``methods``; rate 0 switches it off."""
        if not 0.0 <= rate <= 1.0:
            raise ValueError("rate must be between 0 and 1")
        if rate and not statuses:
            raise ValueError("statuses must not be empty")
        with self._lock:
            self._chaos = _Chaos(rate, tuple(statuses), retry_after, frozenset(methods),
                                 random.Random(seed)) if rate else None

    def rate_limited(self, method: str | None = None) -> int:
        """How many calls the rate limits refused (of ``method``, or in all)."""
        with self._lock:
            return self._limited[method] if method else sum(self._limited.values())

    def chaos_injected(self, method: str | None = None) -> int:
        """How many calls chaos failed (of ``method``, or in all)."""
        with self._lock:
            return self._injected[method] if method else sum(self._injected.values())

    def reset(self) -> None:
        """Remove every injected fault (chaos and rate limits too) and zero their counts."""
        with self._lock:
            self._failures.clear()
            self._delays.clear()
            self._buckets.clear()
            self._chaos = None
            self._injected.clear()
            self._limited.clear()

    @staticmethod
    def _pop(rules: dict[str, list[_Rule]], method: str) -> _Rule | None:
        for key in (method, "*"):
            queue = rules.get(key)
            if queue:
                rule = queue[0]
                rule.remaining -= 1
                if rule.remaining <= 0:
                    queue.pop(0)
                return rule
        return None

    def take(self, method: str) -> tuple[float, Failure | None]:
        """Consume the faults for one call: ``(delay seconds, failure or None)``."""
        with self._lock:
            delay = self._pop(self._delays, method)
            rule = self._pop(self._failures, method)
            if rule is not None:
                return (delay.seconds if delay else 0.0), rule.failure()
            failure = self._chaos.draw(method) if self._chaos else None
            if failure is not None:
                self._injected[method] += 1
                return (delay.seconds if delay else 0.0), failure
            for key in (method, "*"):
                bucket = self._buckets.get(key)
                wait = bucket.take() if bucket else 0
                if wait:
                    self._limited[method] += 1
                    limited = _Rule(remaining=0, status=429, retry_after=wait).failure()
                    return (delay.seconds if delay else 0.0), limited
            return (delay.seconds if delay else 0.0), None
