"""Slack's rich_text block (what people type in the message box) as HTML."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.demo.emoji import emoji
from bot.demo.mrkdwn import esc, special

JsonDict = dict[str, Any]
STYLES = (("code", "code"), ("strike", "del"), ("italic", "em"), ("bold", "strong"))


def _styled(content: str, style: Mapping[str, Any] | None) -> str:
    for key, tag in STYLES:
        if style and style.get(key):
            content = f"<{tag}>{content}</{tag}>"
    return content


def inline(item: JsonDict, names: Mapping[str, str]) -> str:
    """One element of a rich_text_section: text, link, user, channel, emoji, broadcast..."""
    kind = item.get("type")
    if kind == "text":
        body = esc(str(item.get("text", ""))).replace("\n", "<br>")
    elif kind == "link":
        url = str(item.get("url", ""))
        body = special(f"{url}|{item.get('text') or url}", names)
    elif kind == "user":
        body = special(f"@{item.get('user_id', '')}", names)
    elif kind in ("channel", "usergroup"):
        body = special(f"#{item.get('channel_id') or item.get('usergroup_id', '')}", names)
    elif kind == "broadcast":
        body = special(f"!{item.get('range', 'here')}", names)
    elif kind == "emoji":
        name = str(item.get("name", ""))
        body = emoji(name) or esc(f":{name}:")
    elif kind == "date":
        body = esc(str(item.get("fallback") or item.get("timestamp", "")))
    else:
        return f'<span class="unknown">Unsupported rich text <code>{esc(str(kind))}</code></span>'
    return _styled(body, item.get("style"))


def _section(item: JsonDict, names: Mapping[str, str]) -> str:
    return "".join(inline(e, names) for e in item.get("elements") or [])


def part(item: JsonDict, names: Mapping[str, str]) -> str:
    """One top-level element of a rich_text block."""
    kind = item.get("type")
    if kind == "rich_text_section":
        return f"<div>{_section(item, names)}</div>"
    if kind == "rich_text_quote":
        return f"<blockquote>{_section(item, names)}</blockquote>"
    if kind == "rich_text_preformatted":
        return f"<pre>{_section(item, names)}</pre>"
    if kind == "rich_text_list":
        tag = "ol" if item.get("style") == "ordered" else "ul"
        rows = "".join(f"<li>{_section(e, names)}</li>" for e in item.get("elements") or [])
        return f'<{tag} class="list">{rows}</{tag}>'
    return f'<div class="unknown">Unsupported rich text <code>{esc(str(kind))}</code></div>'


def render(block: JsonDict, names: Mapping[str, str]) -> str:
    body = "".join(part(e, names) for e in block.get("elements") or [])
    return f'<div class="b-rich">{body}</div>'
