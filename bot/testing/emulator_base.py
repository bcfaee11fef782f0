"""Shared pieces of the Slack emulator's Web API: method registry, errors, parameters."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.testing.emulator_state import EmulatorState

JsonDict = dict[str, Any]
Handler = Callable[["EmulatorState", JsonDict], JsonDict]

METHODS: dict[str, Handler] = {}
"""Web API method name -> handler, filled by ``api_method``."""


def api_method(name: str) -> Callable[[Handler], Handler]:
    """Register a Web API handler under ``name`` (e.g. "chat.postMessage")."""

    def register(handler: Handler) -> Handler:
        METHODS[name] = handler
        return handler

    return register


class ApiError(Exception):
    """A Web API failure, answered as ``{"ok": false, "error": error, **extra}``."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra


def param(params: JsonDict, key: str, error: str | None = None) -> Any:
    """``params[key]``; raises ApiError(error) when missing/empty and ``error`` is given."""
    value = params.get(key)
    if error and value in (None, ""):
        raise ApiError(error)
    return value


def flag(params: JsonDict, key: str) -> bool:
    """A boolean parameter ("1", "true", true ...)."""
    value = params.get(key)
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes")
    return bool(value)


def int_param(params: JsonDict, key: str, default: int) -> int:
    """An integer parameter; invalid values raise invalid_arguments."""
    value = params.get(key)
    if value in (None, ""):
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ApiError("invalid_arguments") from None


def json_param(params: JsonDict, key: str, error: str = "invalid_arguments") -> Any:
    """A parameter that may arrive as a JSON string (form bodies) or as JSON already."""
    value = params.get(key)
    if isinstance(value, str):
        if not value.strip():
            return None
        try:
            return json.loads(value)
        except ValueError:
            raise ApiError(error) from None
    return value


def encode_cursor(offset: int) -> str:
    """An opaque pagination cursor for ``offset``."""
    return base64.b64encode(f"offset:{offset}".encode()).decode()


def decode_cursor(cursor: Any) -> int:
    """The offset inside a cursor from ``encode_cursor`` (0 when empty)."""
    if not cursor:
        return 0
    try:
        return int(base64.b64decode(str(cursor)).decode().removeprefix("offset:"))
    except ValueError:
        raise ApiError("invalid_cursor") from None


def paginate(items: list[Any], params: JsonDict, default_limit: int) -> tuple[list[Any], JsonDict]:
    """Slice ``items`` by limit/cursor; returns the page and response_metadata."""
    limit = max(1, int_param(params, "limit", default_limit))
    offset = decode_cursor(params.get("cursor"))
    page = items[offset : offset + limit]
    more = offset + limit < len(items)
    return page, {"next_cursor": encode_cursor(offset + limit) if more else ""}
