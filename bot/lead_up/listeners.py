"""Listeners of the lead-up practice."""

from slack_bolt import App

from bot.core.placeholder import register_placeholder

SALES_REPORT = "/salesreport"
DEBRIEF = "/debrief"


def register(app: App) -> None:
    register_placeholder(app, SALES_REPORT, "sales reports")
    register_placeholder(app, DEBRIEF, "debriefs")
