"""Web API methods of the Slack emulator: auth, team, users, conversations, chat, reactions."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from bot.testing.blocks import MAX_MESSAGE_BLOCKS, validate_blocks
from bot.testing.emulator_base import (
    ApiError,
    JsonDict,
    api_method,
    flag,
    json_param,
    paginate,
    param,
)
from bot.testing.emulator_state import EmulatorState

MAX_TEXT = 40_000


@api_method("api.test")
def api_test(state: EmulatorState, params: JsonDict) -> JsonDict:
    return {"args": {k: v for k, v in params.items() if k != "token"}}


@api_method("auth.test")
def auth_test(state: EmulatorState, params: JsonDict) -> JsonDict:
    return {
        "url": f"https://{state.team_domain}.slack.com/",
        "team": state.team_name,
        "team_id": state.team_id,
        "user": state.bot_name,
        "user_id": state.bot_user_id,
        "bot_id": state.bot_id,
        "is_enterprise_install": False,
    }


@api_method("team.info")
def team_info(state: EmulatorState, params: JsonDict) -> JsonDict:
    team = {"id": state.team_id, "name": state.team_name, "domain": state.team_domain}
    return {"team": team}


# users ---------------------------------------------------------------------


@api_method("users.info")
def users_info(state: EmulatorState, params: JsonDict) -> JsonDict:
    user = state.require_user(params.get("user"))
    return {"user": state.user_object(user["id"])}


@api_method("users.lookupByEmail")
def users_lookup_by_email(state: EmulatorState, params: JsonDict) -> JsonDict:
    email = str(param(params, "email", "users_not_found")).lower()
    for user_id, user in state.users.items():
        if str(user["profile"].get("email", "")).lower() == email:
            return {"user": state.user_object(user_id)}
    raise ApiError("users_not_found")


@api_method("users.list")
def users_list(state: EmulatorState, params: JsonDict) -> JsonDict:
    members = [state.user_object(user_id) for user_id in state.users]
    page, meta = paginate(members, params, default_limit=1000)
    return {"members": page, "cache_ts": int(state.clock()), "response_metadata": meta}


# conversations -------------------------------------------------------------


def _user_list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [v.strip() for v in str(value or "").split(",") if v.strip()]


@api_method("conversations.open")
def conversations_open(state: EmulatorState, params: JsonDict) -> JsonDict:
    if params.get("channel"):
        conv = state.resolve(params["channel"])
        return {"channel": {"id": conv["id"]}, "no_op": True, "already_open": True}
    users = [u for u in _user_list(params.get("users")) if u != state.bot_user_id]
    if not users:
        raise ApiError("users_list_not_supplied")
    if len(users) > 8:
        raise ApiError("too_many_users")
    for user_id in users:
        if state.require_user(user_id)["deleted"]:
            raise ApiError("user_disabled")
    existing = ("D" + users[0]) if len(users) == 1 else None
    already = existing in state.conversations
    conv = state.open_im(users[0]) if len(users) == 1 else state.open_mpim(users)
    channel = _conversation_object(conv) if flag(params, "return_im") else {"id": conv["id"]}
    result: JsonDict = {"channel": channel}
    if already:
        result.update(no_op=True, already_open=True)
    return result


def _conversation_object(conv: JsonDict) -> JsonDict:
    return {k: (list(v) if isinstance(v, list) else v) for k, v in conv.items()}


@api_method("conversations.info")
def conversations_info(state: EmulatorState, params: JsonDict) -> JsonDict:
    return {"channel": _conversation_object(state.resolve(params.get("channel")))}


def _bound(params: JsonDict, key: str) -> Decimal | None:
    value = params.get(key)
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ApiError("invalid_ts_" + key) from None


def _in_range(ts: str, params: JsonDict) -> bool:
    """Whether ``ts`` lies between the oldest/latest parameters."""
    inclusive = flag(params, "inclusive")
    value = Decimal(ts)
    oldest, latest = _bound(params, "oldest"), _bound(params, "latest")
    if oldest is not None and (value < oldest or (value == oldest and not inclusive)):
        return False
    return latest is None or value < latest or (value == latest and inclusive)


@api_method("conversations.history")
def conversations_history(state: EmulatorState, params: JsonDict) -> JsonDict:
    conv = state.resolve(params.get("channel"))
    with_meta = flag(params, "include_all_metadata")
    top_level = [
        m for m in state.messages[conv["id"]]
        if (not m["thread_ts"] or m["thread_ts"] == m["ts"]) and _in_range(m["ts"], params)
    ]
    newest_first = [state.render_message(m, metadata=with_meta) for m in reversed(top_level)]
    page, meta = paginate(newest_first, params, default_limit=100)
    return {
        "messages": page,
        "has_more": bool(meta["next_cursor"]),
        "pin_count": 0,
        "response_metadata": meta,
    }


@api_method("conversations.replies")
def conversations_replies(state: EmulatorState, params: JsonDict) -> JsonDict:
    conv = state.resolve(params.get("channel"))
    try:
        msg = state.get_message(conv["id"], params.get("ts"))
    except ApiError:
        raise ApiError("thread_not_found") from None
    root = msg["thread_ts"] or msg["ts"]
    with_meta = flag(params, "include_all_metadata")
    thread = [
        m for m in state.messages[conv["id"]]
        if (m["ts"] == root or m["thread_ts"] == root) and _in_range(m["ts"], params)
    ]
    rendered = [state.render_message(m, metadata=with_meta) for m in thread]
    page, meta = paginate(rendered, params, default_limit=1000)
    return {"messages": page, "has_more": bool(meta["next_cursor"]), "response_metadata": meta}


# chat ----------------------------------------------------------------------


def _content(params: JsonDict, *, required: bool) -> tuple[str | None, Any, Any]:
    """Validated (text, blocks, attachments) of a chat.* call."""
    text = params.get("text")
    blocks = json_param(params, "blocks", "invalid_blocks_format")
    attachments = json_param(params, "attachments", "invalid_attachments")
    if blocks is not None:
        problems = validate_blocks(blocks, MAX_MESSAGE_BLOCKS)
        if problems:
            raise ApiError("invalid_blocks", response_metadata={"messages": problems})
    if required and not text and not blocks and not attachments:
        raise ApiError("no_text")
    if text is not None and len(str(text)) > MAX_TEXT:
        raise ApiError("msg_too_long")
    return (None if text is None else str(text)), blocks or None, attachments or None


def _metadata(params: JsonDict) -> JsonDict | None:
    metadata = json_param(params, "metadata", "invalid_metadata_format")
    if metadata in (None, {}):
        return None
    if (
        not isinstance(metadata, dict)
        or not isinstance(metadata.get("event_type"), str)
        or not isinstance(metadata.get("event_payload", {}), dict)
    ):
        raise ApiError("invalid_metadata_format")
    return metadata


@api_method("chat.postMessage")
def chat_post_message(state: EmulatorState, params: JsonDict) -> JsonDict:
    conv = state.resolve(params.get("channel"), writable=True)
    text, blocks, attachments = _content(params, required=True)
    metadata = _metadata(params)
    msg = state.add_message(
        conv["id"],
        user=state.bot_user_id,
        text=text or "",
        blocks=blocks,
        metadata=metadata,
        thread_ts=params.get("thread_ts") or None,
        attachments=attachments,
    )
    return {"channel": conv["id"], "ts": msg["ts"], "message": state.render_message(msg)}


@api_method("chat.update")
def chat_update(state: EmulatorState, params: JsonDict) -> JsonDict:
    conv = state.resolve(params.get("channel"))
    msg = state.get_message(conv["id"], params.get("ts"))
    if msg["user"] != state.bot_user_id:
        raise ApiError("cant_update_message")
    text, blocks, _ = _content(params, required=False)
    metadata = _metadata(params)
    if text is None and blocks is None and metadata is None:
        raise ApiError("no_text")
    state.edit_message(msg, text=text, blocks=blocks)
    if metadata is not None:
        msg["metadata"] = metadata
    rendered = state.render_message(msg)
    return {"channel": conv["id"], "ts": msg["ts"], "text": msg["text"], "message": rendered}


@api_method("chat.delete")
def chat_delete(state: EmulatorState, params: JsonDict) -> JsonDict:
    conv = state.resolve(params.get("channel"))
    msg = state.get_message(conv["id"], params.get("ts"))
    if msg["user"] != state.bot_user_id:
        raise ApiError("cant_delete_message")
    state.delete_message(msg)
    return {"channel": conv["id"], "ts": msg["ts"]}


@api_method("chat.postEphemeral")
def chat_post_ephemeral(state: EmulatorState, params: JsonDict) -> JsonDict:
    user = state.require_user(params.get("user"))
    conv = state.resolve(params.get("channel"), writable=True)
    if "members" in conv and user["id"] not in conv["members"]:
        raise ApiError("user_not_in_channel")
    text, blocks, attachments = _content(params, required=True)
    record = {
        "channel": conv["id"],
        "user": user["id"],
        "ts": state.new_ts(),
        "text": text or "",
        "blocks": blocks,
        "attachments": attachments,
        "thread_ts": params.get("thread_ts") or None,
        "is_ephemeral": True,
    }
    state.ephemerals.append(record)
    return {"message_ts": record["ts"]}


@api_method("chat.getPermalink")
def chat_get_permalink(state: EmulatorState, params: JsonDict) -> JsonDict:
    conv = state.resolve(params.get("channel"))
    msg = state.get_message(conv["id"], params.get("message_ts"))
    link = f"https://{state.team_domain}.slack.com/archives/{conv['id']}/p"
    return {"channel": conv["id"], "permalink": link + msg["ts"].replace(".", "")}


@api_method("reactions.add")
def reactions_add(state: EmulatorState, params: JsonDict) -> JsonDict:
    conv = state.resolve(params.get("channel"))
    msg = state.get_message(conv["id"], params.get("timestamp"))
    name = str(param(params, "name", "invalid_name")).strip(":")
    for reaction in msg["reactions"]:
        if reaction["name"] == name:
            if state.bot_user_id in reaction["users"]:
                raise ApiError("already_reacted")
            reaction["users"].append(state.bot_user_id)
            reaction["count"] += 1
            return {}
    msg["reactions"].append({"name": name, "users": [state.bot_user_id], "count": 1})
    return {}
