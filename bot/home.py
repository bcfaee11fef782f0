"""The App Home of Leadwell: one section per practice, in this order."""

from datetime import datetime

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from sqlalchemy.orm import sessionmaker

from bot.core.coalesce import Coalescer
from bot.core.followups import Home
from bot.core.home import HomeSection, publish_home
from bot.lead_down.home import home_section as lead_down_section
from bot.lead_up.home import home_section as lead_up_section
from bot.lead_yourself.home import home_section as lead_yourself_section
from bot.org.context import ContextFactory
from bot.org.home import home_section as org_section

SECTIONS: tuple[HomeSection, ...] = (org_section, lead_yourself_section, lead_down_section,
                                     lead_up_section)


def publish(sessions: sessionmaker, client: WebClient, team_id: str, user_id: str,
            now: datetime, refreshes: Coalescer) -> None:
    """Publish `user_id`'s App Home with every practice's section (coalesced in
    `refreshes`)."""
    publish_home(sessions, client, team_id, user_id, now, SECTIONS, refreshes)


def register(app: App, contexts: ContextFactory) -> None:
    """Publish App Home whenever someone opens it (a follow-up: bot/core/followups.py)."""

    @app.event("app_home_opened")
    def home_opened(ack: Ack, event: dict, context: BoltContext, client: WebClient) -> None:
        ack()
        if event.get("tab", "home") != "home" or not isinstance(event.get("user"), str):
            return
        contexts.followups(client, Home(context.team_id or "", event["user"], contexts.clock()))
