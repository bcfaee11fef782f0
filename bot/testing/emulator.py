"""A local Slack emulator: a fake Web API server plus an inspection API for tests.

Usage::

    with SlackEmulator() as emu:
        emu.add_user("U1", "alice")
        web = WebClient(base_url=emu.api_url, token=emu.bot_token)
        web.chat_postMessage(channel="U1", text="hi")
        assert emu.dm_messages("U1")[0]["text"] == "hi"
"""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from bot.testing import emulator_events, emulator_views
from bot.testing.blocks import block_texts
from bot.testing.emulator_base import ApiError, JsonDict
from bot.testing.emulator_faults import Faults
from bot.testing.emulator_http import ApiServer, HttpServer
from bot.testing.emulator_oauth import Directory, WorkspacesMixin
from bot.testing.emulator_state import EmulatorState

T = TypeVar("T")


class SlackEmulator(WorkspacesMixin):
    """Fake Slack workspace served over HTTP on 127.0.0.1 (random port); `add_workspace`
    serves more on the same port, `enable_oauth` installs the app in them (emulator_oauth)."""

    def __init__(
        self,
        *,
        team_id: str = "T0001",
        team_name: str = "Acme",
        bot_token: str = "xoxb-test-token",
        bot_user_id: str = "UBOT",
        bot_id: str = "BBOT",
        bot_name: str = "leadwell",
        app_id: str = "A0001",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._state = EmulatorState(
            team_id=team_id,
            team_name=team_name,
            bot_token=bot_token,
            bot_user_id=bot_user_id,
            bot_id=bot_id,
            bot_name=bot_name,
            app_id=app_id,
            clock=clock,
        )
        self._faults = Faults()
        self._directory = Directory(self._state)
        self._parent: SlackEmulator | None = None  # set on the workspaces add_workspace made
        self._server: HttpServer | None = None
        self._thread: threading.Thread | None = None
        self._url = ""

    # lifecycle -------------------------------------------------------------

    def start(self) -> SlackEmulator:
        """Start serving in a daemon thread; returns self."""
        if self._server is None and self._parent is None:
            self._server = HttpServer(ApiServer(self._state, self._faults, self._directory))
            self._url = f"http://127.0.0.1:{self._server.server_address[1]}/"
            self._directory.set_base_url(self._url)
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name="slack-emulator",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the server (idempotent)."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            if self._thread is not None:
                self._thread.join(timeout=5)
            self._server = self._thread = None

    def __enter__(self) -> SlackEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:PORT/``."""
        if self._parent is not None:
            return self._parent.url
        if not self._url:
            raise RuntimeError("SlackEmulator is not started")
        return self._url

    @property
    def api_url(self) -> str:
        """Web API base URL for ``WebClient(base_url=...)`` / SLACK_API_URL."""
        return self.url + "api/"

    # workspace identity ----------------------------------------------------

    @property
    def team_id(self) -> str:
        return self._state.team_id

    @property
    def team_domain(self) -> str:
        return self._state.team_domain

    @property
    def bot_token(self) -> str:
        return self._state.bot_token

    @property
    def bot_user_id(self) -> str:
        return self._state.bot_user_id

    @property
    def bot_id(self) -> str:
        return self._state.bot_id

    @property
    def app_id(self) -> str:
        return self._state.app_id

    def now(self) -> float:
        """The emulator's clock."""
        return self._state.clock()

    # workspace setup -------------------------------------------------------

    def add_user(
        self,
        user_id: str,
        name: str,
        *,
        tz: str = "America/New_York",
        is_admin: bool = False,
        is_bot: bool = False,
        deleted: bool = False,
        email: str | None = None,
        real_name: str | None = None,
        display_name: str | None = None,
        team_id: str | None = None,
    ) -> JsonDict:
        """Create (or replace) a user; returns the users.info user object."""
        with self._state.lock:
            return self._state.add_user(
                user_id, name, tz=tz, is_admin=is_admin, is_bot=is_bot, deleted=deleted,
                email=email, real_name=real_name, display_name=display_name, team_id=team_id,
            )

    def update_user(self, user_id: str, **fields: Any) -> JsonDict:
        """Change user fields (e.g. ``deleted=True``, ``tz=...``, ``email=...``)."""
        with self._state.lock:
            user = self._state.require_user(user_id)
            if fields.get("tz") is not None:  # None: a profile without a time zone
                ZoneInfo(fields["tz"])
            for key, value in fields.items():
                target = user["profile"] if key in ("email", "display_name") else user
                target[key] = value
            return self._state.user_object(user_id)

    def add_channel(
        self, channel_id: str, name: str, members: list[str] | None = None, is_private: bool = False
    ) -> JsonDict:
        """Create a channel (the bot is a member) so the bot can post into it."""
        with self._state.lock:
            return dict(self._state.add_channel(channel_id, name, members or [], is_private))

    def user(self, user_id: str) -> JsonDict | None:
        """The users.info object of ``user_id``, or None."""
        with self._state.lock:
            return self._state.user_object(user_id) if user_id in self._state.users else None

    def im_channel(self, user_id: str) -> str:
        """The id of the bot's IM with ``user_id`` (opened if needed)."""
        with self._state.lock:
            self._state.require_user(user_id)
            return str(self._state.open_im(user_id)["id"])

    def new_trigger_id(self, user_id: str) -> str:
        """Issue a trigger id for ``user_id`` (valid once, for 3 seconds of ``clock``)."""
        with self._state.lock:
            return self._state.new_trigger_id(user_id)

    def new_response_url(
        self, user: str | None = None, channel: str | None = None, message_ts: str | None = None
    ) -> str:
        """Issue a response_url; bound to a message, replace/delete_original apply to it."""
        if not self._state.base_url:
            raise RuntimeError("start the SlackEmulator before issuing response URLs")
        with self._state.lock:
            return self._state.new_response_url(user=user, channel=channel, message_ts=message_ts)

    # simulated user activity -------------------------------------------------

    def post_user_message(self, user_id: str, text: str, thread_ts: str | None = None) -> JsonDict:
        """Record a message ``user_id`` wrote in their IM; returns the ``message`` event."""
        with self._state.lock:
            return emulator_events.user_message(self._state, user_id, text, thread_ts)

    def edit_user_message(self, user_id: str, ts: str, text: str) -> JsonDict:
        """Edit a message the user wrote in their IM; returns the ``message_changed`` event."""
        with self._state.lock:
            return emulator_events.user_edit(self._state, user_id, ts, text)

    def delete_user_message(self, user_id: str, ts: str) -> JsonDict:
        """Delete a message the user wrote in their IM; returns the ``message_deleted`` event."""
        with self._state.lock:
            return emulator_events.user_delete(self._state, user_id, ts)

    def set_view_state(self, view_id: str, values: JsonDict) -> None:
        """Store what the user entered in a view (``state.values``)."""
        with self._state.lock:
            found = emulator_views.find_view(self._state, view_id=view_id)
            if found is None:
                raise AssertionError(f"no open view {view_id}")
            found[0]["state"] = {"values": copy.deepcopy(values)}

    def apply_submission(self, user_id: str, view_id: str, answer: Any) -> None:
        """Update the modal stack after the bot answered a view_submission."""
        with self._state.lock:
            try:
                emulator_views.apply_submission(self._state, user_id, view_id, answer)
            except ApiError as exc:
                raise AssertionError(
                    f"Slack would reject this view_submission answer: {exc.error} {exc.extra}"
                    f"\nanswer: {answer!r}"
                ) from None

    def dismiss_view(self, user_id: str, view_id: str) -> bool:
        """The user closed a modal; returns False if it was not open."""
        with self._state.lock:
            return emulator_views.dismiss_view(self._state, user_id, view_id)

    # fault injection ---------------------------------------------------------

    def fail(
        self,
        method: str,
        status: int = 429,
        retry_after: int = 1,
        times: int = 1,
        error: str | None = None,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` ("*" = any) with an HTTP error."""
        self._faults.fail(method, status, retry_after, times, error)

    def delay(self, method: str, seconds: float, times: int = 1) -> None:
        """Sleep ``seconds`` before answering the next ``times`` calls of ``method``."""
        self._faults.delay(method, seconds, times)

    def rate_limit(self, method: str, per_second: float) -> None:
        """Answer 429 + Retry-After when ``method`` is called faster than ``per_second``
        (``"*"``: all methods together, a workspace-wide limit)."""
        self._faults.rate_limit(method, per_second)

    def rate_limited(self, method: str | None = None) -> int:
        """How many calls the rate limits answered 429 so far (of ``method``, or in all)."""
        return self._faults.rate_limited(method)

    def chaos(
        self,
        rate: float = 0.2,
        statuses: tuple[int, ...] = (429, 500, 503),
        retry_after: int = 1,
        methods: tuple[str, ...] = ("chat.postMessage", "conversations.open"),
        seed: int | None = None,
    ) -> None:
        """Fail a random share ``rate`` of the calls of ``methods`` ("*" = any) with one of
        ``statuses`` (429 carries ``Retry-After: retry_after``; 200 is ``ok: false``).

        Off by default; ``rate=0`` switches it off. Draws come from ``random.Random(seed)``, so a
        seed repeats the same faults for the same order of calls. Explicit ``fail`` rules win.
        """
        self._faults.chaos(rate, statuses, retry_after, methods, seed)

    def chaos_injected(self, method: str | None = None) -> int:
        """How many calls chaos failed so far (of ``method``, or in all)."""
        return self._faults.chaos_injected(method)

    def reset_faults(self) -> None:
        """Remove all injected faults (chaos included, and its count)."""
        self._faults.reset()

    # inspection ----------------------------------------------------------------

    def calls(self, method: str | None = None) -> list[JsonDict]:
        """Recorded Web API calls (method, params, http_status, at, ok, error)."""
        with self._state.lock:
            calls = [c for c in self._state.calls if method is None or c["method"] == method]
            return copy.deepcopy(calls)

    def messages(self, channel_id: str) -> list[JsonDict]:
        """All messages of a conversation (channel id, or user id for their IM), oldest first."""
        with self._state.lock:
            if channel_id in self._state.users and channel_id not in self._state.conversations:
                channel_id = "D" + channel_id
            msgs = self._state.messages.get(channel_id, [])
            return [self._state.public_message(m) for m in msgs]

    def dm_messages(self, user_id: str) -> list[JsonDict]:
        """Messages the bot posted in its IM with ``user_id``, oldest first."""
        return [m for m in self.messages("D" + user_id) if m["user"] == self.bot_user_id]

    def get_message(self, channel_id: str, ts: str) -> JsonDict | None:
        """The current version of one message, or None if it does not exist (any more)."""
        return next((m for m in self.messages(channel_id) if m["ts"] == ts), None)

    def ephemerals(self, user_id: str | None = None) -> list[JsonDict]:
        """Ephemeral messages (chat.postEphemeral), optionally only those for ``user_id``."""
        with self._state.lock:
            found = [e for e in self._state.ephemerals if user_id in (None, e["user"])]
            return copy.deepcopy(found)

    def responses(self, response_url: str | None = None) -> list[JsonDict]:
        """Bodies posted to response URLs (text, blocks, response_type, ...), oldest first."""
        with self._state.lock:
            found = [r for r in self._state.responses if response_url in (None, r["url"])]
            return copy.deepcopy(found)

    def home(self, user_id: str) -> JsonDict | None:
        """The App Home view last published for ``user_id``."""
        with self._state.lock:
            return copy.deepcopy(self._state.homes.get(user_id))

    def open_views(self, user_id: str) -> list[JsonDict]:
        """The user's modal stack, bottom first."""
        with self._state.lock:
            return copy.deepcopy(self._state.modals.get(user_id, []))

    def get_view(self, view_id: str) -> JsonDict | None:
        """An open modal or home view by id."""
        with self._state.lock:
            found = emulator_views.find_view(self._state, view_id=view_id)
            return copy.deepcopy(found[0]) if found else None

    def files(self) -> list[JsonDict]:
        """Uploaded files, including ``content`` (bytes) and ``channels``."""
        with self._state.lock:
            return copy.deepcopy(list(self._state.files.values()))

    def conversations(self) -> list[JsonDict]:
        """Every conversation (IMs, group DMs, channels) with its ``members``, oldest first."""
        with self._state.lock:
            return copy.deepcopy(list(self._state.conversations.values()))

    def find_message(self, user_id: str, text_contains: str) -> JsonDict:
        """Newest bot DM to ``user_id`` whose text or blocks contain ``text_contains``."""
        msgs = self.dm_messages(user_id)
        for msg in reversed(msgs):
            if text_contains in msg["text"] or text_contains in block_texts(msg["blocks"]):
                return msg
        listing = "\n".join(f"  {m['ts']}: {_summary(m)}" for m in msgs) or "  (none)"
        raise AssertionError(
            f"no DM to {user_id} contains {text_contains!r}; bot DMs to {user_id}:\n{listing}"
        )

    def wait_for(self, predicate: Callable[[], T], timeout: float = 5.0) -> T:
        """Poll ``predicate`` until it returns something truthy; returns that value.

        AssertionError/LookupError raised by the predicate count as "not yet".
        """
        deadline = time.monotonic() + timeout
        last_error: Exception | None = None
        while True:
            try:
                value = predicate()
                if value:
                    return value
            except (AssertionError, LookupError) as exc:
                last_error = exc
            if time.monotonic() >= deadline:
                break
            time.sleep(0.02)
        recent = "\n".join(
            f"  {c['method']} -> {c['http_status']} {c['error'] or 'ok'}"
            for c in self.calls()[-10:]
        )
        detail = f"\nlast error: {last_error}" if last_error else ""
        raise AssertionError(
            f"condition not met within {timeout}s{detail}\nrecent API calls:\n{recent or '  none'}"
        )


def _summary(msg: JsonDict) -> str:
    text = msg["text"] or block_texts(msg["blocks"]).replace("\n", " | ")
    return text if len(text) <= 120 else text[:117] + "..."

