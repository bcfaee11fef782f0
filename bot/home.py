"""The App Home of Leadwell: one section per practice, in this order."""

import logging
from datetime import datetime

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import sessionmaker

from bot.core.coalesce import Coalescer
from bot.core.home import HomeSection, publish_home
from bot.lead_down.home import home_section as lead_down_section
from bot.lead_up.home import home_section as lead_up_section
from bot.lead_yourself.home import home_section as lead_yourself_section
from bot.org.context import ContextFactory
from bot.org.home import home_section as org_section

log = logging.getLogger(__name__)
SECTIONS: tuple[HomeSection, ...] = (org_section, lead_yourself_section, lead_down_section,
                                     lead_up_section)


def publish(sessions: sessionmaker, client: WebClient, team_id: str, user_id: str,
            now: datetime, refreshes: Coalescer) -> None:
    """Publish `user_id`'s App Home with every practice's section (coalesced in
    `refreshes`)."""
    publish_home(sessions, client, team_id, user_id, now, SECTIONS, refreshes)


def register(app: App, contexts: ContextFactory) -> None:
    """Publish App Home whenever someone opens it."""

    @app.event("app_home_opened")
    def home_opened(ack: Ack, event: dict, context: BoltContext, client: WebClient) -> None:
        ack()
        if event.get("tab", "home") != "home" or not isinstance(event.get("user"), str):
            return
        try:
            publish(contexts.sessions, client, context.team_id or "", event["user"],
                    contexts.clock(), contexts.refreshes)
        except SlackApiError as error:  # e.g. a user Slack no longer knows
            log.warning("App Home not published: %s", error.response.get("error"))
