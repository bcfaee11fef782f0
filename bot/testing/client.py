"""Signed requests to a running bot, shaped exactly like the ones Slack sends."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from bot.testing.blocks import element_value, find_element, is_empty, iter_elements
from bot.testing.emulator import SlackEmulator

JsonDict = dict[str, Any]
VERIFICATION_TOKEN = "legacy-verification-token"


@dataclass
class Response:
    """The bot's HTTP answer."""

    status: int
    headers: dict[str, str]
    text: str
    response_url: str | None = None
    trigger_id: str | None = None
    event_id: str | None = None

    def json(self) -> Any:
        """The body parsed as JSON (None when the body is empty)."""
        return json.loads(self.text) if self.text.strip() else None


class SlackClient:
    """Plays Slack's part towards the bot: slash commands, interactions, events."""

    def __init__(
        self,
        bot_url: str,
        signing_secret: str,
        emulator: SlackEmulator,
        team_id: str | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.bot_url = bot_url
        self.signing_secret = signing_secret
        self.emulator = emulator
        self.team_id = team_id or emulator.team_id
        self.timeout = timeout

    # transport -----------------------------------------------------------------

    def signed_headers(self, body: bytes, timestamp: int | None = None) -> dict[str, str]:
        """X-Slack-Request-Timestamp and X-Slack-Signature for ``body``."""
        ts = int(time.time()) if timestamp is None else timestamp
        base = f"v0:{ts}:".encode() + body
        digest = hmac.new(self.signing_secret.encode(), base, hashlib.sha256).hexdigest()
        return {"X-Slack-Request-Timestamp": str(ts), "X-Slack-Signature": f"v0={digest}"}

    def post(self, body: bytes, headers: dict[str, str]) -> Response:
        """POST raw ``body`` with exactly ``headers``; HTTP errors become Responses."""
        request = urllib.request.Request(self.bot_url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                status, answer_headers, raw = answer.status, dict(answer.headers), answer.read()
        except urllib.error.HTTPError as error:
            status, answer_headers, raw = error.code, dict(error.headers), error.read()
        return Response(status, answer_headers, raw.decode("utf-8", "replace"))

    def _send_form(self, fields: dict[str, str]) -> Response:
        body = urlencode(fields).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded", **self.signed_headers(body)}
        return self.post(body, headers)

    def _send_json(self, data: JsonDict, extra: dict[str, str] | None = None) -> Response:
        body = json.dumps(data).encode()
        headers = {"Content-Type": "application/json", **self.signed_headers(body), **(extra or {})}
        return self.post(body, headers)

    def _send_payload(self, payload: JsonDict) -> Response:
        return self._send_form({"payload": json.dumps(payload)})

    # shared payload parts ----------------------------------------------------------

    def _user(self, user_id: str) -> JsonDict:
        name = self._user_name(user_id)
        return {"id": user_id, "username": name, "name": name, "team_id": self.team_id}

    def _user_name(self, user_id: str) -> str:
        user = self.emulator.user(user_id)
        return str(user["name"]) if user else user_id

    def _team(self) -> JsonDict:
        return {"id": self.team_id, "domain": self.emulator.team_domain}

    def _interaction(self, kind: str, user: str) -> JsonDict:
        return {
            "type": kind,
            "user": self._user(user),
            "team": self._team(),
            "api_app_id": self.emulator.app_id,
            "token": VERIFICATION_TOKEN,
            "is_enterprise_install": False,
            "enterprise": None,
        }

    # slash commands --------------------------------------------------------------

    def command(
        self, command: str, text: str = "", *, user: str, channel: str | None = None
    ) -> Response:
        """Run a slash command; ``channel`` defaults to the user's IM with the bot."""
        channel = channel or self.emulator.im_channel(user)
        response_url = self.emulator.new_response_url(user=user, channel=channel)
        trigger_id = self.emulator.new_trigger_id(user)
        fields = {
            "token": VERIFICATION_TOKEN,
            "team_id": self.team_id,
            "team_domain": self.emulator.team_domain,
            "channel_id": channel,
            "channel_name": self._channel_name(channel),
            "user_id": user,
            "user_name": self._user_name(user),
            "command": command,
            "text": text,
            "api_app_id": self.emulator.app_id,
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": trigger_id,
        }
        response = self._send_form(fields)
        response.response_url, response.trigger_id = response_url, trigger_id
        return response

    # interactivity -----------------------------------------------------------------

    def click(self, user: str, source: JsonDict, action_id: str, value: Any = None) -> Response:
        """Click/choose the element ``action_id`` in a message or view (block_actions).

        ``source`` is a message (from ``dm_messages``/``messages``/``ephemerals``/``responses``)
        or a view (``home``/``open_views``); its current version is used. ``value``
        overrides a button's value, or is the choice for selects, pickers etc.
        """
        is_view = str(source.get("id", "")).startswith("V") and "ts" not in source
        is_ephemeral = bool(source.get("is_ephemeral"))
        if is_view:
            current = self.emulator.get_view(source["id"])
        elif is_ephemeral:
            current = source
        else:
            current = self.emulator.get_message(source["channel"], source["ts"])
        if current is None:
            raise AssertionError("cannot click: the message or view no longer exists")
        found = find_element(current.get("blocks") or [], action_id)
        if found is None:
            ids = [e.get("action_id") for _, e in iter_elements(current.get("blocks") or [])]
            raise AssertionError(f"no element with action_id {action_id!r}; found {ids}")
        block, element = found
        action: JsonDict = {
            "action_id": action_id,
            "block_id": block["block_id"],
            "type": element.get("type"),
            "action_ts": f"{self.emulator.now():.6f}",
        }
        if element.get("type") == "button":
            action["text"] = element.get("text")
            if value is not None or "value" in element:
                action["value"] = value if value is not None else element["value"]
            if element.get("style"):
                action["style"] = element["style"]
        else:
            action.update(element_value(element, value))
        payload = self._interaction("block_actions", user)
        payload["trigger_id"] = trigger_id = self.emulator.new_trigger_id(user)
        response_url = None
        if is_view:
            payload["container"] = {"type": "view", "view_id": current["id"]}
            payload["view"] = current
        else:
            channel = current["channel"]
            payload["container"] = {
                "type": "message",
                "message_ts": current["ts"],
                "channel_id": channel,
                "is_ephemeral": is_ephemeral,
            }
            payload["channel"] = {"id": channel, "name": self._channel_name(channel)}
            if not is_ephemeral:
                payload["message"] = _message_payload(current)
            response_url = self.emulator.new_response_url(
                user=user, channel=channel, message_ts=None if is_ephemeral else current["ts"]
            )
            payload["response_url"] = response_url
        payload["state"] = {"values": {}}
        payload["actions"] = [action]
        response = self._send_payload(payload)
        response.response_url, response.trigger_id = response_url, trigger_id
        return response

    def fill(self, user: str, view: JsonDict, values: JsonDict) -> JsonDict:
        """Type into the user's top modal without submitting (as before clicking a button in
        it); keys as for submit(). Returns the modal as it now is."""
        stack = self.emulator.open_views(user)
        if not stack or stack[-1]["id"] != view["id"]:
            raise AssertionError(f"view {view['id']} is not {user}'s top modal")
        state = _state_values(stack[-1], dict(values), allow_missing=True)
        self.emulator.set_view_state(view["id"], state)
        return self.emulator.open_views(user)[-1]

    def submit(
        self, user: str, view: JsonDict, values: JsonDict | None = None, *,
        allow_missing: bool = False,
    ) -> Response:
        """Submit the user's top modal with ``values`` keyed by block_id, label text or action_id.

        Values: str for text inputs, user id(s) for user selects, option value(s) for
        selects/checkboxes/radios, "YYYY-MM-DD" for datepickers. Untouched inputs keep
        what was entered before or their initial value. Required inputs without a value
        raise AssertionError (Slack would not let the user submit) unless allow_missing.
        The modal stack is then changed the way Slack does for the bot's answer.
        """
        stack = self.emulator.open_views(user)
        if not stack or stack[-1]["id"] != view["id"]:
            raise AssertionError(f"view {view['id']} is not {user}'s top modal")
        current = stack[-1]
        state_values = _state_values(current, dict(values or {}), allow_missing)
        self.emulator.set_view_state(current["id"], state_values)
        payload = self._interaction("view_submission", user)
        payload["trigger_id"] = trigger_id = self.emulator.new_trigger_id(user)
        payload["view"] = self.emulator.get_view(current["id"])
        payload["response_urls"] = []
        response = self._send_payload(payload)
        response.trigger_id = trigger_id
        if response.status == 200:
            try:
                answer = response.json()
            except ValueError:
                answer = None
            self.emulator.apply_submission(user, current["id"], answer)
        return response

    def forge_action(self, user: str, action_id: str, value: str = "") -> Response:
        """A crafted block_actions request: a button `action_id` with `value`, clicked in a
        message of the user's DM whether or not the bot ever showed it to them."""
        channel = self.emulator.im_channel(user)
        payload = self._interaction("block_actions", user)
        payload["trigger_id"] = trigger_id = self.emulator.new_trigger_id(user)
        payload["container"] = {"type": "message", "message_ts": "1.000001",
                                "channel_id": channel, "is_ephemeral": False}
        payload["channel"] = {"id": channel, "name": self._channel_name(channel)}
        payload["message"] = {"type": "message", "ts": "1.000001", "text": "", "blocks": []}
        payload["response_url"] = response_url = self.emulator.new_response_url(
            user=user, channel=channel, message_ts="1.000001")
        payload["state"] = {"values": {}}
        payload["actions"] = [{"action_id": action_id, "block_id": "forged", "type": "button",
                               "value": value, "text": {"type": "plain_text", "text": "x"},
                               "action_ts": f"{self.emulator.now():.6f}"}]
        response = self._send_payload(payload)
        response.response_url, response.trigger_id = response_url, trigger_id
        return response

    def forge_submission(self, user: str, callback_id: str, private_metadata: str = "",
                         values: JsonDict | None = None) -> Response:
        """A crafted view_submission of a modal `callback_id` the bot never opened for the
        user; `values` is Slack's state.values shape (block id -> action id -> value)."""
        payload = self._interaction("view_submission", user)
        payload["trigger_id"] = self.emulator.new_trigger_id(user)
        payload["view"] = {"id": "VFORGED", "type": "modal", "callback_id": callback_id,
                           "private_metadata": private_metadata, "blocks": [],
                           "state": {"values": values or {}}, "hash": "forged",
                           "title": {"type": "plain_text", "text": "x"}}
        payload["response_urls"] = []
        return self._send_payload(payload)

    def close_view(self, user: str, view: JsonDict) -> Response | None:
        """The user closes a modal; sends view_closed if the view has notify_on_close."""
        current = self.emulator.get_view(view["id"])
        if current is None or not self.emulator.dismiss_view(user, view["id"]):
            raise AssertionError(f"view {view['id']} is not open for {user}")
        if not current.get("notify_on_close"):
            return None
        payload = self._interaction("view_closed", user)
        payload["view"] = current
        payload["is_cleared"] = bool(current.get("clear_on_close"))
        return self._send_payload(payload)

    # Events API --------------------------------------------------------------------

    def event(
        self,
        event: JsonDict,
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
    ) -> Response:
        """Deliver an Events API ``event_callback`` envelope (optionally as a retry)."""
        event_id = event_id or "Ev" + uuid.uuid4().hex[:10].upper()
        envelope = {
            "token": VERIFICATION_TOKEN,
            "team_id": self.team_id,
            "api_app_id": self.emulator.app_id,
            "event": event,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(self.emulator.now()),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": self.team_id,
                    "user_id": self.emulator.bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
        }
        headers = {}
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason}
        response = self._send_json(envelope, headers)
        response.event_id = event_id
        return response

    def message(self, user: str, text: str, thread_ts: str | None = None) -> Response:
        """The user writes ``text`` in their IM with the bot (recorded + message event)."""
        return self.event(self.emulator.post_user_message(user, text, thread_ts=thread_ts))

    def open_home(self, user: str) -> Response:
        """The user opens the bot's Home tab (app_home_opened)."""
        event: JsonDict = {
            "type": "app_home_opened",
            "user": user,
            "channel": self.emulator.im_channel(user),
            "tab": "home",
            "event_ts": f"{self.emulator.now():.6f}",
        }
        home = self.emulator.home(user)
        if home is not None:
            event["view"] = home
        return self.event(event)

    def url_verification(self, challenge: str | None = None) -> Response:
        """Slack's URL verification handshake; the bot must echo the challenge."""
        challenge = challenge or uuid.uuid4().hex
        body = {"token": VERIFICATION_TOKEN, "challenge": challenge, "type": "url_verification"}
        return self._send_json(body)

    def _channel_name(self, channel: str) -> str:
        return "directmessage" if channel.startswith("D") else channel.lower()


def _message_payload(msg: JsonDict) -> JsonDict:
    """A stored message as Slack embeds it in interaction payloads."""
    keys = ("type", "subtype", "user", "bot_id", "text", "ts", "thread_ts", "metadata", "files")
    out = {k: msg[k] for k in keys if msg.get(k)}
    out["type"] = "message"
    out["blocks"] = msg.get("blocks") or []
    return out


def _state_values(view: JsonDict, values: JsonDict, allow_missing: bool) -> JsonDict:
    """Build ``view.state.values`` for a submission."""
    previous = view.get("state", {}).get("values", {})
    result: JsonDict = {}
    for block, element in iter_elements(view.get("blocks") or []):
        action_id = element.get("action_id") or f"{block['block_id']}-action"
        label = (block.get("label") or {}).get("text")
        key = next((k for k in (block["block_id"], label, action_id) if k in values), None)
        given = key is not None
        if element.get("type") == "button" or (block.get("type") != "input" and not given):
            continue
        old = previous.get(block["block_id"], {}).get(action_id)
        if given:
            entry = {"type": element["type"], **element_value(element, values.pop(key))}
        elif old is not None:
            entry = old
        else:
            entry = {"type": element["type"], **element_value(element, None)}
        required = block.get("type") == "input" and not block.get("optional")
        if required and is_empty(entry) and not allow_missing:
            raise AssertionError(f"required input {action_id!r} has no value")
        result.setdefault(block["block_id"], {})[action_id] = entry
    if values:
        raise AssertionError(f"no inputs with action_id {sorted(values)} in view {view['id']}")
    return result
