"""The org's App Home section."""

from datetime import datetime

from slack_sdk.models.blocks import Block
from sqlalchemy.orm import Session

from bot.org import service, views


def home_section(session: Session, team_id: str, user_id: str, now: datetime) -> list[Block]:
    return views.home_section(service.snapshot(session, team_id, user_id))
