"""In-memory workspace state of the Slack emulator (users, conversations, messages, ids).

Everything here is called with ``EmulatorState.lock`` held. Web API handlers validate
all their input before mutating anything, so a failed call never changes state.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import re
import secrets
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.testing.blocks import MAX_MESSAGE_BLOCKS, assign_block_ids, validate_blocks
from bot.testing.emulator_base import ApiError, JsonDict, flag

TRIGGER_TTL = 3.0
RESPONSE_URL_TTL = 1800.0
RESPONSE_URL_USES = 5


class EmulatorState:
    """The fake workspace. Guard every access with ``lock``."""

    def __init__(
        self,
        *,
        team_id: str,
        team_name: str,
        bot_token: str,
        bot_user_id: str,
        bot_id: str,
        bot_name: str,
        app_id: str,
        clock: Callable[[], float],
    ) -> None:
        self.lock = threading.RLock()
        self.team_id = team_id
        self.team_name = team_name
        self.team_domain = re.sub(r"[^a-z0-9-]", "", team_name.lower()) or "team"
        self.bot_token = bot_token
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.bot_name = bot_name
        self.app_id = app_id
        self.clock = clock
        self.base_url = ""
        self.users: dict[str, JsonDict] = {}
        self.conversations: dict[str, JsonDict] = {}
        self.messages: dict[str, list[JsonDict]] = {}
        self.ephemerals: list[JsonDict] = []
        self.modals: dict[str, list[JsonDict]] = {}
        self.homes: dict[str, JsonDict] = {}
        self.files: dict[str, JsonDict] = {}
        self.triggers: dict[str, JsonDict] = {}
        self.response_urls: dict[str, JsonDict] = {}
        self.responses: list[JsonDict] = []
        self.calls: list[JsonDict] = []
        self._ids = itertools.count(1)
        self._last_ts_us = 0
        self.add_user(bot_user_id, bot_name, is_bot=True, real_name=bot_name)

    # ids -----------------------------------------------------------------

    def new_id(self, prefix: str) -> str:
        """A fresh Slack-style id such as ``V00000007``."""
        return f"{prefix}{next(self._ids):08d}"

    def new_ts(self) -> str:
        """A unique, increasing message timestamp ("1700000000.000100") from the clock."""
        now_us = int(self.clock() * 1_000_000)
        self._last_ts_us = max(now_us, self._last_ts_us + 1)
        return f"{self._last_ts_us // 1_000_000}.{self._last_ts_us % 1_000_000:06d}"

    def new_hash(self) -> str:
        """A view hash."""
        return f"{int(self.clock())}.{secrets.token_hex(4)}"

    # users ---------------------------------------------------------------

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
        """Create or replace a user; returns the users.info object."""
        ZoneInfo(tz)  # fail early on unknown zones
        real_name = real_name or name
        profile: JsonDict = {
            "real_name": real_name,
            "real_name_normalized": real_name,
            "display_name": name if display_name is None else display_name,
            "display_name_normalized": name if display_name is None else display_name,
            "team": team_id or self.team_id,
        }
        if email:
            profile["email"] = email
        if is_bot and user_id == self.bot_user_id:
            profile["bot_id"] = self.bot_id
            profile["api_app_id"] = self.app_id
        self.users[user_id] = {
            "id": user_id,
            "team_id": team_id or self.team_id,
            "name": name,
            "deleted": deleted,
            "real_name": real_name,
            "tz": tz,
            "is_admin": is_admin,
            "is_owner": False,
            "is_primary_owner": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": is_bot,
            "is_app_user": False,
            "profile": profile,
        }
        return self.user_object(user_id)

    def user_object(self, user_id: str) -> JsonDict:
        """A copy of the user with tz_offset/tz_label computed for the current clock."""
        user = copy.deepcopy(self.users[user_id])
        if user.get("tz") is None:
            user.pop("tz", None)
            user["updated"] = int(self.clock())
            return user
        local = datetime.fromtimestamp(self.clock(), tz=ZoneInfo(user["tz"]))
        offset = local.utcoffset()
        user["tz_offset"] = int(offset.total_seconds()) if offset else 0
        user["tz_label"] = local.tzname() or user["tz"]
        user["updated"] = int(self.clock())
        return user

    def require_user(self, user_id: Any) -> JsonDict:
        """The stored user, or ApiError("user_not_found")."""
        if not isinstance(user_id, str) or user_id not in self.users:
            raise ApiError("user_not_found")
        return self.users[user_id]

    # conversations -------------------------------------------------------

    def _new_conversation(self, conv_id: str, **fields: Any) -> JsonDict:
        conv: JsonDict = {
            "id": conv_id,
            "created": int(self.clock()),
            "is_im": False,
            "is_mpim": False,
            "is_channel": False,
            "is_private": True,
            "is_open": True,
            **fields,
        }
        self.conversations[conv_id] = conv
        self.messages.setdefault(conv_id, [])
        return conv

    def open_im(self, user_id: str) -> JsonDict:
        """The IM ("D" + user id) between the bot and ``user_id``, created on first use."""
        conv_id = "D" + user_id
        if conv_id in self.conversations:
            return self.conversations[conv_id]
        members = [user_id, self.bot_user_id]
        return self._new_conversation(conv_id, is_im=True, user=user_id, members=members)

    def open_mpim(self, user_ids: list[str]) -> JsonDict:
        """The multi-person IM for ``user_ids`` plus the bot (stable id for the same set)."""
        members = sorted({*user_ids, self.bot_user_id})
        conv_id = "G" + hashlib.sha1(",".join(members).encode()).hexdigest()[:10].upper()
        if conv_id in self.conversations:
            return self.conversations[conv_id]
        name = "mpdm-" + "--".join(self.users[m]["name"] for m in members) + "-1"
        return self._new_conversation(conv_id, is_mpim=True, name=name, members=members)

    def add_channel(
        self, channel_id: str, name: str, members: list[str], is_private: bool
    ) -> JsonDict:
        """Create a channel the bot is a member of."""
        members = sorted({*members, self.bot_user_id})
        return self._new_conversation(
            channel_id, is_channel=True, is_private=is_private, name=name, members=members
        )

    def resolve(self, channel: Any, *, writable: bool = False) -> JsonDict:
        """The conversation for a channel id or a user id (that user's IM).

        With ``writable``, posting into the IM of a deleted user raises account_inactive.
        """
        if not isinstance(channel, str) or not channel:
            raise ApiError("channel_not_found")
        conv = self.conversations.get(channel)
        if conv is None and channel in self.users:
            if writable and self.users[channel]["deleted"]:
                raise ApiError("account_inactive")
            conv = self.open_im(channel)
        if conv is None:
            raise ApiError("channel_not_found")
        if writable and conv["is_im"] and self.users[conv["user"]]["deleted"]:
            raise ApiError("account_inactive")
        return conv

    # messages ------------------------------------------------------------

    def add_message(
        self,
        channel_id: str,
        *,
        user: str,
        text: str = "",
        blocks: list[JsonDict] | None = None,
        metadata: JsonDict | None = None,
        thread_ts: str | None = None,
        files: list[JsonDict] | None = None,
        attachments: list[JsonDict] | None = None,
    ) -> JsonDict:
        """Append a message to a conversation and return the stored record."""
        msg: JsonDict = {
            "channel": channel_id,
            "ts": self.new_ts(),
            "user": user,
            "text": text or "",
            "blocks": assign_block_ids(blocks) if blocks else None,
            "metadata": metadata,
            "thread_ts": thread_ts,
            "edited": False,
            "edited_ts": None,
            "history": [],
            "files": files or [],
            "attachments": attachments,
            "reactions": [],
        }
        self.messages.setdefault(channel_id, []).append(msg)
        return msg

    def get_message(self, channel_id: str, ts: Any) -> JsonDict:
        """The stored message, or ApiError("message_not_found")."""
        for msg in self.messages.get(channel_id, []):
            if msg["ts"] == ts:
                return msg
        raise ApiError("message_not_found")

    def edit_message(
        self, msg: JsonDict, *, text: str | None, blocks: list[JsonDict] | None
    ) -> None:
        """Replace text and/or blocks, remembering the previous version."""
        msg["history"].append({"text": msg["text"], "blocks": msg["blocks"]})
        if text is not None:
            msg["text"] = text
        if blocks is not None:
            msg["blocks"] = assign_block_ids(blocks)
        msg["edited"] = True
        msg["edited_ts"] = self.new_ts()

    def replace_message(self, msg: JsonDict, *, text: str, blocks: list[JsonDict] | None) -> None:
        """Replace the whole content (response_url replace_original)."""
        self.edit_message(msg, text=text, blocks=blocks)
        if not blocks:
            msg["blocks"] = None

    def delete_message(self, msg: JsonDict) -> None:
        """Remove a stored message."""
        self.messages[msg["channel"]].remove(msg)

    def render_message(self, msg: JsonDict, *, metadata: bool = True) -> JsonDict:
        """A message as the Web API returns it."""
        out: JsonDict = {
            "type": "message",
            "user": msg["user"],
            "text": msg["text"],
            "ts": msg["ts"],
            "team": self.team_id,
        }
        if msg["user"] == self.bot_user_id:
            out.update(bot_id=self.bot_id, app_id=self.app_id)
        for key in ("blocks", "attachments", "thread_ts", "files", "reactions"):
            if msg.get(key):
                out[key] = copy.deepcopy(msg[key])
        if metadata and msg["metadata"]:
            out["metadata"] = copy.deepcopy(msg["metadata"])
        if msg["edited"]:
            out["edited"] = {"user": msg["user"], "ts": msg["edited_ts"]}
        replies = [
            m for m in self.messages.get(msg["channel"], [])
            if m["thread_ts"] == msg["ts"] and m["ts"] != msg["ts"]
        ]
        if replies:
            out["thread_ts"] = msg["ts"]
            out["reply_count"] = len(replies)
            out["reply_users"] = sorted({m["user"] for m in replies})
            out["latest_reply"] = replies[-1]["ts"]
        return out

    def public_message(self, msg: JsonDict) -> JsonDict:
        """A message as the inspection API returns it (copy, without internals)."""
        out = copy.deepcopy(msg)
        out.pop("edited_ts", None)
        out["type"] = "message"
        if msg["user"] == self.bot_user_id:
            out["bot_id"] = self.bot_id
        return out

    # triggers, response urls -------------------------------------------------

    def new_trigger_id(self, user_id: str) -> str:
        """Issue a trigger id for ``user_id``; valid once, for TRIGGER_TTL seconds."""
        trigger_id = f"{next(self._ids)}.{int(self.clock())}.{secrets.token_hex(16)}"
        self.triggers[trigger_id] = {"user": user_id, "issued": self.clock(), "used": False}
        return trigger_id

    def check_trigger(self, trigger_id: Any) -> JsonDict:
        """The trigger record if usable now (does not consume it)."""
        trigger = self.triggers.get(trigger_id) if isinstance(trigger_id, str) else None
        if trigger is None:
            raise ApiError("invalid_trigger_id")
        if trigger["used"] or self.clock() - trigger["issued"] > TRIGGER_TTL:
            raise ApiError("expired_trigger_id")
        return trigger

    def new_response_url(
        self, *, user: str | None, channel: str | None, message_ts: str | None
    ) -> str:
        """Issue a response_url, optionally bound to the message it came from."""
        response_id = secrets.token_hex(8)
        self.response_urls[response_id] = {
            "user": user,
            "channel": channel,
            "message_ts": message_ts,
            "issued": self.clock(),
            "uses": 0,
        }
        return f"{self.base_url}response/{response_id}"

    def post_response(self, response_id: str, body: JsonDict) -> JsonDict:
        """Record a POST to a response_url and apply replace/delete_original."""
        info = self.response_urls.get(response_id)
        if info is None:
            raise ApiError("no_such_response_url")
        if self.clock() - info["issued"] > RESPONSE_URL_TTL:
            raise ApiError("expired_url")
        if info["uses"] >= RESPONSE_URL_USES:
            raise ApiError("used_url")
        if body.get("blocks") is not None and validate_blocks(body["blocks"], MAX_MESSAGE_BLOCKS):
            raise ApiError("invalid_blocks")
        info["uses"] += 1
        original = None
        if info["channel"] and info["message_ts"]:
            try:
                original = self.get_message(info["channel"], info["message_ts"])
            except ApiError:
                original = None
        replace, delete = flag(body, "replace_original"), flag(body, "delete_original")
        response_type = body.get("response_type", "ephemeral")
        posted = None
        if original is not None and delete:
            self.delete_message(original)
        elif original is not None and replace:
            self.replace_message(original, text=body.get("text", ""), blocks=body.get("blocks"))
        elif (
            response_type == "in_channel"
            and info["channel"] in self.conversations
            and (body.get("text") or body.get("blocks"))
        ):
            posted = self.add_message(
                info["channel"],
                user=self.bot_user_id,
                text=body.get("text", ""),
                blocks=body.get("blocks"),
                thread_ts=body.get("thread_ts"),
            )
        record = {
            "url": f"{self.base_url}response/{response_id}",
            "user": info["user"],
            "channel": info["channel"],
            "ts": posted["ts"] if posted else self.new_ts(),
            "text": body.get("text", ""),
            "blocks": assign_block_ids(body["blocks"]) if body.get("blocks") else None,
            "response_type": response_type,
            "replace_original": replace,
            "delete_original": delete,
            "thread_ts": body.get("thread_ts"),
            "is_ephemeral": response_type != "in_channel",
            "body": body,
            "at": self.clock(),
        }
        self.responses.append(record)
        return record
