"""The load client: signed Slack requests from N threads over persistent connections, timed.

`TimedClient` is the tests' `SlackClient` (same payload builders, same signing) whose `post`
goes over one keep-alive `http.client` connection per thread and times only the exchange
(request written to response read). In capture mode it records interaction payloads instead
of sending them, so a view submission or a button click can be replayed many times with a
fresh trigger id.
"""

from __future__ import annotations

import copy
import http.client
import itertools
import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bot.testing import Response, SlackClient, SlackEmulator
from bot.testing.client import JsonDict
from bot.testing.process import children

TIMEOUT = 10.0  # seconds; a slower answer is an error (Slack gives up after 3)
SLOW = 3.0  # Slack's deadline for an acknowledgement


class TimedClient(SlackClient):
    """SlackClient over a persistent connection per thread; `seconds()` times the last one."""

    def __init__(self, url: str, signing_secret: str, emulator: SlackEmulator) -> None:
        super().__init__(url, signing_secret, emulator, timeout=TIMEOUT)
        parts = urlsplit(url)
        self.host, self.port, self.path = parts.hostname or "", parts.port or 80, parts.path
        self.local = threading.local()
        self.captured: list[JsonDict] | None = None

    def post(self, body: bytes, headers: dict[str, str]) -> Response:
        connection = getattr(self.local, "connection", None)
        if connection is None:
            connection = self.local.connection = http.client.HTTPConnection(
                self.host, self.port, timeout=TIMEOUT)
        started = time.perf_counter()
        try:
            connection.request("POST", self.path, body, headers)
            answer = connection.getresponse()
            raw = answer.read()
        except (OSError, http.client.HTTPException) as error:
            self.local.seconds = time.perf_counter() - started
            connection.close()
            self.local.connection = None
            return Response(599, {}, f"{type(error).__name__}: {error}")
        self.local.seconds = time.perf_counter() - started
        return Response(answer.status, dict(answer.getheaders()), raw.decode("utf-8", "replace"))

    def seconds(self) -> float:
        """How long this thread's last request took."""
        return float(self.local.seconds)

    def _send_payload(self, payload: JsonDict) -> Response:
        if self.captured is not None:
            self.captured.append(copy.deepcopy(payload))
            return Response(200, {}, "")
        return super()._send_payload(payload)

    def capture(self, send: Callable[[], object]) -> JsonDict:
        """The interaction payload `send` would post, recorded instead of sent."""
        self.captured = []
        try:
            send()
            return self.captured[-1]
        finally:
            self.captured = None

    def replay(self, user: str, payload: JsonDict) -> Response:
        """Send a captured interaction payload again with a fresh trigger id."""
        return super()._send_payload({**payload,
                                      "trigger_id": self.emulator.new_trigger_id(user)})


Send = Callable[[TimedClient, str, int], Response]
"""(client, user, request number) -> the bot's answer."""


@dataclass
class Sample:
    """What one run of requests measured."""

    seconds: list[float] = field(default_factory=list)
    errors: int = 0
    error_examples: list[str] = field(default_factory=list)
    wall: float = 0.0

    def add(self, other: Sample) -> None:
        self.seconds += other.seconds
        self.errors += other.errors
        self.error_examples = (self.error_examples + other.error_examples)[:5]
        self.wall += other.wall


def run(client: TimedClient, send: Send, users: Sequence[str], *, concurrency: int,
        requests: int, accept: Callable[[Response], bool]) -> Sample:
    """`requests` requests from `concurrency` threads (a closed loop: each sends its next one
    when the last is answered); worker w takes turns with users[w::concurrency]."""
    numbers = itertools.count()
    lock = threading.Lock()
    sample = Sample()

    def worker(index: int) -> None:
        mine = itertools.cycle(users[index::concurrency] or users)
        while (n := next(numbers)) < requests:
            response = send(client, next(mine), n)
            seconds, ok = client.seconds(), accept(response)
            with lock:
                sample.seconds.append(seconds)
                if not ok:
                    sample.errors += 1
                    if len(sample.error_examples) < 5:
                        sample.error_examples.append(f"{response.status} {response.text[:200]}")

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="load") as pool:
        for future in [pool.submit(worker, i) for i in range(concurrency)]:
            future.result()
    sample.wall = time.perf_counter() - started
    return sample


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0-100) of `values`."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.4999)))
    return ordered[rank - 1]


def summary(sample: Sample) -> dict[str, float | int | list[str]]:
    """p50/p95/p99/max in milliseconds, errors, answers over 3 s, throughput."""
    ms = [s * 1000 for s in sample.seconds]
    return {"requests": len(ms), "p50": round(percentile(ms, 50), 2),
            "p95": round(percentile(ms, 95), 2), "p99": round(percentile(ms, 99), 2),
            "max": round(max(ms, default=0.0), 2), "errors": sample.errors,
            "over_3s": sum(s > SLOW for s in sample.seconds),
            "per_second": round(len(ms) / sample.wall, 1) if sample.wall else 0.0,
            "error_examples": sample.error_examples}


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process `pid` and of its descendants, e.g. the worker
    processes of WEB_CONCURRENCY and their follow-up processes (Linux /proc)."""
    return sum(_cpu_of(p) for p in (pid, *descendants(pid)))


def descendants(pid: int) -> list[int]:
    """The running children of `pid`, theirs, and so on."""
    found = children(pid)
    return [*found, *(d for child in found for d in descendants(child))]


def _cpu_of(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except FileNotFoundError:  # ended meanwhile
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def wait_idle(pid: int, *, busy: float = 0.1, step: float = 0.25, limit: float = 300.0) -> float:
    """Wait until process `pid` uses less than `busy` of a core (its queued work done);
    returns the seconds waited."""
    started = time.monotonic()
    last = cpu_seconds(pid)
    while time.monotonic() - started < limit:
        time.sleep(step)
        now = cpu_seconds(pid)
        if now - last < busy * step:
            break
        last = now
    return time.monotonic() - started
