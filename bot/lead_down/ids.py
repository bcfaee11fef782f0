"""Every action, callback and block id of the lead-down practice, in one place."""

from enum import StrEnum

QUESTION = "What else can I do to make you even more successful?"


class Action(StrEnum):
    ANSWER = "down.answer"  # value: question id
    COMMIT = "down.commit"  # value: question id
    COMMITMENT_DONE = "down.commitment_done"  # value: commitment id
    AWAY = "down.away"
    # inputs
    TEXT = "down.text"
    DUE = "down.due"
    UNTIL = "down.until"


class Callback(StrEnum):
    ANSWER = "down.answer"
    COMMIT = "down.commit"
    AWAY = "down.away"


class BlockId(StrEnum):
    TEXT = "down.text"
    DUE = "down.due"
    UNTIL = "down.until"
