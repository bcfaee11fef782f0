"""The people of the demo at work: slash commands, clicks, modals, DMs and the passing time.

Every action waits for the app to finish what it started, and is written in the journal with
what the person then saw (a modal that opened, App Home), so the site can show it in order.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.demo.journal import Journal
from bot.demo.stage import Stage
from bot.testing.blocks import block_texts, find_element

JsonDict = dict[str, Any]
PAUSE = timedelta(seconds=40)  # how long a person takes between two actions


class Director:
    """Plays the people of the script against the stage, and keeps the journal."""

    def __init__(self, stage: Stage, journal: Journal, *, hourly: bool,
                 say: Callable[[str], None], tz: str) -> None:
        self.stage, self.journal, self.hourly, self._say = stage, journal, hourly, say
        self.tz = ZoneInfo(tz)  # where the transcript's clock is read
        self._ticked = stage.clock.now()
        self._seen: dict[str, str] = {}  # user -> id of the top modal already journaled

    # time ------------------------------------------------------------------------------

    def local(self, day: date, hour: int, minute: int = 0, tz: str | None = None) -> datetime:
        """`day` at hour:minute in `tz` (the transcript's zone by default), as UTC."""
        zone = ZoneInfo(tz) if tz else self.tz
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone).astimezone(UTC)

    def until(self, when: datetime) -> None:
        """Let time pass up to `when`: the scheduler ticks every hour on the way (or, in a
        short run, only where the script asks with `tick`)."""
        if self.hourly:
            hour = self._ticked.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
            while hour <= when:
                self._tick(hour)
                hour += timedelta(hours=1)
        self.stage.clock.move_to(when)

    def tick(self, when: datetime) -> None:
        """A scheduler tick at `when` (the script's moments that must not be missed)."""
        self.until(when)
        if self._ticked < when:
            self._tick(when)

    def _tick(self, at: datetime) -> None:
        self.stage.tick(at)
        self._ticked = max(self._ticked, at)

    def now(self) -> float:
        return self.stage.clock.timestamp()

    # transcript ------------------------------------------------------------------------

    def moment(self, user: str, text: str, *, key: bool = True) -> None:
        """A line of the transcript (printed now, listed on the index page)."""
        self.journal.moment(self.now(), user, text, key=key)
        stamp = self.stage.clock.now().astimezone(self.tz).strftime("%a %d %b %H:%M")
        self._say(f"{stamp}  {text}")

    # people's actions ------------------------------------------------------------------

    def _act(self, user: str, kind: str, **data: Any) -> None:
        self.stage.clock.advance(PAUSE.total_seconds())
        self.journal.add(self.now(), user, kind, **data)

    def _settle(self, user: str) -> None:
        """Wait for the app, then journal a modal that opened for `user`."""
        self.stage.idle()
        stack = self.stage.emu.open_views(user)
        if stack and self._seen.get(user) != stack[-1]["id"]:
            self._seen[user] = stack[-1]["id"]
            self.journal.add(self.now(), user, "modal", event="opened", view=stack[-1])

    def command(self, user: str, command: str, text: str = "") -> None:
        """`user` runs a slash command in their DM with the bot."""
        self._act(user, "command", command=command, text=text)
        response = self.stage.slack.command(command, text, user=user)
        self._check(response.status, f"{command} {text}")
        if response.text.strip():  # an answer in the acknowledgement itself
            self.journal.add(self.now(), user, "ack", text=response.text)
        self._settle(user)

    def click(self, user: str, source: JsonDict, action_id: str, value: Any = None) -> None:
        """`user` clicks the element `action_id` of a message, App Home or modal."""
        found = find_element(source.get("blocks") or [], action_id)
        label = block_texts(found[1].get("text")) if found else action_id
        where = "modal" if source.get("type") == "modal" else (
            "home" if source.get("type") == "home" else "message")
        self._act(user, "click", label=label, where=where)
        response = self.stage.slack.click(user, source, action_id, value)
        self._check(response.status, f"click {action_id}")
        self._settle(user)

    def submit(self, user: str, values: JsonDict | None = None, *,
               allow_missing: bool = False) -> dict[str, str]:
        """`user` types `values` into their top modal and submits it; returns inline errors."""
        view = self.modal(user)
        self.stage.clock.advance(PAUSE.total_seconds())
        filled = self.stage.slack.fill(user, view, values or {})
        response = self.stage.slack.submit(user, filled, allow_missing=allow_missing)
        self._check(response.status, f"submit {view.get('callback_id')}")
        answer = response.json() if response.text.strip() else None
        errors = dict(answer.get("errors") or {}) if isinstance(answer, dict) and answer.get(
            "response_action") == "errors" else {}
        self.journal.add(self.now(), user, "modal", event="refused" if errors else "submitted",
                         view=filled, errors=errors)
        self._settle(user)
        return errors

    def fill(self, user: str, values: JsonDict) -> JsonDict:
        """`user` types into their top modal without submitting it; returns the modal."""
        self.stage.clock.advance(PAUSE.total_seconds())
        return self.stage.slack.fill(user, self.modal(user), values)

    def write(self, user: str, text: str, thread_ts: str | None = None) -> None:
        """`user` writes in their DM with the bot."""
        self.stage.clock.advance(PAUSE.total_seconds())
        self.stage.slack.message(user, text, thread_ts=thread_ts)
        self.stage.idle()

    def home(self, user: str) -> JsonDict:
        """`user` opens the app's Home tab; returns it as published."""
        self.stage.clock.advance(PAUSE.total_seconds())
        self.stage.slack.open_home(user)
        self.stage.idle()
        view = self.stage.emu.home(user)
        if view is None:
            raise RuntimeError(f"App Home was not published for {user}")
        self.journal.add(self.now(), user, "home", view=view)
        return view

    # what people see -------------------------------------------------------------------

    def modal(self, user: str) -> JsonDict:
        stack = self.stage.emu.open_views(user)
        if not stack:
            raise RuntimeError(f"no modal is open for {user}")
        return stack[-1]

    def dm(self, user: str, contains: str) -> JsonDict:
        """The newest message from the bot to `user` (DM or group DM) containing `contains`."""
        emu = self.stage.emu
        channels = [c["id"] for c in emu.conversations() if user in c.get("members", [])]
        found = [m for channel in channels for m in emu.messages(channel)
                 if m["user"] == emu.bot_user_id
                 and (contains in m["text"] or contains in block_texts(m["blocks"]))]
        if not found:
            raise RuntimeError(f"the bot sent {user} nothing containing {contains!r}")
        return max(found, key=lambda m: float(m["ts"]))

    @staticmethod
    def _check(status: int, what: str) -> None:
        if status != 200:
            raise RuntimeError(f"the app answered {status} to {what}")
