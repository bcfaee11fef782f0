"""Block Kit JSON to HTML that looks like Slack: blocks, elements, text objects, view state.

A pure function of its input: everything is escaped, nothing is fetched (an image from the
internet is shown as its alt text), and a block or element this module does not know is shown
as a visible placeholder, never dropped.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.demo import rich_text
from bot.demo.emoji import icon
from bot.demo.mrkdwn import esc, mrkdwn, plain
from bot.testing.blocks import VALUE_KEYS

JsonDict = dict[str, Any]


@dataclass(frozen=True)
class Context:
    """What the renderer needs besides the blocks."""

    names: Mapping[str, str] = field(default_factory=dict)  # user id -> name shown
    files: Mapping[str, str] = field(default_factory=dict)  # Slack file id -> local URL
    values: Mapping[str, Mapping[str, JsonDict]] = field(default_factory=dict)  # view state
    errors: Mapping[str, str] = field(default_factory=dict)  # block id -> inline error


def unknown(what: str, kind: Any) -> str:
    """A visible placeholder for a block or element type the demo does not render."""
    return (f'<div class="unknown" data-type="{esc(str(kind))}">Unsupported {esc(what)} '
            f'<code>{esc(str(kind))}</code> (not rendered by the demo)</div>')


def text(obj: Any, ctx: Context) -> str:
    """A text object (plain_text or mrkdwn), or a bare string, as HTML."""
    if obj is None:
        return ""
    if isinstance(obj, str):
        return mrkdwn(obj, ctx.names)
    if obj.get("type") == "mrkdwn":
        return mrkdwn(str(obj.get("text", "")), ctx.names)
    if obj.get("type") == "plain_text":
        return plain(str(obj.get("text", "")), emoji_codes=obj.get("emoji", True) is not False)
    return unknown("text object", obj.get("type"))


def image(element: JsonDict, ctx: Context, css: str = "b-image") -> str:
    """An image from the page itself (a data: URL or an uploaded file), else its alt text."""
    alt = str(element.get("alt_text") or "image")
    source = element.get("image_url") or ""
    slack_file = element.get("slack_file") or {}
    local = ctx.files.get(slack_file.get("id", "")) if slack_file else None
    if local or str(source).startswith("data:image/"):
        return f'<img class="{css}" src="{esc(local or source)}" alt="{esc(alt)}">'
    where = source or slack_file.get("url") or slack_file.get("id") or ""
    return (f'<span class="img-offline {css}" title="{esc(str(where))}">{icon("image")} '
            f"{esc(alt)}</span>")


# -- elements -------------------------------------------------------------------------------


def current(element: JsonDict, block_id: str, ctx: Context) -> Any:
    """What an input holds: the value typed into the view, else its initial value."""
    kind = str(element.get("type"))
    state_key, initial_key = VALUE_KEYS.get(kind, ("value", "initial_value"))
    action_id = element.get("action_id") or f"{block_id}-action"
    entry = ctx.values.get(block_id, {}).get(action_id)
    if entry is not None and state_key in entry:
        return entry[state_key]
    return element.get(initial_key) if initial_key else None


def _box(content: str, css: str, empty: bool) -> str:
    return f'<span class="{css}{" empty" if empty else ""}">{content}</span>'


def _placeholder(element: JsonDict, ctx: Context, fallback: str = "") -> str:
    hint = element.get("placeholder")
    return text(hint, ctx) if hint else esc(fallback)


def _option_text(option: Any, ctx: Context) -> str:
    return text(option.get("text"), ctx) if isinstance(option, dict) else esc(str(option))


def _selected(value: Any, ctx: Context, kind: str) -> list[str]:
    """The chosen values of a select, as HTML labels."""
    items = value if isinstance(value, list) else [] if value in (None, "") else [value]
    if "user" in kind:
        return [f'<span class="mention">@{esc(ctx.names.get(v, v))}</span>' for v in items]
    if "conversation" in kind or "channel" in kind:
        return [f"#{esc(str(v))}" for v in items]
    return [_option_text(o, ctx) for o in items]


def select(element: JsonDict, block_id: str, ctx: Context) -> str:
    kind = str(element.get("type"))
    chosen = _selected(current(element, block_id, ctx), ctx, kind)
    if kind.startswith("multi_") and chosen:
        content = "".join(f'<span class="chip">{c}</span>' for c in chosen)
    else:
        content = ", ".join(chosen) or _placeholder(element, ctx, "Select an option")
    return _box(content + '<span class="caret">▾</span>', "select", not chosen)


def text_input(element: JsonDict, block_id: str, ctx: Context) -> str:
    value = current(element, block_id, ctx)
    css = "field multi" if element.get("multiline") else "field"
    content = plain(str(value)) if value not in (None, "") else _placeholder(element, ctx)
    return _box(content, css, value in (None, ""))


def picker(element: JsonDict, block_id: str, ctx: Context) -> str:
    kind = str(element.get("type"))
    value = current(element, block_id, ctx)
    symbol = icon("clock" if kind == "timepicker" else "calendar")
    shown = esc(str(value)) if value else ""
    if value and kind == "datepicker":
        with contextlib.suppress(ValueError):
            shown = esc(date.fromisoformat(str(value)).strftime("%a %d %b %Y"))
    fallback = "Select a time" if kind == "timepicker" else "Select a date"
    return _box(f"{symbol} {shown or _placeholder(element, ctx, fallback)}", "select picker",
                not value)


def choices(element: JsonDict, block_id: str, ctx: Context) -> str:
    kind = str(element.get("type"))
    value = current(element, block_id, ctx)
    chosen_items = value if isinstance(value, list) else [value] if value else []
    chosen = {o.get("value") for o in chosen_items if isinstance(o, dict)}
    on, off = ("☑", "☐") if kind == "checkboxes" else ("◉", "○")
    rows = []
    for option in element.get("options") or []:
        mark = on if option.get("value") in chosen else off
        description = option.get("description")
        extra = f'<span class="opt-desc">{text(description, ctx)}</span>' if description else ""
        rows.append(f'<label class="opt"><span class="mark">{mark}</span>'
                    f"<span>{_option_text(option, ctx)}{extra}</span></label>")
    return f'<span class="choices">{"".join(rows)}</span>'


def button(element: JsonDict, block_id: str, ctx: Context) -> str:
    style = element.get("style")
    css = "btn" + (f" btn-{style}" if style in ("primary", "danger") else "")
    label = text(element.get("text"), ctx)
    url = str(element.get("url") or "")
    if url.lower().startswith(("http://", "https://")):
        return f'<a class="{css}" href="{esc(url)}" rel="noopener">{label}</a>'
    return f'<span class="{css}">{label}</span>'


Element = Callable[[JsonDict, str, Context], str]
ELEMENTS: dict[str, Element] = {
    "button": button,
    "plain_text_input": text_input, "number_input": text_input,
    "email_text_input": text_input, "url_text_input": text_input,
    "datepicker": picker, "timepicker": picker, "datetimepicker": picker,
    "checkboxes": choices, "radio_buttons": choices,
    "overflow": lambda e, b, c: '<span class="btn overflow" title="More actions">⋯</span>',
    "image": lambda e, b, c: image(e, c, "b-thumb"),
}
for _kind in VALUE_KEYS:
    if _kind.endswith("_select"):
        ELEMENTS[_kind] = select


def element(item: Any, block_id: str, ctx: Context) -> str:
    if not isinstance(item, dict):
        return unknown("element", type(item).__name__)
    renderer = ELEMENTS.get(str(item.get("type")))
    return renderer(item, block_id, ctx) if renderer else unknown("element", item.get("type"))


# -- blocks -----------------------------------------------------------------------------------


def section(block: JsonDict, ctx: Context) -> str:
    main = f'<div class="b-text">{text(block.get("text"), ctx)}</div>' if block.get(
        "text") else ""
    fields = block.get("fields") or []
    if fields:
        cells = "".join(f'<div class="b-field">{text(f, ctx)}</div>' for f in fields)
        main += f'<div class="b-fields">{cells}</div>'
    accessory = block.get("accessory")
    side = (f'<div class="b-accessory">{element(accessory, block.get("block_id", ""), ctx)}'
            "</div>") if accessory else ""
    return f'<div class="b-section"><div class="b-main">{main}</div>{side}</div>'


def actions(block: JsonDict, ctx: Context) -> str:
    items = "".join(element(e, block.get("block_id", ""), ctx) for e in block.get("elements", []))
    return f'<div class="b-actions">{items}</div>'


def context(block: JsonDict, ctx: Context) -> str:
    parts = []
    for item in block.get("elements") or []:
        is_image = isinstance(item, dict) and item.get("type") == "image"
        parts.append(image(item, ctx, "b-ctx-img") if is_image
                     else f"<span>{text(item, ctx)}</span>")
    return f'<div class="b-context">{"".join(parts)}</div>'


def input_block(block: JsonDict, ctx: Context) -> str:
    block_id = str(block.get("block_id", ""))
    optional = '<span class="optional">(optional)</span>' if block.get("optional") else ""
    label = f'<div class="b-label">{text(block.get("label"), ctx)}{optional}</div>'
    body = element(block.get("element"), block_id, ctx)
    hint = f'<div class="b-hint">{text(block.get("hint"), ctx)}</div>' if block.get(
        "hint") else ""
    error = ctx.errors.get(block_id)
    shown = f'<div class="b-error">⚠ {esc(error)}</div>' if error else ""
    css = "b-input has-error" if error else "b-input"
    return f'<div class="{css}">{label}<div class="b-control">{body}</div>{shown}{hint}</div>'


def image_block(block: JsonDict, ctx: Context) -> str:
    title = block.get("title")
    caption = f'<div class="b-image-title">{text(title, ctx)}</div>' if title else ""
    return f'<figure class="b-figure">{caption}{image(block, ctx)}</figure>'


Renderer = Callable[[JsonDict, Context], str]
BLOCKS: dict[str, Renderer] = {
    "section": section,
    "header": lambda b, c: f'<h3 class="b-header">{text(b.get("text"), c)}</h3>',
    "divider": lambda b, c: '<hr class="b-divider">',
    "context": context,
    "actions": actions,
    "input": input_block,
    "image": image_block,
    "rich_text": lambda b, c: rich_text.render(b, c.names),
    "markdown": lambda b, c: f'<div class="b-text">{mrkdwn(str(b.get("text", "")), c.names)}'
                             "</div>",
}


def block(item: Any, ctx: Context) -> str:
    if not isinstance(item, dict):
        return unknown("block", type(item).__name__)
    renderer = BLOCKS.get(str(item.get("type")))
    return renderer(item, ctx) if renderer else unknown("block", item.get("type"))


def blocks(items: Any, ctx: Context | None = None) -> str:
    """A list of blocks as HTML."""
    ctx = ctx or Context()
    return "".join(block(item, ctx) for item in items or [])


def view_values(view: JsonDict) -> Mapping[str, Mapping[str, JsonDict]]:
    """The state a modal holds (what was typed), for Context.values."""
    return (view.get("state") or {}).get("values") or {}
