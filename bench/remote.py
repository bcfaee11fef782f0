"""The Slack emulator in a process of its own, driven through a proxy.

In the benchmark's process the emulator would answer the bot's Web API calls on the same
interpreter (and GIL) as the threads timing the bot's answers, so the bot's own Slack traffic
would slow down the clock measuring it (and never the floor's, which calls no Web API).
`RemoteEmulator` serves it from a child process (multiprocessing's manager) and forwards
method calls to it; `SlackClient` takes it in place of a `SlackEmulator`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from multiprocessing.managers import BaseManager
from typing import Any, TypeVar

from bot.testing import SlackEmulator

T = TypeVar("T")


class ServedEmulator(SlackEmulator):
    """A SlackEmulator, started as soon as made, that can tell a proxy its identity
    (properties are not proxied)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.start()

    def identity(self) -> dict[str, str]:
        return {"team_id": self.team_id, "team_domain": self.team_domain, "app_id": self.app_id,
                "bot_user_id": self.bot_user_id, "bot_id": self.bot_id,
                "bot_token": self.bot_token, "url": self.url, "api_url": self.api_url}


class _Manager(BaseManager):
    pass


_Manager.register("Emulator", ServedEmulator)


class RemoteEmulator:
    """A started emulator in a child process: its identity as attributes, its methods by
    proxy (arguments and answers are pickled), `wait_for` polled from here."""

    def __init__(self, **kwargs: Any) -> None:
        self._manager = _Manager()
        self._manager.start()
        self._proxy: Any = self._manager.Emulator(**kwargs)  # type: ignore[attr-defined]
        self.__dict__.update(self._proxy.identity())

    def __getattr__(self, name: str) -> Any:
        return getattr(self._proxy, name)

    def wait_for(self, predicate: Callable[[], T], timeout: float = 5.0) -> T:
        """Poll `predicate` until it returns something truthy (AssertionError and LookupError
        count as "not yet")."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                value = predicate()
                if value:
                    return value
            except (AssertionError, LookupError):
                if time.monotonic() >= deadline:
                    raise
            if time.monotonic() >= deadline:
                raise AssertionError(f"condition not met within {timeout}s")
            time.sleep(0.02)

    def __enter__(self) -> RemoteEmulator:
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self._proxy.stop()
        finally:
            self._manager.shutdown()
