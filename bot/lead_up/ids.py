"""Every command, action, callback and block id of the lead-up practice, in one place."""

from enum import StrEnum

SALES_REPORT = "/salesreport"
DEBRIEF = "/debrief"
DEFAULT_DEPARTMENTS = ("Finance", "HR", "Legal")


class Action(StrEnum):
    OPEN_REPORT = "up.open_report"  # value: period
    AGREE_PLAN = "up.agree_plan"  # value: plan id
    SUGGEST_CHANGES = "up.suggest_changes"  # value: plan id
    EDIT_PLAN = "up.edit_plan"
    RECORD_DEBRIEF = "up.record_debrief"  # value: debrief id
    LOG_TALK = "up.log_talk"  # value: department name (or "")
    # inputs
    PERIOD = "up.period"
    NUMBER = "up.number"
    TEXT = "up.text"
    CADENCE = "up.cadence"
    METRICS = "up.metrics"
    HOUR = "up.hour"
    DEBRIEF_HOUR = "up.debrief_hour"
    GOAL = "up.goal"
    BOSS_GAIN = "up.boss_gain"
    OWN_GAIN = "up.own_gain"
    STATUS = "up.status"
    WHAT = "up.what"
    OWNER = "up.owner"
    DUE = "up.due"
    DONE = "up.done"
    DEPARTMENT = "up.department"
    DAY = "up.day"
    CONTACT = "up.contact"


class Callback(StrEnum):
    REPORT = "up.report"
    SETTINGS = "up.settings"
    PLAN = "up.plan"
    SUGGESTION = "up.suggestion"
    DEBRIEF = "up.debrief"
    TALK = "up.talk"
    DEPARTMENTS = "up.departments"


class BlockId(StrEnum):
    PERIOD = "up.period"
    SALES = "up.sales"
    TARGET = "up.target"
    PIPELINE = "up.pipeline"
    EXPLANATION = "up.explanation"
    STRATEGIES = "up.strategies"
    CADENCE = "up.cadence"
    METRICS = "up.metrics"
    HOUR = "up.hour"
    DEBRIEF_HOUR = "up.debrief_hour"
    SUGGESTION = "up.suggestion"
    GOING_WELL = "up.going_well"
    CONTINUE = "up.continue"
    IMPROVE = "up.improve"
    DONE = "up.done"
    DEPARTMENT = "up.department"
    DAY = "up.day"
    THANKED = "up.thanked"
    IDEAS = "up.ideas"
    FOLLOW_UPS = "up.follow_ups"
    THANK_YOU = "up.thank_you"


def metric_block(index: int) -> str:
    """Block id of the manager's `index`-th custom metric in the report modal."""
    return f"up.metric.{index}"


def slot_block(field: str, slot: int) -> str:
    """Block id of one field of a repeated slot (plan goals, debrief actions, departments)."""
    return f"up.{field}.{slot}"
