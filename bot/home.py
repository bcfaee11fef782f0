"""The App Home of Leadwell: one section per practice, in this order."""

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from sqlalchemy.orm import sessionmaker

from bot.core.home import HomeSection, publish_home
from bot.org.home import home_section as org_section

SECTIONS: tuple[HomeSection, ...] = (org_section,)


def publish(sessions: sessionmaker, client: WebClient, team_id: str, user_id: str) -> None:
    """Publish `user_id`'s App Home with every practice's section."""
    publish_home(sessions, client, team_id, user_id, SECTIONS)


def register(app: App, sessions: sessionmaker) -> None:
    """Publish App Home whenever someone opens it."""

    @app.event("app_home_opened")
    def home_opened(ack: Ack, event: dict, context: BoltContext, client: WebClient) -> None:
        ack()
        if event.get("tab", "home") == "home":
            publish(sessions, client, context.team_id or "", event["user"])
