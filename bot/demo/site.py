"""The demo's static site: index.html (the cast and the month's key moments) and one page per
person with everything they saw, in order. Offline: CSS inline, charts copied next to it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.demo import cards
from bot.demo.journal import Journal, Moment
from bot.demo.mrkdwn import esc
from bot.demo.script import Person
from bot.demo.style import CSS
from bot.demo.timeline import Item, Seen, items_for
from bot.testing import SlackEmulator

JsonDict = dict[str, Any]


def page(title: str, body: str) -> str:
    return ("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{esc(title)}</title><style>{CSS}</style></head><body>{body}</body></html>\n")


def day_label(moment: datetime) -> str:
    day = moment.day
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{moment:%A, %B} {day}{suffix}"


def copy_files(out_dir: Path, files: Sequence[JsonDict]) -> dict[str, JsonDict]:
    """Uploaded files (the charts, exports) written next to the pages."""
    folder = out_dir / "files"
    folder.mkdir(parents=True, exist_ok=True)
    copied = {}
    for record in files:
        if not record.get("completed"):
            continue
        safe = re.sub(r"[^A-Za-z0-9._-]", "_", str(record.get("name") or "file"))
        name = f"{record['id']}-{safe}"
        (folder / name).write_bytes(record.get("content") or b"")
        copied[record["id"]] = {"url": f"files/{name}", "mimetype": record.get("mimetype"),
                                "name": record.get("name")}
    return copied


def sidebar(cast: Sequence[Person], current: str | None, team_name: str) -> str:
    links = []
    for person in cast:
        css = ' class="on"' if person.user_id == current else ""
        links.append(f'<a{css} href="{person.handle}.html">'
                     f"{cards.avatar(person.user_id, person.name)}<span>{esc(person.name)}"
                     "</span></a>")
    index_css = ' class="on"' if current is None else ""
    return (f'<nav class="sidebar"><a class="team" href="index.html">{esc(team_name)}</a>'
            f'<a{index_css} href="index.html"><b>#</b> the-month</a>'
            f'<div class="side-title">See Slack as</div>{"".join(links)}</nav>')


def person_page(person: Person, items: list[Item], viewer: cards.Viewer, cast: Sequence[Person],
                team_name: str) -> str:
    feed, day = [], None
    for number, item in enumerate(items):
        local = viewer.local(item.at)
        if local.date() != day:
            day = local.date()
            feed.append(f'<div class="day"><span>{day_label(local)}</span></div>')
        feed.append(f'<div class="item k-{item.kind}" id="i{number}">{cards.card(item, viewer)}'
                    "</div>")
    homes = [i for i in items if i.kind == "home"]
    latest = cards.home_tab(homes[-1].data["view"], viewer) if homes else \
        '<p class="muted">App Home was not opened.</p>'
    head = (f'<header class="channel">{cards.avatar(person.user_id, person.name)}<div>'
            f"<h1>{esc(person.name)}</h1><p>{esc(person.title)} · times in {esc(person.tz)}"
            "</p></div></header>"
            '<div class="tabs"><a href="#messages">Messages</a><a href="#home">App Home</a>'
            "</div>")
    main = (f'<main>{head}<section id="messages" class="feed">{"".join(feed)}</section>'
            f'<section id="home" class="latest-home"><h2>App Home, as {esc(person.name)} last '
            f"saw it</h2>{latest}</section></main>")
    return page(f"{person.name}: Leadwell demo",
                f'<div class="layout">{sidebar(cast, person.user_id, team_name)}{main}</div>')


def anchor(items: list[Item], moment: Moment) -> str:
    """The first item of a page at or after a moment of the transcript."""
    for number, item in enumerate(items):
        if item.at >= moment.at:
            return f"#i{number}"
    return "#messages"


def index_page(cast: Sequence[Person], pages: dict[str, list[Item]], journal: Journal,
               hq: ZoneInfo, team_name: str) -> str:
    by_id = {p.user_id: p for p in cast}
    people = []
    for person in cast:
        items = pages[person.user_id]
        count = sum(1 for i in items if i.kind == "message")
        modals = sum(1 for i in items if i.kind == "modal" and i.data.get("event") != "opened")
        people.append(f'<a class="person" href="{person.handle}.html">'
                      f"{cards.avatar(person.user_id, person.name)}<div><b>{esc(person.name)}</b>"
                      f"<span>{esc(person.title)}</span><span class=\"muted\">{esc(person.tz)} · "
                      f"{count} messages · {modals} modals</span></div></a>")
    rows = []
    for moment in journal.moments:
        if not moment.key:
            continue
        person = by_id[moment.user]
        when = datetime.fromtimestamp(moment.at, hq)
        link = f"{person.handle}.html{anchor(pages[moment.user], moment)}"
        rows.append(f'<li><time>{when:%a %d %b, %H:%M}</time><a href="{esc(link)}">'
                    f"{esc(moment.text)}</a></li>")
    body = (f"<h1>A month of Leadwell at {esc(team_name)}</h1>"
            "<p class=\"lead\">Leadwell is a Slack bot for sales managers. This site shows what "
            "each person of a small sales team saw in Slack over a month: every direct "
            "message, group DM, modal and App Home, drawn from the Block Kit the bot sent. "
            "It was produced by <code>bot demo</code>, which ran the real app against a local "
            "Slack emulator with a simulated clock.</p>"
            f'<h2>The people</h2><div class="people">{"".join(people)}</div>'
            f"<h2>The month</h2><p class=\"muted\">Times in {esc(str(hq))}.</p>"
            f'<ol class="moments">{"".join(rows)}</ol>')
    return page("Leadwell demo", f'<div class="layout">{sidebar(cast, None, team_name)}'
                                 f'<main class="index">{body}</main></div>')


def write_site(out_dir: Path, emu: SlackEmulator, journal: Journal, cast: Sequence[Person], *,
               team_name: str, hq: str = "UTC") -> Path:
    """Write index.html and one page per person into `out_dir`; returns index.html's path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    seen = Seen.read(emu)
    files = copy_files(out_dir, seen.files)
    names = {p.user_id: p.name for p in cast} | {emu.bot_user_id: cards.BOT_NAME}
    pages: dict[str, list[Item]] = {}
    for person in cast:
        places = {c["id"]: "Group DM with " + ", ".join(
            names.get(m, m) for m in c["members"] if m not in (person.user_id, emu.bot_user_id))
            for c in seen.places_of(person.user_id) if c.get("is_mpim")}
        viewer = cards.Viewer(person.user_id, ZoneInfo(person.tz), names, files, places,
                              emu.bot_user_id)
        pages[person.user_id] = items = items_for(person.user_id, seen, journal)
        (out_dir / f"{person.handle}.html").write_text(
            person_page(person, items, viewer, cast, team_name), encoding="utf-8")
    index = out_dir / "index.html"
    index.write_text(index_page(cast, pages, journal, ZoneInfo(hq), team_name), encoding="utf-8")
    return index
