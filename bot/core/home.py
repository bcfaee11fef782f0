"""App Home: each practice contributes a section; this module stacks and publishes them."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Sequence
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View
from sqlalchemy.orm import Session, sessionmaker

from bot.core.blocks import context

HomeSection = Callable[[Session, str, str, datetime], list[Block]]
"""(session, team_id, user_id, now) -> the practice's blocks."""
MAX_BLOCKS = 100


class Coalescer:
    """Runs work for a key one at a time; calls for a key already running make it run once
    more when it ends (the latest call's work), and return at once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._again: dict[Hashable, Callable[[], None] | None] = {}

    def run(self, key: Hashable, work: Callable[[], None]) -> None:
        with self._lock:
            if key in self._again:
                self._again[key] = work
                return
            self._again[key] = None
        while True:
            try:
                work()
            except BaseException:  # the calls waiting on this one are dropped with it
                with self._lock:
                    del self._again[key]
                raise
            with self._lock:
                again = self._again[key]
                if again is None:
                    del self._again[key]
                    return
                self._again[key] = None
            work = again


REFRESHES = Coalescer()


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
    """Build `user_id`'s home from the database, then publish it (outside the transaction).

    Refreshes of one person's home coalesce: while one runs, the calls arriving meanwhile make
    it run once more afterwards (reading the newest data), not once each."""

    def publish() -> None:
        with sessions.begin() as session:
            view = build_home(session, team_id, user_id, now, sections)
        client.views_publish(user_id=user_id, view=view.to_dict())

    REFRESHES.run((team_id, user_id), publish)


def build_home(session: Session, team_id: str, user_id: str, now: datetime,
               sections: Sequence[HomeSection]) -> View:
    """`user_id`'s home tab as the database has it (no Slack call)."""
    from bot.org.models import Person  # people belong to the org practice, above core

    person = session.get(Person, (team_id, user_id))  # held, so the sections' get() reuse it
    view = home_view([section(session, team_id, user_id, now) for section in sections])
    del person
    return view
