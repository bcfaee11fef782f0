"""App Home: each practice contributes a section; this module stacks and publishes them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View
from sqlalchemy.orm import Session, sessionmaker

from bot.core.blocks import context

HomeSection = Callable[[Session, str, str, datetime], list[Block]]
"""(session, team_id, user_id, now) -> the practice's blocks."""
MAX_BLOCKS = 100


def home_view(sections: Sequence[list[Block]]) -> View:
    """The home tab made of the practices' sections, within Slack's 100 blocks."""
    blocks: list[Block] = [b for section in sections for b in section]
    if len(blocks) > MAX_BLOCKS:
        blocks = [*blocks[: MAX_BLOCKS - 1], context("Some items are hidden: see the commands.")]
    return View(type="home", blocks=blocks)


def publish_home(
    sessions: sessionmaker, client: WebClient, team_id: str, user_id: str, now: datetime,
    sections: Sequence[HomeSection],
) -> None:
    """Build `user_id`'s home from the database, then publish it (outside the transaction)."""
    with sessions.begin() as session:
        view = home_view([section(session, team_id, user_id, now) for section in sections])
    client.views_publish(user_id=user_id, view=view.to_dict())
