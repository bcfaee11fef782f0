"""The demo's stage: the real Leadwell app in this process, the Slack emulator, a moving clock.

The app (every listener, service and job), a SQLite database and the emulator all read the same
simulated clock, so a scripted month keeps its dates everywhere: the bot's "now", the
scheduler's ticks and the timestamps of the messages the emulator records.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_bolt import App
from sqlalchemy.orm import sessionmaker

from bot.core.coalesce import Coalescer
from bot.core.config import Settings
from bot.core.scheduler import TickSummary, tick
from bot.core.slack import build_client
from bot.testing import SlackClient, SlackEmulator

SECRET = "leadwell-demo-signing-secret"
JsonDict = dict[str, Any]


class SimClock:
    """The simulated time; it only moves forward."""

    def __init__(self, start: datetime) -> None:
        self._now = start.astimezone(UTC)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def timestamp(self) -> float:
        return self.now().timestamp()

    def move_to(self, when: datetime) -> None:
        with self._lock:
            self._now = max(self._now, when.astimezone(UTC))

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += timedelta(seconds=seconds)


class TrackingExecutor(Executor):
    """Wraps the app's listener pool so the stage can wait until every listener has finished."""

    def __init__(self, inner: Executor) -> None:
        self.inner = inner
        self._pending: set[Future[Any]] = set()
        self._lock = threading.Lock()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future = self.inner.submit(fn, *args, **kwargs)
        with self._lock:
            self._pending.add(future)
        future.add_done_callback(self._done)
        return future

    def _done(self, future: Future[Any]) -> None:
        with self._lock:
            self._pending.discard(future)

    def wait_idle(self, timeout: float = 30.0) -> None:
        """Block until no listener runs; raise if one takes longer than `timeout`."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                busy = bool(self._pending)
            if not busy:
                return
            if time.monotonic() > deadline:
                raise TimeoutError("a Leadwell listener did not finish")
            time.sleep(0.005)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.inner.shutdown(wait=wait, cancel_futures=cancel_futures)


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """No access log."""


def track(app: App) -> TrackingExecutor:
    """Route the app's listeners (and lazy listeners) through a TrackingExecutor."""
    runner = app.listener_runner
    tracker = TrackingExecutor(runner.listener_executor)
    runner.listener_executor = tracker
    runner.lazy_listener_runner.executor = tracker  # type: ignore[attr-defined]
    return tracker


class Stage:
    """The workspace, the app serving it over HTTP on 127.0.0.1, and the clock."""

    def __init__(self, workdir: Path, start: datetime, *, team_name: str) -> None:
        self.clock = SimClock(start)
        self.emu = SlackEmulator(team_id="T0DEMO", team_name=team_name,
                                 clock=self.clock.timestamp)
        self.workdir = workdir
        self._server: _Server | None = None
        self.slack: SlackClient | None = None
        self.tracker: TrackingExecutor | None = None
        self.sessions: sessionmaker | None = None
        self.refreshes = Coalescer(0.0)

    def start(self) -> Stage:
        from bot.app import create_app, create_wsgi, scheduled_jobs
        from bot.runtime import open_database

        self.emu.start()
        settings = Settings.from_env({
            "SLACK_BOT_TOKEN": self.emu.bot_token, "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": self.emu.api_url, "WORKERS": "4", "LOG_LEVEL": "WARNING",
            "DATABASE_URL": f"sqlite:///{self.workdir / 'leadwell.db'}"})
        self.sessions = open_database(settings)
        self.client = build_client(settings)
        self.jobs = scheduled_jobs(settings)
        app = create_app(settings, self.sessions, self.client, clock=self.clock.now,
                         refreshes=self.refreshes)  # a month in seconds: homes rebuilt at once
        self.tracker = track(app)
        wsgi = create_wsgi(app, self.sessions, signing_secret=SECRET)
        self._server = make_server("127.0.0.1", 0, wsgi, server_class=_Server,
                                   handler_class=_QuietHandler)
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                         name="leadwell-demo", daemon=True).start()
        url = f"http://127.0.0.1:{self._server.server_address[1]}/slack/events"
        self.slack = SlackClient(url, SECRET, self.emu, timeout=30)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self.tracker is not None:
            self.tracker.shutdown(wait=True)
        self.emu.stop()
        if self.sessions is not None:
            self.sessions.kw["bind"].dispose()

    def __enter__(self) -> Stage:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def idle(self) -> None:
        """Wait until the app has finished everything it started."""
        assert self.tracker is not None
        self.tracker.wait_idle()
        self.refreshes.wait_idle(30)

    def tick(self, at: datetime) -> TickSummary:
        """Move the clock to `at` and run the scheduler's work due then, as `bot tick --at`."""
        self.clock.move_to(at)
        assert self.sessions is not None, "the stage is not started"
        summary = tick(self.clock.now(), sessions=self.sessions, client=self.client,
                       jobs=self.jobs)
        self.idle()
        return summary


@contextmanager
def quiet_logs() -> Iterator[None]:
    """The app's own INFO lines would drown the transcript (levels restored afterwards)."""
    loggers = [logging.getLogger(n) for n in ("bot", "slack_bolt", "slack_sdk", "alembic")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
