"""Everything one person saw, in order: the emulator's messages (DMs and group DMs), the
ephemeral answers, and the journal's commands, clicks, modals and App Home views."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.demo.journal import Journal
from bot.testing import SlackEmulator

JsonDict = dict[str, Any]


@dataclass(frozen=True)
class Item:
    """One thing on a person's page."""

    at: float  # epoch seconds (simulated)
    rank: int  # 0: what the person did (journal), 1: what the bot posted at that instant
    seq: int
    kind: str  # "message", "ephemeral", "command", "ack", "click", "modal", "home"
    data: JsonDict
    place: str = ""  # conversation id for messages ("D…" the DM with the bot, "G…" a group DM)

    @property
    def key(self) -> tuple[float, int, int]:
        return (self.at, self.rank, self.seq)


@dataclass(frozen=True)
class Seen:
    """What the emulator kept, read once after the run."""

    conversations: list[JsonDict]
    messages: dict[str, list[JsonDict]]
    responses: list[JsonDict]
    ephemerals: list[JsonDict]
    files: list[JsonDict]

    @classmethod
    def read(cls, emu: SlackEmulator) -> Seen:
        conversations = emu.conversations()
        return cls(conversations=conversations,
                   messages={c["id"]: emu.messages(c["id"]) for c in conversations},
                   responses=emu.responses(), ephemerals=emu.ephemerals(), files=emu.files())

    def places_of(self, user: str) -> list[JsonDict]:
        """The DM and group DMs `user` is in."""
        return [c for c in self.conversations if user in (c.get("members") or [])]


def items_for(user: str, seen: Seen, journal: Journal) -> list[Item]:
    """`user`'s page, oldest first."""
    items: list[Item] = []
    for place in seen.places_of(user):
        for index, message in enumerate(seen.messages.get(place["id"], [])):
            items.append(Item(float(message["ts"]), 1, index, "message", message, place["id"]))
    answers = [r for r in seen.responses if r.get("user") == user and r.get("is_ephemeral")
               and not r.get("replace_original") and not r.get("delete_original")]
    answers += [e for e in seen.ephemerals if e.get("user") == user]
    for index, answer in enumerate(answers):
        items.append(Item(float(answer["ts"]), 1, index, "ephemeral", answer,
                          answer.get("channel") or ""))
    for entry in journal.of(user):
        items.append(Item(entry.at, 0, entry.seq, entry.kind, entry.data))
    return sorted(items, key=lambda item: item.key)
