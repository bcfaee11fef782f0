"""Logging that never prints a secret: text or JSON lines, each tagged with its request id."""

from __future__ import annotations

import contextvars
import json
import logging
import re
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

TOKEN = re.compile(r"\b(xox[abeoprs]|xapp)-[A-Za-z0-9-]+")
API_TOKEN = re.compile(r"\b(lw)_[A-Za-z0-9_-]{8,}|\b([Bb]earer) +[^\s'\",]+")  # POST /api/metrics
REQUEST_ID: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id",
                                                                       default=None)
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"
LOG_FORMATS = ("text", "json")


def new_request_id() -> str:
    """A short random id naming one HTTP request in logs and in the X-Request-Id header."""
    return uuid.uuid4().hex[:12]


class RequestIdFilter(logging.Filter):
    """Puts the current request id (or "-") on every record as `request_id`."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get() or "-"
        return True


class RedactingFormatter(logging.Formatter):
    """Masks Slack tokens and the configured secrets in every formatted record."""

    def __init__(self, fmt: str, secrets: Iterable[str] = ()) -> None:
        super().__init__(fmt)
        self.secrets = sorted({s for s in secrets if len(s) >= 6}, key=len, reverse=True)

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record), self.secrets)


class JsonFormatter(RedactingFormatter):
    """One JSON object per line: time, level, logger, request_id, message (and exc)."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__("%(message)s", secrets)

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", None) or REQUEST_ID.get(),
            "message": redact(record.getMessage(), self.secrets),
        }
        if record.exc_info:
            line["exc"] = redact(self.formatException(record.exc_info), self.secrets)
        return json.dumps(line, ensure_ascii=False)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    for secret in secrets:
        text = text.replace(secret, "***")
    text = API_TOKEN.sub(lambda m: "lw_***" if m.group(1) else m.group(2) + " ***", text)
    return TOKEN.sub(lambda m: m.group(1) + "-***", text)


class ContextExecutor(ThreadPoolExecutor):
    """A thread pool whose tasks run in the submitter's context, so a listener's log lines
    carry the request id of the HTTP request that started it."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        return super().submit(contextvars.copy_context().run, fn, *args, **kwargs)


def setup_logging(level: str, secrets: Iterable[str], fmt: str = "text") -> None:
    """Root logging to stderr, `fmt` "text" or "json", secrets masked either way."""
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter(secrets) if fmt == "json"
                         else RedactingFormatter(TEXT_FORMAT, secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("alembic.runtime.plugins", "alembic.runtime.migration",
                  "apscheduler.executors", "waitress.queue"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
