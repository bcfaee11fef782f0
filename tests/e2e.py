"""A small sales org in the emulator and a live `bot serve` against it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from bot.testing import SlackClient, SlackEmulator
from bot.testing.blocks import block_texts
from bot.testing.process import BotProcess

SECRET = "e2e-signing-secret-0123456789"
PEOPLE = {
    "UANN": ("ann", "America/New_York", {}),
    "UBOB": ("bob", "Europe/Paris", {}),
    "UCAT": ("cat", "Asia/Tokyo", {}),
    "UDAN": ("dan", "America/Los_Angeles", {}),
    "UBOSS": ("boss", "America/Chicago", {}),
    "UADMIN": ("admin", "UTC", {"is_admin": True}),
    "UROBO": ("robo", "UTC", {"is_bot": True}),
}


@dataclass
class Live:
    emu: SlackEmulator
    slack: SlackClient
    bot: BotProcess

    def reply(self, user: str, command: str, text: str = "") -> str:
        """Run a slash command and wait for its ephemeral answer."""
        response = self.slack.command(command, text, user=user)
        assert response.status == 200, response.text
        if response.text.strip():
            return response.text
        answers = self.emu.wait_for(lambda: self.emu.responses(response.response_url), 15)
        return answers[-1]["text"] + "\n" + block_texts(answers[-1].get("blocks") or [])

    def dm(self, user: str, text: str) -> dict:
        return self.emu.wait_for(lambda: self.emu.find_message(user, text), 15)


@pytest.fixture
def live(database_url: str) -> Iterator[Live]:
    with SlackEmulator(team_id="T0001") as emu:
        for user_id, (name, tz, extra) in PEOPLE.items():
            emu.add_user(user_id, name, tz=tz, email=f"{name}@example.com", **extra)
        with BotProcess(emulator=emu, database_url=database_url, signing_secret=SECRET) as bot:
            yield Live(emu=emu, slack=SlackClient(bot.events_url, SECRET, emu), bot=bot)
