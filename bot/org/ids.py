"""Every command, action, callback and block id of the org practice, in one place."""

from enum import StrEnum

COMMAND = "/team"


class Action(StrEnum):
    CONFIRM = "org.confirm"
    DECLINE = "org.decline"
    OPEN_ADD_REPORTS = "org.open_add_reports"
    OPEN_SET_MANAGER = "org.open_set_manager"
    PICK_REPORTS = "org.pick_reports"
    PICK_MANAGER = "org.pick_manager"


class Callback(StrEnum):
    ADD_REPORTS = "org.add_reports"
    SET_MANAGER = "org.set_manager"


class BlockId(StrEnum):
    REPORTS = "org.reports"
    MANAGER = "org.manager"
