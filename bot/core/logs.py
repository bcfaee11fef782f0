"""Logging that never prints a secret."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

TOKEN = re.compile(r"\b(xox[abeoprs]|xapp)-[A-Za-z0-9-]+")


class RedactingFormatter(logging.Formatter):
    """Masks Slack tokens and the configured secrets in every formatted record."""

    def __init__(self, fmt: str, secrets: Iterable[str] = ()) -> None:
        super().__init__(fmt)
        self.secrets = sorted({s for s in secrets if len(s) >= 6}, key=len, reverse=True)

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record), self.secrets)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    for secret in secrets:
        text = text.replace(secret, "***")
    return TOKEN.sub(lambda m: m.group(1) + "-***", text)


def setup_logging(level: str, secrets: Iterable[str]) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(
        RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", secrets)
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("alembic.runtime.plugins", "alembic.runtime.migration",
                  "apscheduler.executors", "waitress.queue"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
