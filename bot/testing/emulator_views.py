"""Web API methods of the Slack emulator for views (modals, App Home) and file uploads."""

from __future__ import annotations

import mimetypes
from typing import Any

from bot.testing.blocks import assign_block_ids, validate_view
from bot.testing.emulator_base import (
    ApiError,
    JsonDict,
    api_method,
    int_param,
    json_param,
    param,
)
from bot.testing.emulator_state import EmulatorState

MAX_MODAL_STACK = 3


# view helpers ----------------------------------------------------------------


def find_view(
    state: EmulatorState, view_id: Any = None, external_id: Any = None
) -> tuple[JsonDict, str] | None:
    """``(view, user_id)`` of an open modal or home view by id or external_id."""
    candidates = [(v, user) for user, stack in state.modals.items() for v in stack]
    candidates += [(v, user) for user, v in state.homes.items()]
    for view, user in candidates:
        if view_id and view["id"] == view_id:
            return view, user
        if external_id and view.get("external_id") == external_id:
            return view, user
    return None


def build_view(
    state: EmulatorState, raw: Any, kind: str, *, existing: JsonDict | None = None
) -> JsonDict:
    """Validate a view payload and turn it into the stored view object."""
    if isinstance(raw, str):
        raw = json_param({"view": raw}, "view")
    problems = validate_view(raw, kind)
    if problems:
        raise ApiError("invalid_arguments", response_metadata={"messages": problems})
    external_id = raw.get("external_id") or ""
    if external_id:
        found = find_view(state, external_id=external_id)
        if found and (existing is None or found[0]["id"] != existing["id"]):
            raise ApiError("duplicate_external_id")
    view_id = existing["id"] if existing else state.new_id("V")
    blocks = assign_block_ids(raw["blocks"])
    values: JsonDict = {}
    if existing:  # Slack keeps what the user typed in blocks that still exist
        block_ids = {b["block_id"] for b in blocks}
        values = {k: v for k, v in existing["state"]["values"].items() if k in block_ids}
    view: JsonDict = {
        "id": view_id,
        "team_id": state.team_id,
        "type": kind,
        "blocks": blocks,
        "private_metadata": raw.get("private_metadata") or "",
        "callback_id": raw.get("callback_id") or "",
        "external_id": external_id,
        "state": {"values": values},
        "hash": state.new_hash(),
        "clear_on_close": bool(raw.get("clear_on_close", False)),
        "notify_on_close": bool(raw.get("notify_on_close", False)),
        "root_view_id": existing["root_view_id"] if existing else view_id,
        "previous_view_id": existing["previous_view_id"] if existing else None,
        "app_id": state.app_id,
        "app_installed_team_id": state.team_id,
        "bot_id": state.bot_id,
    }
    for key in ("title", "submit", "close"):
        if raw.get(key):
            view[key] = raw[key]
    return view


def _replace(state: EmulatorState, old: JsonDict, new: JsonDict, user: str) -> None:
    if state.homes.get(user) is old:
        state.homes[user] = new
        return
    stack = state.modals[user]
    stack[stack.index(old)] = new


def push_modal(state: EmulatorState, user: str, raw: Any) -> JsonDict:
    """Push a new modal onto ``user``'s stack (views.push / response_action push)."""
    stack = state.modals.get(user, [])
    if len(stack) >= MAX_MODAL_STACK:
        raise ApiError("push_limit_reached")
    view = build_view(state, raw, "modal")
    if stack:
        view["root_view_id"] = stack[0]["id"]
        view["previous_view_id"] = stack[-1]["id"]
    state.modals.setdefault(user, []).append(view)
    return view


def apply_submission(state: EmulatorState, user: str, view_id: str, answer: Any) -> None:
    """Change the modal stack the way Slack does after a view_submission answer."""
    stack = state.modals.get(user, [])
    if not stack or stack[-1]["id"] != view_id:
        return
    action = answer.get("response_action") if isinstance(answer, dict) else None
    if action == "errors":
        inputs = {b["block_id"] for b in stack[-1]["blocks"] if b.get("type") == "input"}
        unknown = sorted(set(answer.get("errors") or {}) - inputs)
        if not answer.get("errors") or unknown:
            raise ApiError("invalid_errors", response_metadata={"unknown_block_ids": unknown})
        return
    if action == "clear":
        stack.clear()
    elif action == "update":
        stack[-1] = build_view(state, answer.get("view"), "modal", existing=stack[-1])
    elif action == "push":
        push_modal(state, user, answer.get("view"))
    else:
        stack.pop()


def dismiss_view(state: EmulatorState, user: str, view_id: str) -> bool:
    """The user closed a modal: drop it (or the whole stack with clear_on_close)."""
    stack = state.modals.get(user, [])
    for index, view in enumerate(stack):
        if view["id"] == view_id:
            del stack[0 if view["clear_on_close"] else index :]
            return True
    return False


# views.* -------------------------------------------------------------------


@api_method("views.open")
def views_open(state: EmulatorState, params: JsonDict) -> JsonDict:
    trigger = state.check_trigger(params.get("trigger_id"))
    view = build_view(state, json_param(params, "view"), "modal")
    trigger["used"] = True
    state.modals[trigger["user"]] = [view]
    return {"view": view}


@api_method("views.push")
def views_push(state: EmulatorState, params: JsonDict) -> JsonDict:
    trigger = state.check_trigger(params.get("trigger_id"))
    view = push_modal(state, trigger["user"], json_param(params, "view"))
    trigger["used"] = True
    return {"view": view}


@api_method("views.update")
def views_update(state: EmulatorState, params: JsonDict) -> JsonDict:
    view_id, external_id = params.get("view_id"), params.get("external_id")
    if not view_id and not external_id:
        raise ApiError("invalid_arguments")
    found = find_view(state, view_id=view_id, external_id=external_id)
    if found is None:
        raise ApiError("not_found")
    old, user = found
    if params.get("hash") and params["hash"] != old["hash"]:
        raise ApiError("hash_conflict")
    view = build_view(state, json_param(params, "view"), old["type"], existing=old)
    _replace(state, old, view, user)
    return {"view": view}


@api_method("views.publish")
def views_publish(state: EmulatorState, params: JsonDict) -> JsonDict:
    user = state.require_user(params.get("user_id"))
    old = state.homes.get(user["id"])
    if old and params.get("hash") and params["hash"] != old["hash"]:
        raise ApiError("hash_conflict")
    view = build_view(state, json_param(params, "view"), "home", existing=old)
    state.homes[user["id"]] = view
    return {"view": view}


# files.* -------------------------------------------------------------------


def file_object(state: EmulatorState, record: JsonDict) -> JsonDict:
    """A file as the Web API returns it (without content)."""
    return {k: v for k, v in record.items() if k not in ("content", "uploaded", "completed")}


@api_method("files.getUploadURLExternal")
def files_get_upload_url(state: EmulatorState, params: JsonDict) -> JsonDict:
    filename = str(param(params, "filename", "invalid_arguments"))
    length = int_param(params, "length", -1)
    if length < 0:
        raise ApiError("invalid_arguments")
    file_id = state.new_id("F")
    state.files[file_id] = {
        "id": file_id,
        "created": int(state.clock()),
        "timestamp": int(state.clock()),
        "name": filename,
        "title": filename,
        "mimetype": mimetypes.guess_type(filename)[0] or "application/octet-stream",
        "filetype": filename.rsplit(".", 1)[-1].lower() if "." in filename else "binary",
        "size": length,
        "user": state.bot_user_id,
        "url_private": f"{state.base_url}files/{file_id}/{filename}",
        "channels": [],
        "alt_txt": params.get("alt_txt") or None,
        "content": b"",
        "uploaded": False,
        "completed": False,
    }
    return {"upload_url": f"{state.base_url}upload/{file_id}", "file_id": file_id}


def upload_file(state: EmulatorState, file_id: str, content: bytes) -> None:
    """Store the bytes POSTed to an upload_url."""
    record = state.files.get(file_id)
    if record is None or record["completed"]:
        raise ApiError("file_not_found")
    record.update(content=content, size=len(content), uploaded=True)


@api_method("files.completeUploadExternal")
def files_complete_upload(state: EmulatorState, params: JsonDict) -> JsonDict:
    items = json_param(params, "files")
    if not isinstance(items, list) or not items:
        raise ApiError("invalid_arguments")
    records = []
    for item in items:
        record = state.files.get(item.get("id")) if isinstance(item, dict) else None
        if record is None or not record["uploaded"] or record["completed"]:
            raise ApiError("file_not_found")
        records.append(record)
    channel_ids = [c for c in str(params.get("channels") or "").split(",") if c]
    if params.get("channel_id"):
        channel_ids.insert(0, params["channel_id"])
    convs = [state.resolve(c, writable=True) for c in channel_ids]
    for item, record in zip(items, records, strict=True):
        record.update(title=item.get("title") or record["name"], completed=True)
        record["channels"] = [conv["id"] for conv in convs]
    shared = [file_object(state, r) for r in records]
    for conv in convs:
        state.add_message(
            conv["id"],
            user=state.bot_user_id,
            text=str(params.get("initial_comment") or ""),
            thread_ts=params.get("thread_ts") or None,
            files=shared,
        )
    return {"files": [file_object(state, r) for r in records]}
