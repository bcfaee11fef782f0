"""Slack's chrome around the rendered blocks: messages, ephemeral answers, what a person did,
modals (a dialog card) and App Home (a tab), each one item of a person's page."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.demo import render
from bot.demo.emoji import icon
from bot.demo.mrkdwn import esc, mrkdwn
from bot.demo.timeline import Item

JsonDict = dict[str, Any]
BOT_NAME = "Leadwell"
COLORS = ("#2b6cb0", "#b83280", "#2f855a", "#c05621", "#6b46c1", "#c53030", "#2c7a7b",
          "#975a16")


@dataclass(frozen=True)
class Viewer:
    """Whose page this is, and what the cards need to know about the workspace."""

    user_id: str
    tz: ZoneInfo
    names: Mapping[str, str]  # user id -> name (the bot's id -> BOT_NAME)
    files: Mapping[str, JsonDict]  # Slack file id -> {"url": local path, "mimetype", "name"}
    places: Mapping[str, str]  # conversation id -> label, e.g. "Group DM with Jordan Reed"
    bot_user: str

    def context(self, view: JsonDict | None = None, errors: Mapping[str, str] | None = None
                ) -> render.Context:
        return render.Context(names=self.names,
                              files={k: v["url"] for k, v in self.files.items()},
                              values=render.view_values(view or {}), errors=errors or {})

    def local(self, at: float) -> datetime:
        return datetime.fromtimestamp(at, self.tz)


def initials(name: str) -> str:
    parts = [p for p in name.replace("(", " ").split() if p[:1].isalpha()]
    return "".join(p[0] for p in parts[:2]).upper() or "?"


def avatar(user_id: str, name: str, *, bot: bool = False) -> str:
    color = "#0b7a75" if bot else COLORS[sum(map(ord, user_id)) % len(COLORS)]
    return f'<div class="avatar" style="background:{color}" aria-hidden="true">' \
           f"{esc(initials(name))}</div>"


def clock(moment: datetime) -> str:
    return moment.strftime("%I:%M %p").lstrip("0")


def _head(viewer: Viewer, author: str, at: float, extra: str = "") -> str:
    bot = author == viewer.bot_user
    name = viewer.names.get(author, author)
    badge = '<span class="app-badge">APP</span>' if bot else ""
    stamp = viewer.local(at)
    return (f'<div class="msg-head"><b class="author">{esc(name)}</b>{badge}'
            f'<time datetime="{stamp.isoformat()}">{clock(stamp)}</time>{extra}</div>')


def _content(message: JsonDict, viewer: Viewer) -> str:
    """What Slack shows of a message: its blocks, else its text; then its files."""
    if message.get("blocks"):
        body = render.blocks(message["blocks"], viewer.context())
    else:
        body = f'<div class="b-text">{mrkdwn(message.get("text") or "", viewer.names)}</div>'
    return body + "".join(file_card(viewer.files.get(f.get("id"), {}), f)
                          for f in message.get("files") or [])


def file_card(local: JsonDict, shared: JsonDict) -> str:
    name = esc(str(shared.get("title") or shared.get("name") or "file"))
    if not local:
        return (f'<div class="file">{icon("file")} {name} '
                '<span class="muted">(not uploaded)</span></div>')
    url = esc(local["url"])
    if str(local.get("mimetype", "")).startswith("image/"):
        return (f'<figure class="file-image"><figcaption>{name}</figcaption>'
                f'<a href="{url}"><img src="{url}" alt="{name}"></a></figure>')
    return f'<div class="file">{icon("file")} <a href="{url}">{name}</a></div>'


def message(item: Item, viewer: Viewer) -> str:
    msg = item.data
    author = msg.get("user") or viewer.bot_user
    where = viewer.places.get(item.place, "")
    extra = f'<span class="where">{esc(where)}</span>' if item.place.startswith("G") else ""
    if msg.get("thread_ts") and msg.get("thread_ts") != msg.get("ts"):
        extra += '<span class="where">reply in thread</span>'
    edited = ""
    if msg.get("edited"):
        first = (msg.get("history") or [{}])[0]
        before = _content({**msg, **first, "files": []}, viewer) if first else ""
        edited = ('<span class="edited">(edited)</span>' + (
            f'<details class="before"><summary>As it was first posted</summary>{before}'
            "</details>" if before else ""))
    css = "msg group" if item.place.startswith("G") else "msg"
    face = avatar(author, viewer.names.get(author, author), bot=author == viewer.bot_user)
    return (f'<div class="{css}">{face}'
            f'<div class="msg-body">{_head(viewer, author, item.at, extra)}'
            f"{_content(msg, viewer)}{edited}</div></div>")


def ephemeral(item: Item, viewer: Viewer) -> str:
    answer = item.data
    note = '<span class="where">Only visible to you</span>'
    body = _content({"text": answer.get("text"), "blocks": answer.get("blocks")}, viewer)
    return (f'<div class="msg ephemeral">{avatar(viewer.bot_user, BOT_NAME, bot=True)}'
            f'<div class="msg-body">{_head(viewer, viewer.bot_user, item.at, note)}{body}'
            "</div></div>")


def action(item: Item, viewer: Viewer) -> str:
    """A command typed or a button clicked, as a quiet line between messages."""
    who = esc(viewer.names.get(viewer.user_id, viewer.user_id))
    data = item.data
    if item.kind == "command":
        typed = mrkdwn(f"{data['command']} {data.get('text', '')}".strip(), viewer.names)
        what = f"ran <code class=\"cmd\">{typed}</code>"
    else:
        places = {"home": " in App Home", "modal": " in the modal"}
        what = (f'clicked <span class="btn small">{esc(data.get("label", ""))}</span>'
                f"{places.get(data.get('where', ''), '')}")
    stamp = viewer.local(item.at)
    return (f'<div class="act"><span class="act-mark">▸</span> {who} {what} '
            f'<time datetime="{stamp.isoformat()}">{clock(stamp)}</time></div>')


def modal_card(view: JsonDict, viewer: Viewer, errors: Mapping[str, str] | None = None) -> str:
    """A modal as Slack draws it: title bar, blocks (with what was typed), Cancel and Submit."""
    title = render.text(view.get("title"), viewer.context())
    close = render.text(view.get("close") or {"type": "plain_text", "text": "Cancel"},
                        viewer.context())
    submit = view.get("submit")
    submit_html = (f'<span class="btn btn-primary">{render.text(submit, viewer.context())}'
                   "</span>") if submit else ""
    body = render.blocks(view.get("blocks"), viewer.context(view, errors))
    return (f'<div class="modal" role="dialog"><div class="modal-head">'
            f'{avatar(viewer.bot_user, BOT_NAME, bot=True)}<span class="modal-title">{title}'
            f'</span><span class="modal-x" aria-hidden="true">&times;</span></div>'
            f'<div class="modal-body">{body}</div><div class="modal-foot">'
            f'<span class="btn">{close}</span>{submit_html}</div></div>')


def modal(item: Item, viewer: Viewer) -> str:
    data = item.data
    view = data["view"]
    title = esc(str((view.get("title") or {}).get("text", "")))
    if data.get("event") == "opened":
        return (f'<details class="modal-wrap opened"><summary>A modal opened: <b>{title}</b> '
                f'<span class="muted">(show it as it opened)</span></summary>'
                f"{modal_card(view, viewer)}</details>")
    errors = data.get("errors") or {}
    if errors:
        caption = (f'<div class="caption refused">Submitted <b>{title}</b>: Leadwell kept it '
                   "open and showed what is missing</div>")
    else:
        caption = f'<div class="caption">Submitted <b>{title}</b></div>'
    return f'<div class="modal-wrap">{caption}{modal_card(view, viewer, errors)}</div>'


def home(item: Item, viewer: Viewer) -> str:
    caption = '<div class="caption">Opened Leadwell\'s App Home</div>'
    return caption + home_tab(item.data["view"], viewer)


def home_tab(view: JsonDict, viewer: Viewer) -> str:
    tabs = '<div class="home-tabs"><span class="on">Home</span><span>Messages</span>' \
           "<span>About</span></div>"
    return (f'<div class="home">{tabs}<div class="home-body">'
            f"{render.blocks(view.get('blocks'), viewer.context(view))}</div></div>")


CARDS = {"message": message, "ephemeral": ephemeral, "command": action, "click": action,
         "modal": modal, "home": home}


def card(item: Item, viewer: Viewer) -> str:
    if item.kind == "ack":
        return ephemeral(Item(item.at, item.rank, item.seq, "ephemeral",
                              {"text": item.data.get("text")}), viewer)
    renderer = CARDS.get(item.kind)
    return renderer(item, viewer) if renderer else render.unknown("item", item.kind)
