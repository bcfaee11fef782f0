"""Listeners of the lead-yourself practice."""

from slack_bolt import App

from bot.core.placeholder import register_placeholder

COMMAND = "/careerplan"


def register(app: App) -> None:
    register_placeholder(app, COMMAND, "your career plan")
