"""manifest.yml and the code agree: commands, events, interactivity and least-privilege scopes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from slack_bolt import App
from slack_sdk import WebClient

from bot.app import create_app
from bot.core.config import Settings
from bot.core.db import make_engine, make_sessions
from bot.core.slack import build_client

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = yaml.safe_load((ROOT / "manifest.yml").read_text())

# The Web API methods the bot may call, and the bot scope each needs (None: no scope).
SCOPE_OF = {
    "auth_test": None,
    "users_info": "users:read",
    "users_lookupByEmail": "users:read.email",
    "conversations_open": ("im:write", "mpim:write"),  # a DM, or the debrief's group DM
    "chat_postMessage": "chat:write",
    "chat_update": "chat:write",
    "views_open": None,
    "views_publish": None,
    "views_update": None,
    "files_upload_v2": "files:write",
    "conversations_history": ("im:history", "mpim:history"),  # the outbox's search after a crash
}
SCOPE_OF_EVENT = {"app_home_opened": None, "user_change": "users:read", "message.im": "im:history",
                  "app_uninstalled": None, "tokens_revoked": None}


@pytest.fixture(scope="module")
def registered() -> dict[str, set[str]]:
    """What create_app registers, recorded by wrapping Bolt's decorators."""
    seen: dict[str, set[str]] = {"command": set(), "event": set()}
    originals = {kind: getattr(App, kind) for kind in seen}

    def recorder(kind: str):
        def record(self, name, *args, **kwargs):
            seen[kind].add(name)
            return originals[kind](self, name, *args, **kwargs)
        return record

    settings = Settings.from_env({"SLACK_BOT_TOKEN": "xoxb-x", "SLACK_SIGNING_SECRET": "s"})
    with pytest.MonkeyPatch.context() as patch:
        for kind in seen:
            patch.setattr(App, kind, recorder(kind))
        create_app(settings, make_sessions(make_engine("sqlite://")), build_client(settings))
    return seen


def test_every_command_is_declared_and_handled(registered) -> None:
    declared = {c["command"] for c in MANIFEST["features"]["slash_commands"]}
    assert declared == registered["command"]
    assert {"/careerplan", "/team", "/devplan", "/salesreport", "/debrief"} <= declared
    for command in MANIFEST["features"]["slash_commands"]:
        assert command["description"] and command["usage_hint"] and command["should_escape"]
        assert command["url"].endswith("/slack/events")


def test_every_event_is_subscribed_and_handled(registered) -> None:
    subscribed = MANIFEST["settings"]["event_subscriptions"]["bot_events"]
    assert {name.split(".")[0] for name in subscribed} == registered["event"]
    assert set(subscribed) == set(SCOPE_OF_EVENT)
    assert MANIFEST["settings"]["interactivity"]["is_enabled"] is True
    home = MANIFEST["features"]["app_home"]
    assert home["home_tab_enabled"] and home["messages_tab_enabled"]


def web_api_methods() -> set[str]:
    """The Web API methods the bot's code calls, on any client: `x.<WebClient method>(…)`, and
    `api_call("method.name", …)`."""
    source = "\n".join(p.read_text() for p in (ROOT / "bot").rglob("*.py")
                       if "testing" not in p.parts)
    known = {name for name in dir(WebClient) if not name.startswith("_")} - {"api_call"}
    called = set(re.findall(r"\.(\w+)\(", source)) & known
    return called | {m.replace(".", "_")
                     for m in re.findall(r"api_call\(\s*[\'\"]([\w.]+)", source)}


def test_scopes_are_exactly_what_the_code_needs() -> None:
    """Both ways: every method called has its scope in the manifest, and every scope of the
    manifest is needed by a method called (or an event subscribed, or the commands)."""
    called = web_api_methods()
    assert called >= {"chat_postMessage", "users_info", "views_publish"}  # the search works
    unknown = called - SCOPE_OF.keys()
    assert not unknown, f"add these Web API methods to SCOPE_OF: {unknown}"
    stale = SCOPE_OF.keys() - called
    assert not stale, f"the code no longer calls these; drop them from SCOPE_OF: {stale}"
    scopes = [SCOPE_OF[m] for m in called]
    needed = {s for scope in scopes for s in (scope if isinstance(scope, tuple) else (scope,))}
    needed |= set(SCOPE_OF_EVENT.values()) | {"commands"}
    assert set(MANIFEST["oauth_config"]["scopes"]["bot"]) == needed - {None}
