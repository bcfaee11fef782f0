"""Read values out of a submitted view's state (pure helpers shared by every practice)."""

from __future__ import annotations

from datetime import date
from typing import Any


def value(values: dict[str, Any], block_id: str, action_id: str) -> str:
    """A text input's value ("" when empty or absent)."""
    return ((values.get(block_id) or {}).get(action_id) or {}).get("value") or ""


def selected_date(values: dict[str, Any], block_id: str, action_id: str) -> date | None:
    """A datepicker's date (None when empty, absent or malformed)."""
    raw = ((values.get(block_id) or {}).get(action_id) or {}).get("selected_date")
    try:
        return date.fromisoformat(raw) if raw else None
    except (TypeError, ValueError):
        return None


def selected_option(values: dict[str, Any], block_id: str, action_id: str) -> str | None:
    option = ((values.get(block_id) or {}).get(action_id) or {}).get("selected_option") or {}
    return option.get("value")
