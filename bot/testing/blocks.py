"""Block Kit helpers shared by the Slack emulator and the signed test client."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any

JsonDict = dict[str, Any]

# element type -> (state/action key, key of the element's initial value)
VALUE_KEYS: dict[str, tuple[str, str | None]] = {
    "plain_text_input": ("value", "initial_value"),
    "email_text_input": ("value", "initial_value"),
    "url_text_input": ("value", "initial_value"),
    "number_input": ("value", "initial_value"),
    "users_select": ("selected_user", "initial_user"),
    "multi_users_select": ("selected_users", "initial_users"),
    "conversations_select": ("selected_conversation", "initial_conversation"),
    "multi_conversations_select": ("selected_conversations", "initial_conversations"),
    "channels_select": ("selected_channel", "initial_channel"),
    "multi_channels_select": ("selected_channels", "initial_channels"),
    "static_select": ("selected_option", "initial_option"),
    "external_select": ("selected_option", "initial_option"),
    "radio_buttons": ("selected_option", "initial_option"),
    "overflow": ("selected_option", None),
    "multi_static_select": ("selected_options", "initial_options"),
    "multi_external_select": ("selected_options", "initial_options"),
    "checkboxes": ("selected_options", "initial_options"),
    "datepicker": ("selected_date", "initial_date"),
    "timepicker": ("selected_time", "initial_time"),
    "datetimepicker": ("selected_date_time", "initial_date_time"),
}

_MULTI_KEYS = {"selected_users", "selected_conversations", "selected_channels"}

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100


def assign_block_ids(blocks: list[JsonDict]) -> list[JsonDict]:
    """Copy ``blocks``, giving each block without a block_id a stable one, as Slack does."""
    result = []
    for index, block in enumerate(blocks):
        block = dict(block)
        if not block.get("block_id"):
            digest = hashlib.sha1(
                f"{index}:{json.dumps(block, sort_keys=True)}".encode()
            ).hexdigest()
            block["block_id"] = digest[:5]
        result.append(block)
    return result


def iter_elements(blocks: list[JsonDict]) -> Iterator[tuple[JsonDict, JsonDict]]:
    """Yield ``(block, element)`` for every interactive element in ``blocks``."""
    for block in blocks or []:
        kind = block.get("type")
        if kind == "actions":
            for element in block.get("elements", []):
                yield block, element
        elif kind == "section" and isinstance(block.get("accessory"), dict):
            yield block, block["accessory"]
        elif kind == "input" and isinstance(block.get("element"), dict):
            yield block, block["element"]


def find_element(blocks: list[JsonDict], action_id: str) -> tuple[JsonDict, JsonDict] | None:
    """Return ``(block, element)`` for the element with ``action_id``, or None."""
    for block, element in iter_elements(blocks):
        if element.get("action_id") == action_id:
            return block, element
    return None


def block_texts(value: Any) -> str:
    """All text strings found anywhere in a Block Kit structure, newline separated."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, child in node.items():
                if key == "text" and isinstance(child, str):
                    found.append(child)
                else:
                    walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(value)
    return "\n".join(found)


def _options(element: JsonDict) -> list[JsonDict]:
    options = list(element.get("options", []))
    for group in element.get("option_groups", []):
        options.extend(group.get("options", []))
    return options


def _option(element: JsonDict, value: Any) -> JsonDict:
    if isinstance(value, dict):
        return value
    for option in _options(element):
        if option.get("value") == value:
            return option
    if element.get("type", "").endswith("external_select"):
        return {"text": {"type": "plain_text", "text": str(value)}, "value": value}
    raise ValueError(f"{element.get('action_id')!r} has no option with value {value!r}")


def element_value(element: JsonDict, value: Any) -> JsonDict:
    """The ``{key: value}`` Slack reports for ``element`` when the user chose ``value``.

    ``value`` None means "untouched": the element's initial value is used. Option
    values (strings) are expanded into the option objects of the element.
    """
    kind = element.get("type", "")
    if kind not in VALUE_KEYS:
        raise ValueError(f"unsupported element type {kind!r}")
    key, initial_key = VALUE_KEYS[kind]
    if value is None:
        return {key: element.get(initial_key) if initial_key else None}
    if key == "selected_option":
        return {key: _option(element, value)}
    if key == "selected_options":
        return {key: [_option(element, item) for item in value]}
    if key in _MULTI_KEYS and isinstance(value, str):
        value = [value]
    return {key: value}


def is_empty(entry: JsonDict) -> bool:
    """True when a state entry holds no value (how Slack sees an unanswered input)."""
    return all(v in (None, "", []) for k, v in entry.items() if k != "type")


def validate_blocks(blocks: Any, limit: int) -> list[str]:
    """Problems with a blocks list (empty list when fine)."""
    if not isinstance(blocks, list):
        return ["blocks must be a list"]
    problems = []
    if len(blocks) > limit:
        problems.append(f"too many blocks: {len(blocks)} > {limit}")
    seen: set[str] = set()
    for index, block in enumerate(blocks):
        if not isinstance(block, dict) or not block.get("type"):
            problems.append(f"block {index} has no type")
            continue
        block_id = block.get("block_id")
        if block_id and block_id in seen:
            problems.append(f"duplicate block_id {block_id!r}")
        if block_id:
            seen.add(block_id)
    return problems


def _plain_text_problem(view: JsonDict, key: str, required: bool) -> str | None:
    obj = view.get(key)
    if obj is None:
        return f"{key} is required" if required else None
    if not isinstance(obj, dict) or obj.get("type") != "plain_text" or not obj.get("text"):
        return f"{key} must be a plain_text object"
    if len(obj["text"]) > 24:
        return f"{key} must be at most 24 characters"
    return None


def validate_view(view: Any, kind: str) -> list[str]:
    """Problems with a view payload of type ``kind`` ("modal" or "home")."""
    if not isinstance(view, dict):
        return ["view must be an object"]
    if view.get("type") != kind:
        return [f"view type must be {kind!r}"]
    problems = validate_blocks(view.get("blocks"), MAX_VIEW_BLOCKS)
    if kind == "modal":
        has_input = any(
            isinstance(b, dict) and b.get("type") == "input" for b in view.get("blocks") or []
        )
        for key, required in (("title", True), ("submit", has_input), ("close", False)):
            problem = _plain_text_problem(view, key, required)
            if problem:
                problems.append(problem)
    for key, limit in (("private_metadata", 3000), ("callback_id", 255), ("external_id", 255)):
        if len(str(view.get(key) or "")) > limit:
            problems.append(f"{key} must be at most {limit} characters")
    return problems
