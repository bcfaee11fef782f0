"""Every action, callback and block id of the lead-down practice, in one place."""

from enum import StrEnum

QUESTION = "What else can I do to make you even more successful?"


class Action(StrEnum):
    ANSWER = "down.answer"  # value: question id
    COMMIT = "down.commit"  # value: question id
    COMMITMENT_DONE = "down.commitment_done"  # value: commitment id
    AWAY = "down.away"
    EDIT_PLAN = "dev.edit"  # value: report id
    REVIEW = "dev.review"  # value: plan id
    COMMENT = "dev.comment"  # value: plan id
    # inputs
    TEXT = "down.text"
    DUE = "down.due"
    UNTIL = "down.until"
    SKILL = "dev.skill"
    NOW = "dev.now"
    AIM = "dev.aim"
    WHAT = "dev.what"
    KIND = "dev.kind"
    BY = "dev.by"
    STATUS = "dev.status"
    NOTE = "dev.note"
    ROLE = "dev.role"
    ROLE_DATE = "dev.role_date"
    NOTES = "dev.notes"


class Callback(StrEnum):
    ANSWER = "down.answer"
    COMMIT = "down.commit"
    AWAY = "down.away"
    DEVPLAN = "dev.plan"
    REVIEW = "dev.review"
    COMMENT = "dev.comment"
    SETTINGS = "dev.settings"


class BlockId(StrEnum):
    TEXT = "down.text"
    DUE = "down.due"
    UNTIL = "down.until"
    ROLE = "dev.role"
    ROLE_DATE = "dev.role_date"
    NOTES = "dev.notes"


def slot_block(field: str, slot: int) -> str:
    """Block id of one field (skill, now, aim, what, kind, by, status, note) of a slot."""
    return f"dev.{field}.{slot}"
