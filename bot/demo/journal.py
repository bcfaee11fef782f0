"""What the people of the demo did and saw that the emulator does not keep: the commands they
typed, the buttons they clicked, each modal as it opened and as it was submitted, App Home as
it looked when they opened it; and the month's key moments, for the transcript and the index."""

from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass, field
from typing import Any

JsonDict = dict[str, Any]


@dataclass(frozen=True)
class Entry:
    """Something one person did or saw, at a simulated instant."""

    at: float  # epoch seconds of the simulated clock
    seq: int  # order among entries of the same instant
    user: str
    kind: str  # "command", "click", "modal" or "home"
    data: JsonDict


@dataclass(frozen=True)
class Moment:
    """A line of the month's transcript, shown on the index page."""

    at: float
    user: str  # whose page shows it
    text: str
    key: bool = True  # False: a detail, printed but not listed among the key moments


@dataclass
class Journal:
    entries: list[Entry] = field(default_factory=list)
    moments: list[Moment] = field(default_factory=list)
    _seq: itertools.count = field(default_factory=itertools.count)

    def add(self, at: float, user: str, kind: str, **data: Any) -> Entry:
        entry = Entry(at=at, seq=next(self._seq), user=user, kind=kind,
                      data=copy.deepcopy(data))
        self.entries.append(entry)
        return entry

    def moment(self, at: float, user: str, text: str, *, key: bool = True) -> Moment:
        found = Moment(at=at, user=user, text=text, key=key)
        self.moments.append(found)
        return found

    def of(self, user: str) -> list[Entry]:
        return [e for e in self.entries if e.user == user]
