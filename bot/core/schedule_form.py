"""The monthly-schedule picker (week of the month, day, hour) shared by practices' modals."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from slack_sdk.models.blocks import Block, InputBlock, Option, StaticSelectElement

from bot.core.blocks import context
from bot.core.forms import selected_option

ORDINALS = ("First", "Second", "Third", "Fourth", "Last")  # values 1..5
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class Pick(StrEnum):
    """Block and action ids of the three selects (the same string for both)."""

    ORDINAL = "schedule.ordinal"
    WEEKDAY = "schedule.weekday"
    HOUR = "schedule.hour"


def _select(pick: Pick, label: str, choices: list[tuple[str, str]], current: int) -> InputBlock:
    options = [Option(value=value, text=text) for value, text in choices]
    initial = next((o for o in options if o.value == str(current)), None)
    return InputBlock(block_id=pick, label=label, element=StaticSelectElement(
        action_id=pick, options=options, initial_option=initial))


def schedule_blocks(*, ordinal: int, weekday: int, hour: int) -> list[Block]:
    """Three selects prefilled with the current rule, in the person's own time zone."""
    return [
        _select(Pick.ORDINAL, "Week of the month",
                [(str(i), name) for i, name in enumerate(ORDINALS, 1)], ordinal),
        _select(Pick.WEEKDAY, "Day", [(str(i), name) for i, name in enumerate(WEEKDAYS)],
                weekday),
        _select(Pick.HOUR, "Time", [(str(h), f"{h:02d}:00") for h in range(24)], hour),
        context("In your own time zone."),
    ]


def read_schedule(values: dict[str, Any]) -> tuple[int, int, int] | None:
    """(ordinal, weekday, hour) from a submitted view's state; None if incomplete or bad."""
    picked = [selected_option(values, pick, pick) for pick in Pick]
    if not all(p and p.isdigit() for p in picked):
        return None
    ordinal, weekday, hour = (int(p) for p in picked)  # type: ignore[arg-type]
    if not (1 <= ordinal <= 5 and 0 <= weekday <= 6 and 0 <= hour <= 23):
        return None
    return ordinal, weekday, hour

