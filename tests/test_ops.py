"""The operational HTTP side: /metrics exposition, /readyz, event retries, request ids, JSON logs,
and the polite answers of a listener that failed."""

from __future__ import annotations

import io
import json
import logging
import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from wsgiref.util import setup_testing_defaults

import pytest
from slack_bolt import App
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import sessionmaker

from bot.app import create_wsgi
from bot.core import faults, migrate
from bot.core.bodies import parse
from bot.core.events import EventLedger, envelope
from bot.core.followups import Event
from bot.core.logs import (
    REQUEST_ID,
    ContextExecutor,
    JsonFormatter,
    RedactingFormatter,
    RequestIdFilter,
)
from bot.core.metrics import REGISTRY, Registry, exposition
from bot.core.models import Delivery, ProcessedEvent, Workspace
from bot.core.ops import request_kind
from bot.testing import SlackClient

SECRET = "ops-test-signing-secret-0123"
NOW = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)
SAMPLE = re.compile(r'^[a-z_]+(\{[a-z]+="[^"]*"(,[a-z]+="[^"]*")*\})? -?[0-9.e+-]+$')


def call(wsgi: Any, method: str, path: str, body: bytes = b"",
         headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    """One request through a WSGI app: (status, headers, body)."""
    environ: dict[str, Any] = {}
    setup_testing_defaults(environ)
    environ.update({"REQUEST_METHOD": method, "PATH_INFO": path, "wsgi.input": io.BytesIO(body),
                    "CONTENT_LENGTH": str(len(body))})
    for name, value in (headers or {}).items():
        key = name.upper().replace("-", "_")
        environ[key if key == "CONTENT_TYPE" else "HTTP_" + key] = value
    answer: dict[str, Any] = {}

    def start_response(status: str, response_headers: list, exc_info: Any = None) -> None:
        answer.update(status=int(status.split()[0]), headers=dict(response_headers))

    text = b"".join(wsgi(environ, start_response)).decode()
    return answer["status"], answer["headers"], text


# -- /metrics ------------------------------------------------------------------------------


def test_exposition_is_prometheus_text() -> None:
    registry = Registry()
    for seconds in (0.003, 0.04, 0.04, 7.0):
        registry.observe_request("command", seconds)
    registry.observe_request("event", 0.001)
    registry.set_leader(True)
    registry.tick_done(NOW - timedelta(seconds=75))
    text = exposition(registry, {"sent": 4, "failed": 1}, NOW)
    samples = [line for line in text.splitlines() if not line.startswith("#")]
    assert all(SAMPLE.match(line) for line in samples), samples
    assert text.endswith("\n")
    assert "# TYPE leadwell_request_duration_seconds histogram" in text
    assert 'leadwell_request_duration_seconds_bucket{kind="command",le="0.005"} 1' in samples
    assert 'leadwell_request_duration_seconds_bucket{kind="command",le="0.05"} 3' in samples
    assert 'leadwell_request_duration_seconds_bucket{kind="command",le="5.0"} 3' in samples
    assert 'leadwell_request_duration_seconds_bucket{kind="command",le="+Inf"} 4' in samples
    assert 'leadwell_request_duration_seconds_count{kind="command"} 4' in samples
    assert 'leadwell_request_duration_seconds_sum{kind="command"} 7.083' in samples
    assert 'leadwell_request_duration_seconds_count{kind="event"} 1' in samples
    assert {'leadwell_deliveries{status="sent"} 4', 'leadwell_deliveries{status="failed"} 1',
            'leadwell_deliveries{status="pending"} 0'} <= set(samples)
    assert "leadwell_database_up 1" in samples
    assert "leadwell_scheduler_leader 1" in samples
    assert "leadwell_scheduler_lag_seconds 75.0" in samples


def test_exposition_without_database_or_tick() -> None:
    text = exposition(Registry(), None, NOW)
    assert "leadwell_database_up 0" in text and "leadwell_scheduler_leader 0" in text
    assert "leadwell_deliveries{" not in text and "\nleadwell_scheduler_lag_seconds" not in text
    assert "# TYPE leadwell_scheduler_lag_seconds gauge" in text


def test_request_kinds_are_bounded() -> None:
    def kind(body: bytes) -> str:
        return request_kind(parse(body, None))

    assert kind(b"command=%2Fteam&text=help") == "command"
    for interaction in ("block_actions", "view_submission"):
        assert kind(b"payload=" + json.dumps({"type": interaction}).encode()) == interaction
    assert kind(b"payload=" + json.dumps({"type": "x" * 50}).encode()) == "other"
    assert kind(b"payload=" + json.dumps({"type": ["view_submission"]}).encode()) == "other"
    assert kind(b'{"type": "event_callback"}') == "event"
    assert kind(b'{"type": "view_submission"}') == "other"  # JSON bodies are events only
    assert kind(b"payload=not-json") == kind(b"{oops") == kind(b"\xff") == "other"


# -- the WSGI app on a real database -------------------------------------------------------


@pytest.fixture
def counted(emu, web) -> tuple[App, list[dict]]:
    """A Bolt app whose only listener counts `app_mention` events."""
    app = App(client=web, signing_secret=SECRET, token_verification_enabled=False)
    seen: list[dict] = []

    @app.event("app_mention")
    def mention(event: dict) -> None:
        seen.append(event)

    return app, seen


@pytest.fixture
def wsgi(counted, sessions: sessionmaker) -> Any:
    return create_wsgi(counted[0], sessions, signing_secret=SECRET)


def event_body(event_id: str) -> bytes:
    return json.dumps({"type": "event_callback", "team_id": "T1", "api_app_id": "A1",
                       "event_id": event_id, "event_time": 1,
                       "event": {"type": "app_mention", "user": "UANN", "text": "hi",
                                 "channel": "C1", "ts": "1.000001"}}).encode()


def post_event(wsgi: Any, emu, body: bytes, retry: int | None = None,
               secret: str = SECRET) -> tuple[int, dict[str, str], str]:
    headers = {"Content-Type": "application/json",
               **SlackClient("http://unused", secret, emu).signed_headers(body)}
    if retry is not None:
        headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
    return call(wsgi, "POST", "/slack/events", body, headers)


def recorded(sessions: sessionmaker) -> list[str]:
    with sessions() as session:
        return list(session.scalars(select(ProcessedEvent.event_id)))


def test_an_event_and_its_retries_are_processed_once(wsgi, counted, sessions, emu) -> None:
    _, seen = counted
    before = REGISTRY.requests.get("event")
    count = before.total if before else 0
    body = event_body("Ev0001")
    assert post_event(wsgi, emu, body)[0] == 200
    emu.wait_for(lambda: seen)
    for retry in (1, 2):
        assert post_event(wsgi, emu, body, retry=retry)[0] == 200
    assert post_event(wsgi, emu, event_body("Ev0002"))[0] == 200
    emu.wait_for(lambda: len(seen) == 2)
    threading.Event().wait(0.3)  # a late duplicate would have been handled by now
    assert len(seen) == 2
    assert sorted(recorded(sessions)) == ["Ev0001", "Ev0002"]
    assert REGISTRY.requests["event"].total == count + 4


def test_a_forged_event_is_refused_and_not_recorded(wsgi, counted, sessions, emu) -> None:
    status, _, _ = post_event(wsgi, emu, event_body("Ev0003"), secret="not-the-secret-at-all")
    assert status == 401
    assert recorded(sessions) == [] and counted[1] == []
    assert post_event(wsgi, emu, event_body("Ev0003"))[0] == 200  # the real one still counts
    emu.wait_for(lambda: counted[1])


def test_new_events_go_to_the_follow_up_process_and_repeats_do_not(counted, sessions,
                                                                    emu) -> None:
    """With `events_to`, a new signed event is acknowledged and handed over, not run here;
    a retry of it is not handed over again; one that erases a workspace stays with Bolt."""
    _, seen = counted
    handed: list[Event] = []
    wsgi = create_wsgi(counted[0], sessions, signing_secret=SECRET,
                       events_to=lambda client, work: handed.append(work))
    body = event_body("Ev0101")
    assert post_event(wsgi, emu, body)[0] == 200
    assert post_event(wsgi, emu, body, retry=1)[0] == 200
    assert post_event(wsgi, emu, event_body("Ev0102"), secret="forged-secret")[0] == 401
    assert handed == [Event("T1", "UANN", body.decode())] and not seen
    uninstall = json.loads(event_body("Ev0103"))
    uninstall["event"] = {"type": "app_uninstalled"}
    assert post_event(wsgi, emu, json.dumps(uninstall).encode())[0] == 404  # Bolt's: no listener
    assert len(handed) == 1


def test_processed_events_older_than_a_day_are_deleted(sessions: sessionmaker) -> None:
    clock = [NOW - timedelta(days=2)]
    ledger = EventLedger(sessions, SECRET, clock=lambda: clock[0])

    def first(event_id: str, at: datetime) -> bool:
        clock[0] = at
        return ledger.first_time(envelope(json.loads(event_body(event_id))))

    assert first("EvOld", NOW - timedelta(days=2))
    assert not first("EvOld", NOW - timedelta(days=2) + timedelta(minutes=30))
    assert first("EvNew", NOW)
    assert recorded(sessions) == ["EvNew"]
    with sessions.begin() as session:  # as if another replica had recorded it long ago
        session.add(ProcessedEvent(event_id="EvStale", team_id="T1",
                                   received_at=NOW - timedelta(days=3)))
    assert first("EvNext", NOW + timedelta(minutes=30))
    assert "EvStale" in recorded(sessions)  # purged at most once an hour
    assert first("EvLast", NOW + timedelta(minutes=61))
    assert sorted(recorded(sessions)) == ["EvLast", "EvNew", "EvNext"]


def test_request_id_header(wsgi) -> None:
    status, headers, text = call(wsgi, "GET", "/healthz")
    assert (status, text) == (200, "ok")
    assert re.fullmatch(r"[0-9a-f]{12}", headers["X-Request-Id"])
    assert call(wsgi, "GET", "/healthz")[1]["X-Request-Id"] != headers["X-Request-Id"]
    given = {"X-Request-Id": "lb-7f3a-01"}
    assert call(wsgi, "GET", "/healthz", headers=given)[1]["X-Request-Id"] == "lb-7f3a-01"
    odd = {"X-Request-Id": "bad id\nwith newline"}
    assert re.fullmatch(r"[0-9a-f]{12}", call(wsgi, "GET", "/healthz", headers=odd)[1]
                        ["X-Request-Id"])
    assert "X-Request-Id" in call(wsgi, "GET", "/nowhere")[1]


def test_metrics_endpoint_counts_deliveries(wsgi, sessions: sessionmaker) -> None:
    with sessions.begin() as session:
        session.add(Workspace(team_id="T1", created_at=NOW))
        session.flush()
        for n, status in enumerate(("sent", "sent", "failed")):
            session.add(Delivery(team_id="T1", recipient=f"U{n}", kind="k", period="p",
                                 status=status, created_at=NOW))
    status, headers, text = call(wsgi, "GET", "/metrics")
    assert status == 200 and headers["Content-Type"].startswith("text/plain; version=0.0.4")
    assert 'leadwell_deliveries{status="sent"} 2' in text
    assert 'leadwell_deliveries{status="failed"} 1' in text
    assert "leadwell_database_up 1" in text


def test_readyz_needs_the_newest_migration(wsgi, sessions: sessionmaker) -> None:
    status, _, text = call(wsgi, "GET", "/readyz")
    assert (status, text) == (200, "ready")
    engine: Engine = sessions.kw["bind"]
    migrate.downgrade(engine, "0004")
    status, _, text = call(wsgi, "GET", "/readyz")
    assert status == 503 and "database at revision 0004" in text
    assert call(wsgi, "GET", "/healthz")[0] == 200  # alive all the same
    migrate.upgrade(engine)
    assert call(wsgi, "GET", "/readyz")[0] == 200


def test_readyz_and_metrics_without_a_database(counted, tmp_path) -> None:
    from bot.core.db import make_engine, make_sessions

    engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:9/none",
                         connect_args={"connect_timeout": 1})
    try:
        wsgi = create_wsgi(counted[0], make_sessions(engine), signing_secret=SECRET)
        status, _, text = call(wsgi, "GET", "/readyz")
        assert status == 503 and "database unavailable" in text
        status, _, text = call(wsgi, "GET", "/metrics")
        assert status == 200 and "leadwell_database_up 0" in text
    finally:
        engine.dispose()


def test_with_the_database_down_an_event_is_acknowledged(counted, emu) -> None:
    from bot.core.db import make_engine, make_sessions

    engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:9/none",
                         connect_args={"connect_timeout": 1})
    try:
        wsgi = create_wsgi(counted[0], make_sessions(engine), signing_secret=SECRET)
        status, _, text = post_event(wsgi, emu, event_body("Ev0009"))
        assert (status, text) == (200, "")  # never a 500, and no wait on the database:
        emu.wait_for(lambda: counted[1])  # a first delivery goes to Bolt, its id noted
        status, _, text = post_event(wsgi, emu, event_body("Ev0009"), retry=1)
        assert (status, text) == (200, "") and len(counted[1]) == 1  # a retry: not processed
    finally:
        engine.dispose()


# -- logs ------------------------------------------------------------------------------------


def record(message: str, *args: Any, exc_info: Any = None) -> logging.LogRecord:
    return logging.LogRecord("bot.test", logging.WARNING, "f", 1, message, args, exc_info)


@pytest.fixture
def request_id() -> Iterator[str]:
    token = REQUEST_ID.set("abc123def456")
    yield "abc123def456"
    REQUEST_ID.reset(token)


def test_json_lines_carry_the_request_id_and_mask_secrets(request_id: str) -> None:
    formatter = JsonFormatter(["s3cr3t-value"])
    try:
        raise ValueError("boom with xoxb-1234-abcdef")
    except ValueError as error:
        item = record("auth %s and %s", "xoxb-1-2-SECRET", "s3cr3t-value",
                      exc_info=(type(error), error, error.__traceback__))
    RequestIdFilter().filter(item)
    line = json.loads(formatter.format(item))
    assert line["request_id"] == request_id and line["level"] == "WARNING"
    assert line["logger"] == "bot.test" and line["message"] == "auth xoxb-*** and ***"
    assert "ValueError: boom with xoxb-***" in line["exc"] and "abcdef" not in line["exc"]


def test_text_lines_carry_the_request_id(request_id: str) -> None:
    item = record("hello")
    RequestIdFilter().filter(item)
    assert RedactingFormatter("[%(request_id)s] %(message)s").format(item) == (
        f"[{request_id}] hello")
    outside = record("tick")
    token = REQUEST_ID.set(None)
    RequestIdFilter().filter(outside)
    REQUEST_ID.reset(token)
    assert outside.request_id == "-"


def test_listener_threads_inherit_the_request_id(request_id: str) -> None:
    with ContextExecutor(max_workers=1) as pool:
        assert pool.submit(REQUEST_ID.get).result() == request_id


# -- polite answers ------------------------------------------------------------------------


def test_apologies_say_try_again_in_a_minute() -> None:
    down = OperationalError("SELECT 1", {}, Exception("connection refused"))
    assert faults.database_down(down) and not faults.database_down(KeyError("x"))
    assert "database" in faults.apology(down) and "try again in a minute" in faults.apology(down)
    assert faults.apology(KeyError("x")) == faults.SORRY
    command = faults.unacknowledged_answer({"command": "/team"}, "later")
    assert json.loads(command.body) == {"response_type": "ephemeral", "text": "later"}
    view = {"type": "view_submission", "view": {"blocks": [
        {"type": "section", "block_id": "intro"}, {"type": "input", "block_id": "goal"},
        {"type": "input", "block_id": "due"}]}}
    answer = json.loads(faults.unacknowledged_answer(view, "later").body)
    assert answer == {"response_action": "errors", "errors": {"goal": "later"}}
    bare = {"type": "view_submission", "view": {"blocks": []}}
    assert json.loads(faults.unacknowledged_answer(bare, "later").body)["response_action"] == (
        "push")
    assert faults.unacknowledged_answer({"type": "block_actions"}, "later") is None



def test_events_that_erase_a_workspace_are_recorded_before_bolt_sees_them() -> None:
    """Their listeners delete the workspace's ledger rows: a write after them would leave one."""
    uninstall = json.loads(event_body("Ev9"))
    uninstall["event"] = {"type": "app_uninstalled"}
    assert envelope(uninstall).erases
    assert not envelope(json.loads(event_body("Ev10"))).erases
