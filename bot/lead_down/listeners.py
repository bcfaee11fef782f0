"""Listeners of the lead-down practice."""

from slack_bolt import App

from bot.core.placeholder import register_placeholder

COMMAND = "/devplan"


def register(app: App) -> None:
    register_placeholder(app, COMMAND, "development plans")
