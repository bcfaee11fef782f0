"""Process-wide operational figures for `GET /metrics` (one registry per process)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
STATUSES = ("pending", "sent", "skipped", "failed")  # always exposed, 0 when none


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


def exposition(registry: Registry, deliveries: dict[str, int] | None, now: datetime) -> str:
    """The Prometheus text format (0.0.4) of `registry`, plus `deliveries` counted by status
    (None when the database did not answer)."""
    with registry.lock:
        requests = {kind: (list(h.counts), h.total, h.sum)
                    for kind, h in sorted(registry.requests.items())}
        leader, last_tick = registry.leader, registry.last_tick
    lines = _family("leadwell_request_duration_seconds", "histogram",
                    "Time to answer an HTTP request, by kind of request.")
    for label, (counts, total, seconds) in requests.items():
        name, kind = "leadwell_request_duration_seconds", _label(label)
        for bound, count in zip((*map(_number, BUCKETS), "+Inf"), (*counts, total), strict=True):
            lines.append(f'{name}_bucket{{kind="{kind}",le="{bound}"}} {count}')
        lines.append(f'{name}_sum{{kind="{kind}"}} {_number(seconds)}')
        lines.append(f'{name}_count{{kind="{kind}"}} {total}')
    lines += _family("leadwell_database_up", "gauge",
                     "1 if the database answered this scrape, else 0.")
    lines.append(f"leadwell_database_up {0 if deliveries is None else 1}")
    lines += _family("leadwell_deliveries", "gauge",
                     "Scheduled messages in the deliveries table, by status.")
    if deliveries is not None:
        for status, count in sorted({**dict.fromkeys(STATUSES, 0), **deliveries}.items()):
            lines.append(f'leadwell_deliveries{{status="{_label(status)}"}} {count}')
    lines += _family("leadwell_scheduler_leader", "gauge",
                     "1 if this process runs the scheduler (holds the leader lock), else 0.")
    lines.append(f"leadwell_scheduler_leader {int(leader)}")
    lines += _family("leadwell_scheduler_lag_seconds", "gauge",
                     "Seconds since this process's scheduler last finished a tick.")
    if last_tick is not None:
        lines.append(f"leadwell_scheduler_lag_seconds {_number((now - last_tick).total_seconds())}")
    return "\n".join(lines) + "\n"


def _family(name: str, kind: str, help_text: str) -> list[str]:
    return [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]


def _number(value: float) -> str:
    return repr(float(value))


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
