"""Process-wide operational figures for `GET /metrics` (one registry per process)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


@dataclass
class Histogram:
    """Cumulative-bucket latency histogram, as Prometheus expects."""

    counts: list[int] = field(default_factory=lambda: [0] * len(BUCKETS))
    total: int = 0
    sum: float = 0.0

    def observe(self, seconds: float) -> None:
        self.total += 1
        self.sum += seconds
        for index, bound in enumerate(BUCKETS):
            if seconds <= bound:
                self.counts[index] += 1


@dataclass
class Registry:
    """What this process knows: request latencies by kind, leadership, the last tick."""

    requests: dict[str, Histogram] = field(default_factory=dict)
    leader: bool = False
    last_tick: datetime | None = None
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def observe_request(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.requests.setdefault(kind, Histogram()).observe(seconds)

    def set_leader(self, leader: bool) -> None:
        with self.lock:
            self.leader = leader

    def tick_done(self, at: datetime) -> None:
        with self.lock:
            self.last_tick = at


REGISTRY = Registry()
