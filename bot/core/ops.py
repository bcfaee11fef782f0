"""The operational side of `bot serve`'s HTTP: request ids and latencies, `/readyz`, `/metrics`.

`observed` wraps the whole WSGI app: each request gets an id (X-Request-Id, kept if a proxy sent
a well-formed one) that tags its log lines and comes back as a header, and its latency goes to
the process registry by kind (the router puts the kind in `environ[KIND]`).
"""

from __future__ import annotations

import io
import logging
import re
import sys
import threading
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.core import migrate
from bot.core.bodies import SlackBody
from bot.core.logs import REQUEST_ID, new_request_id
from bot.core.metrics import REGISTRY, Registry, exposition
from bot.core.models import Delivery

log = logging.getLogger(__name__)
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
KIND = "leadwell.kind"  # environ key: what the request was, for the latency histogram
INTERACTIONS = frozenset({"block_actions", "view_submission", "view_closed", "shortcut",
                          "message_action", "block_suggestion"})
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8"


def observed(route: WSGIApp, registry: Registry = REGISTRY) -> WSGIApp:
    """`route` with a request id, an X-Request-Id header, latency by kind and an access log."""

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        given = environ.get("HTTP_X_REQUEST_ID", "")
        request_id = given if SAFE_REQUEST_ID.fullmatch(given) else new_request_id()
        token = REQUEST_ID.set(request_id)
        started, status = time.perf_counter(), ["500"]

        def start(line: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            status[0] = line.split(" ", 1)[0]
            return start_response(line, [*headers, ("X-Request-Id", request_id)], exc_info)

        try:
            return route(environ, start)
        except Exception:
            log.exception("request failed")
            return plain(start, "500 Internal Server Error", "internal error", sys.exc_info())
        finally:
            seconds = time.perf_counter() - started
            kind = environ.get(KIND)
            if kind:
                registry.observe_request(kind, seconds)
                log.info("%s %s %s -> %s in %.3fs", environ.get("REQUEST_METHOD"),
                         environ.get("PATH_INFO"), kind, status[0], seconds)
            REQUEST_ID.reset(token)

    return application


def read_body(environ: dict[str, Any]) -> bytes:
    """The request body (CONTENT_LENGTH bytes), left readable again for the next handler."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    return body


def request_kind(body: SlackBody) -> str:
    """command, one of INTERACTIONS, event or other: a bounded label for a Slack request."""
    payload = body.payload or {}
    kind = payload.get("type")
    if body.is_json:
        return "event" if kind in ("event_callback", "url_verification") else "other"
    if "command" in payload:
        return "command"
    return kind if isinstance(kind, str) and kind in INTERACTIONS else "other"


class Readiness:
    """`GET /readyz`: 200 when the database answers and is at the code's newest migration."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.last: str | None = None  # the last answer, to log changes only
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any],
                 start_response: Callable[..., Any]) -> Iterable[bytes]:
        try:
            database, code = migrate.current(self.engine)
        except (SQLAlchemyError, OSError) as error:
            answer = f"not ready: database unavailable ({type(error).__name__})"
        else:
            answer = ("ready" if database == code else
                      f"not ready: database at revision {database or 'none'}, code at {code}")
        with self.lock:
            changed, self.last = answer != self.last, answer
        if changed:
            (log.info if answer == "ready" else log.warning)("readiness: %s", answer)
        status = "200 OK" if answer == "ready" else "503 Service Unavailable"
        return plain(start_response, status, answer)


def metrics_page(engine: Engine, start_response: Callable[..., Any],
                 registry: Registry = REGISTRY) -> Iterable[bytes]:
    """`GET /metrics`: the registry, plus deliveries counted by status at scrape time."""
    try:
        with engine.connect() as connection:
            rows = connection.execute(select(Delivery.status, func.count())
                                      .group_by(Delivery.status))
            deliveries: dict[str, int] | None = {status: count for status, count in rows}
    except (SQLAlchemyError, OSError) as error:
        log.debug("metrics: deliveries not counted (%s)", type(error).__name__)
        deliveries = None
    body = exposition(registry, deliveries, datetime.now(UTC))
    return plain(start_response, "200 OK", body, content_type=PROMETHEUS_TEXT)


def plain(start_response: Callable[..., Any], status: str, body: str, exc_info: Any = None,
          *, content_type: str = "text/plain; charset=utf-8") -> list[bytes]:
    """A complete small answer."""
    data = body.encode()
    start_response(status, [("Content-Type", content_type),
                            ("Content-Length", str(len(data)))], exc_info)
    return [data]
