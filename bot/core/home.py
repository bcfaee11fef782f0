"""App Home: each practice contributes a section; this module stacks and publishes them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View
from sqlalchemy.orm import Session, sessionmaker

from bot.core.blocks import context
from bot.core.coalesce import Coalescer
from bot.core.db import only_reading

HomeSection = Callable[[Session, str, str, datetime], list[Block]]
"""(session, team_id, user_id, now) -> the practice's blocks."""
MAX_BLOCKS = 100


REFRESH_INTERVAL = 2.0  # seconds: a person's home is built at most this often (the latest data)


def home_view(sections: Sequence[list[Block]]) -> View:
    """The home tab made of the practices' sections, within Slack's 100 blocks."""
    blocks: list[Block] = [b for section in sections for b in section]
    if len(blocks) > MAX_BLOCKS:
        blocks = [*blocks[: MAX_BLOCKS - 1], context("Some items are hidden: see the commands.")]
    return View(type="home", blocks=blocks)


def publish_home(
    sessions: sessionmaker, client: WebClient, team_id: str, user_id: str, now: datetime,
    sections: Sequence[HomeSection], refreshes: Coalescer,
) -> None:
    """Build `user_id`'s home from the database, then publish it (outside the transaction).

    Refreshes of one person's home coalesce in `refreshes` (bot/core/coalesce.py; the app's
    runs one every REFRESH_INTERVAL at most): the calls arriving while one runs, or within the
    interval, make it run once more afterwards (reading the newest data), not once each."""

    def publish() -> None:
        with sessions.begin() as session:
            view = build_home(session, team_id, user_id, now, sections)
        client.views_publish(user_id=user_id, view=view.to_dict())

    refreshes.run((team_id, user_id), publish)


def build_home(session: Session, team_id: str, user_id: str, now: datetime,
               sections: Sequence[HomeSection]) -> View:
    """`user_id`'s home tab as the database has it (no Slack call)."""
    from bot.org.models import Person  # people belong to the org practice, above core

    person = session.get(Person, (team_id, user_id))  # held, so the sections' get() reuse it
    with only_reading(session):  # the sections' shared lookups (manager, reports) asked once
        view = home_view([section(session, team_id, user_id, now) for section in sections])
    del person
    return view
