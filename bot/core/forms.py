"""Modal inputs and reading their values back from a submitted view (shared by every practice)."""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    DatePickerElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    StaticSelectElement,
)


class FormErrors(Exception):
    """A submitted modal is refused: messages by block id, shown under the inputs."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = errors


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
