"""Bolt's listener matching, made cheap for an app with many listeners.

For each request Bolt tries the app's listeners in order until one matches. Each built-in
matcher (the command name, an action_id, a callback_id, an event type) is a function of the
request body only, but Bolt calls it through its keyword-argument injection, which builds every
argument a listener could ask for (client, respond, say, context…): with Leadwell's hundred-odd
listeners that was most of the CPU spent before an acknowledgement. `fast_matchers` gives
those functions the body directly; other matchers are kept as they are. Behaviour is unchanged:
the same functions decide, in the same order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import App
from slack_bolt.listener_matcher import ListenerMatcher
from slack_bolt.listener_matcher.builtins import BuiltinListenerMatcher
from slack_bolt.request import BoltRequest
from slack_bolt.response import BoltResponse


class BodyMatcher(ListenerMatcher):
    """A built-in matcher whose function takes only `body`, called with it."""

    def __init__(self, func: Callable[..., Any]) -> None:
        self.func = func

    def matches(self, req: BoltRequest, resp: BoltResponse) -> bool:
        return bool(self.func(body=req.body))


def fast_matchers(app: App) -> int:
    """Swap the body-only built-in matchers of every listener registered so far (call it once
    all are registered); returns how many were swapped."""
    swapped = 0
    for listener in app._listeners:  # Bolt has no public accessor (pinned: slack-bolt < 2)
        matchers = []
        for matcher in listener.matchers:
            if type(matcher) is BuiltinListenerMatcher and matcher.arg_names == ["body"]:
                matcher, swapped = BodyMatcher(matcher.func), swapped + 1
            matchers.append(matcher)
        listener.matchers = matchers
    return swapped
