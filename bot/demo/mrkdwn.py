"""Slack mrkdwn to HTML: bold, italics, strike, code, quotes, lists, links, @mentions, emoji.

Everything is HTML-escaped; only links with http(s) or mailto addresses become anchors.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

from bot.demo.emoji import SHORTCODE, emoji, replace

SAFE_SCHEMES = ("http://", "https://", "mailto:")

_SPECIAL = re.compile(r"<([^<>\n]+)>")
_CODE = re.compile(r"`([^`\n]+)`")
_EMPHASIS = [  # (marker, tag): Slack's markers need a non-word character on the outside
    (re.escape(marker), tag) for marker, tag in (("*", "strong"), ("_", "em"), ("~", "del"))
]
_LIST = re.compile(r"^\s*(?:[•◦▪‣-]|\d{1,2}[.)])\s+")
_PLACEHOLDER = "\ue000{}\ue001"


def unescape(text: str) -> str:
    """Slack's three escapes (&amp; &lt; &gt;) back to characters."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def special(token: str, names: Mapping[str, str]) -> str:
    """One <…> token: a mention, a channel, a broadcast, a date or a link, as HTML."""
    target, _, label = token.partition("|")
    if target.startswith("@"):
        name = names.get(target[1:]) or label or target[1:]
        return f'<span class="mention">@{esc(unescape(name))}</span>'
    if target.startswith("#"):
        return f'<span class="mention">#{esc(unescape(label or target[1:]))}</span>'
    if target.startswith("!"):
        word = target[1:].split("^")[0]
        if word in ("here", "channel", "everyone"):
            return f'<span class="mention">@{word}</span>'
        return f'<span class="mention">{esc(unescape(label or word))}</span>'
    url = unescape(target)
    text = esc(unescape(label or target))
    if url.lower().startswith(SAFE_SCHEMES):
        return f'<a href="{esc(url)}" rel="noopener">{text}</a>'
    return text


def inline(text: str, names: Mapping[str, str]) -> str:
    """One line of mrkdwn (no quotes, lists or code blocks) as HTML."""
    saved: list[str] = []

    def keep(rendered: str) -> str:
        saved.append(rendered)
        return _PLACEHOLDER.format(len(saved) - 1)

    text = _CODE.sub(lambda m: keep(f"<code>{esc(unescape(m.group(1)))}</code>"), text)
    text = _SPECIAL.sub(lambda m: keep(special(m.group(1), names)), text)
    text = SHORTCODE.sub(lambda m: keep(found) if (found := emoji(m.group(1))) else m.group(0),
                         text)
    out = esc(unescape(text))
    for marker, tag in _EMPHASIS:
        pattern = (rf"(?<![\w{marker}]){marker}(?![\s{marker}])(.+?)"
                   rf"(?<![\s{marker}]){marker}(?![\w{marker}])")
        out = re.sub(pattern, rf"<{tag}>\1</{tag}>", out)
    return re.sub("\ue000(\\d+)\ue001", lambda m: saved[int(m.group(1))], out)


def _line(line: str, names: Mapping[str, str]) -> tuple[str, str]:
    """(kind, html) of one line: "quote", "list" or "line"."""
    if line.startswith((">", "&gt;")):
        return "quote", inline(line.removeprefix(">").removeprefix("&gt;"), names)
    match = _LIST.match(line)
    if match is None:
        return "line", inline(line, names)
    marker = match.group(0).strip()
    number = f'<span class="num">{esc(marker)}</span> ' if marker[0].isdigit() else ""
    return "list", number + inline(line[match.end():], names)


def _lines(text: str, names: Mapping[str, str]) -> str:
    """Paragraph lines, grouping > quotes and •/-/1. list items."""
    out: list[str] = []
    kinds = [_line(line, names) for line in text.split("\n")]
    index = 0
    while index < len(kinds):
        kind, body = kinds[index]
        run = [body]
        while kind != "line" and index + 1 < len(kinds) and kinds[index + 1][0] == kind:
            index += 1
            run.append(kinds[index][1])
        if kind == "quote":
            out.append("<blockquote>" + "<br>".join(run) + "</blockquote>")
        elif kind == "list":
            out.append('<ul class="list">' + "".join(f"<li>{i}</li>" for i in run) + "</ul>")
        else:
            out.append(body + ("<br>" if index + 1 < len(kinds) else ""))
        index += 1
    return "".join(out)


def mrkdwn(text: str, names: Mapping[str, str] | None = None) -> str:
    """A mrkdwn string (as sent to Slack) as HTML."""
    names = names or {}
    parts = re.split(r"```\n?(.*?)```", text, flags=re.S)
    out = []
    for index, part in enumerate(parts):
        if index % 2:
            out.append(f"<pre>{esc(unescape(part))}</pre>")
        elif part:
            out.append(_lines(part, names))
    return "".join(out)


def plain(text: str, *, emoji_codes: bool = True) -> str:
    """A plain_text string as HTML (line breaks kept)."""
    shown = esc(text).replace("\n", "<br>")
    return replace(shown) if emoji_codes else shown
