"""Every command, action, callback and block id of the career plan, in one place."""

from enum import StrEnum

COMMAND = "/careerplan"
HORIZONS = (1, 3, 5)
MAX_ACTIONS_PER_HORIZON = 5


class Action(StrEnum):
    EDIT = "career.edit"
    ADD_ACTION = "career.add_action"  # value: the horizon
    MARK_DONE = "career.mark_done"  # value: action id
    SNOOZE = "career.snooze"  # value: action id
    RESCHEDULE = "career.reschedule"  # value: action id
    SHARE = "career.share"
    ACKNOWLEDGE = "career.acknowledge"  # value: plan id
    REPLY = "career.reply"  # value: plan id
    ASK_FEEDBACK = "career.ask_feedback"  # value: plan id
    GIVE_FEEDBACK = "career.give_feedback"  # value: plan id
    # inputs
    WHY = "career.why"
    MOTIVATES = "career.motivates"
    ENERGY = "career.energy"
    IMPACT = "career.impact"
    ASPIRATION = "career.aspiration"
    WHAT = "career.what"
    DUE = "career.due"
    SUPPORT = "career.support"
    TEXT = "career.text"
    NEW_DUE = "career.new_due"


class Callback(StrEnum):
    PLAN = "career.plan"
    REPLY = "career.reply"
    FEEDBACK = "career.feedback"
    RESCHEDULE = "career.reschedule"
    SETTINGS = "career.settings"


class BlockId(StrEnum):
    WHY = "career.why"
    MOTIVATES = "career.motivates"
    ENERGY = "career.energy"
    IMPACT = "career.impact"
    TEXT = "career.text"
    NEW_DUE = "career.new_due"


def aspiration_block(horizon: int) -> str:
    return f"career.aspiration.{horizon}"


def action_block(field: str, horizon: int, slot: int) -> str:
    """Block id of one field (what, due, support) of action `slot` of a horizon."""
    return f"career.{field}.{horizon}.{slot}"
