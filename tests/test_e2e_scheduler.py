"""The scheduler inside `bot serve`, and alone as `bot scheduler`, really ticks."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest

from bot.core import migrate
from bot.core.db import make_engine, make_sessions
from bot.org import service
from bot.testing import SlackEmulator
from bot.testing.process import BotProcess
from tests.e2e import SECRET
from tests.factories import person

pytestmark = pytest.mark.e2e


def seed_old_request(database_url: str) -> None:
    """Ann asked Bob two days ago; Bob has not answered."""
    engine = make_engine(database_url)
    migrate.upgrade(engine)
    then = datetime.now(UTC) - timedelta(days=2)
    with make_sessions(engine).begin() as s:
        ann, bob = person(s, "UANN", team_id="T0001", now=then), person(s, "UBOB",
                                                                        team_id="T0001", now=then)
        service.propose(s, "T0001", proposer=ann, manager=ann, report=bob, now=then)
    engine.dispose()


def reminders(emu: SlackEmulator) -> list[dict]:
    return [m for m in emu.dm_messages("UBOB") if m["text"].startswith("Reminder")]


@pytest.mark.parametrize("mode", ["serve", "scheduler"])
def test_scheduler_sends_due_work_once(database_url: str, mode: str) -> None:
    seed_old_request(database_url)
    with SlackEmulator(team_id="T0001") as emu:
        emu.add_user("UANN", "ann")
        emu.add_user("UBOB", "bob")
        bot = BotProcess(emulator=emu, database_url=database_url, signing_secret=SECRET,
                         scheduler=mode == "serve", env={"TICK_SECONDS": "1"})
        if mode == "serve":
            with bot:
                emu.wait_for(lambda: reminders(emu), 20)
                time.sleep(2.5)  # let a few more one-second ticks go by
        else:
            process = subprocess.Popen([sys.executable, "-m", "bot", "scheduler"], env=bot.env,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                emu.wait_for(lambda: reminders(emu), 20)
                time.sleep(2.5)
            finally:
                process.terminate()
                process.wait(10)
        assert len(reminders(emu)) == 1  # several ticks went by; one reminder
