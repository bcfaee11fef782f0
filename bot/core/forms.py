"""Modal inputs and reading their values back from a submitted view (shared by every practice)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    DatePickerElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    StaticSelectElement,
)

from bot.core.mentions import USER_ID

MAX_ID = 2**31 - 1  # record ids are 32-bit integers


class FormErrors(Exception):
    """A submitted modal is refused: messages by block id, shown under the inputs."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = errors


def ref_of(value: Any) -> int:
    """The record id a button's value or a modal's metadata carries: a positive id in ASCII
    digits; ValueError for anything else, which listeners answer as an outdated button."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.isascii() or not value.isdigit() \
            or not 0 < int(value) <= MAX_ID:
        raise ValueError(f"not a record id: {str(value)[:20]!r}")
    return int(value)


def ref_or_none(value: Any) -> int | None:
    """The record id `value` carries, or None when it carries none."""
    try:
        return ref_of(value)
    except ValueError:
        return None


def slot_refs(items: Any, limit: int) -> list[int | None]:
    """The existing row each slot of a modal edits, from a list in its metadata (None for a new
    row or a malformed id)."""
    return [ref_or_none(i) for i in items[:limit]] if isinstance(items, list) else []


def metadata(view: dict[str, Any]) -> dict[str, Any]:
    """The JSON object a modal keeps in its private_metadata ({} when absent or malformed)."""
    raw = view.get("private_metadata")
    try:
        data = json.loads(raw) if isinstance(raw, str) and raw else {}
    except (ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def _state(values: Any, block_id: str, action_id: str) -> dict[str, Any]:
    """The submitted state of one input ({} when absent or not shaped like Slack's)."""
    block = values.get(block_id) if isinstance(values, dict) else None
    entry = block.get(action_id) if isinstance(block, dict) else None
    return entry if isinstance(entry, dict) else {}


def value(values: dict[str, Any], block_id: str, action_id: str, limit: int | None = None) -> str:
    """A text input's value ("" when empty or absent). Longer than `limit` (the input's
    max_length, which Slack enforces in its clients) raises FormErrors under the input."""
    raw = _state(values, block_id, action_id).get("value")
    text = raw if isinstance(raw, str) else ""
    if limit is not None and len(text) > limit:
        raise FormErrors({block_id: f"Please keep this to {limit} characters "
                                    f"(it has {len(text)})."})
    return text


def selected_date(values: dict[str, Any], block_id: str, action_id: str) -> date | None:
    """A datepicker's date (None when empty, absent or malformed)."""
    raw = _state(values, block_id, action_id).get("selected_date")
    try:
        return date.fromisoformat(raw) if isinstance(raw, str) and raw else None
    except ValueError:
        return None


def selected_users(values: dict[str, Any], block_id: str, action_id: str) -> list[str]:
    """A multi-users select's user ids (malformed ones dropped)."""
    raw = _state(values, block_id, action_id).get("selected_users")
    return [u for u in raw if isinstance(u, str) and USER_ID.fullmatch(u)] \
        if isinstance(raw, list) else []


def selected_user(values: dict[str, Any], block_id: str, action_id: str) -> str | None:
    """A users select's user id (None when empty or malformed)."""
    raw = _state(values, block_id, action_id).get("selected_user")
    return raw if isinstance(raw, str) and USER_ID.fullmatch(raw) else None


def selected_values(values: dict[str, Any], block_id: str, action_id: str) -> list[str]:
    """The values of the options ticked in checkboxes (malformed ones dropped)."""
    raw = _state(values, block_id, action_id).get("selected_options")
    picked = [o.get("value") for o in raw if isinstance(o, dict)] if isinstance(raw, list) else []
    return [v for v in picked if isinstance(v, str)]


def selected_option(values: dict[str, Any], block_id: str, action_id: str) -> str | None:
    option = _state(values, block_id, action_id).get("selected_option")
    choice = option.get("value") if isinstance(option, dict) else None
    return choice if isinstance(choice, str) else None


def text_input(block_id: str, action_id: str, label: str, limit: int, initial: str = "", *,
          multiline: bool = False) -> InputBlock:
    return InputBlock(block_id=block_id, label=label, optional=True, element=PlainTextInputElement(
        action_id=action_id, max_length=limit, multiline=multiline,
        initial_value=initial[:limit] or None))


def select_input(block_id: str, action_id: str, label: str, choices: dict[str, str],
          current: str) -> InputBlock:
    options = [Option(value=value, text=text) for value, text in choices.items()]
    initial = next((o for o in options if o.value == current), options[0])
    return InputBlock(block_id=block_id, label=label, element=StaticSelectElement(
        action_id=action_id, options=options, initial_option=initial))


def date_input(block_id: str, action_id: str, label: str, initial: date | None) -> InputBlock:
    return InputBlock(block_id=block_id, label=label, optional=True, element=DatePickerElement(
        action_id=action_id, initial_date=initial.isoformat() if initial else None))
