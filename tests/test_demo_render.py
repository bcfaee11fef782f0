"""The demo's renderer: Block Kit and mrkdwn to HTML, escaped, nothing dropped silently."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from bot.demo import cards, render
from bot.demo.mrkdwn import mrkdwn, plain
from bot.demo.timeline import Item

NAMES = {"UMAYA": "Maya Lopez", "UBOT": "Leadwell"}
CTX = render.Context(names=NAMES, files={"F1": "files/F1-chart.png"})


def md(text: str) -> dict:
    return {"type": "mrkdwn", "text": text}


def pt(text: str) -> dict:
    return {"type": "plain_text", "text": text}


@pytest.mark.parametrize(("source", "expected"), [
    ("*bold* and _italic_ and ~gone~", "<strong>bold</strong> and <em>italic</em> and "
                                       "<del>gone</del>"),
    ("snake_case_name and 2*3*4", "snake_case_name and 2*3*4"),
    ("`a *b* <c>`", "<code>a *b* &lt;c&gt;</code>"),
    ("<@UMAYA> and <@UNKNOWN|kim>", '<span class="mention">@Maya Lopez</span> and '
                                    '<span class="mention">@kim</span>'),
    ("<https://x.io/?a=1&amp;b=2|the site>", '<a href="https://x.io/?a=1&amp;b=2" '
                                             'rel="noopener">the site</a>'),
    ("<javascript:alert(1)|click>", "click"),
    ("&lt;script&gt;alert('x')&lt;/script&gt; & <b>", "&lt;script&gt;alert(&#x27;x&#x27;)"
                                                     "&lt;/script&gt; &amp; b"),  # <b>: a link
    ('<"onmouseover=x|a "quote">', 'a &quot;quote&quot;'),
    ("<!here> <#C1|sales>", '<span class="mention">@here</span> '
                            '<span class="mention">#sales</span>'),
    ("• one\n• *two*", '<ul class="list"><li>one</li><li><strong>two</strong></li></ul>'),
    ("first\n>quoted\n>more", "first<br><blockquote>quoted<br>more</blockquote>"),
    ("```x = *1*\n<y>```", "<pre>x = *1*\n&lt;y&gt;</pre>"),
    ("10:00:00 :nope:", "10:00:00 :nope:"),
])
def test_mrkdwn(source: str, expected: str) -> None:
    assert mrkdwn(source, NAMES) == expected


def test_emoji_are_drawn_so_no_font_is_needed() -> None:
    shown = mrkdwn(":white_check_mark: done")
    assert shown.startswith('<svg class="emoji"') and ":white_check_mark:" in shown
    assert "<svg" in plain(":warning: <careful>") and "&lt;careful&gt;" in plain("<careful>")


def test_section_with_fields_and_accessory_button() -> None:
    html = render.blocks([{"type": "section", "text": md("*Sales*"),
                           "fields": [md("*Target*\n100,000"), pt("<plain>")],
                           "accessory": {"type": "button", "text": pt("Log talk"),
                                         "action_id": "a", "style": "primary"}}], CTX)
    assert '<div class="b-fields">' in html and "&lt;plain&gt;" in html
    assert '<span class="btn btn-primary">Log talk</span>' in html
    assert "<strong>Target</strong><br>100,000" in html


def test_header_divider_context_and_actions() -> None:
    html = render.blocks([
        {"type": "header", "text": pt("Monthly debrief")},
        {"type": "divider"},
        {"type": "context", "elements": [md("_quiet_"), {"type": "image", "alt_text": "logo",
                                                       "image_url": "https://x.io/a.png"}]},
        {"type": "actions", "elements": [
            {"type": "button", "text": pt("Confirm"), "style": "primary"},
            {"type": "button", "text": pt("Decline"), "style": "danger"},
            {"type": "button", "text": pt("Docs"), "url": "https://example.com"},
            {"type": "overflow", "options": []},
            {"type": "static_select", "placeholder": pt("Pick one"), "options": []}]},
    ], CTX)
    assert '<h3 class="b-header">Monthly debrief</h3>' in html and '<hr class="b-divider">' in html
    assert '<div class="b-context">' in html and "<em>quiet</em>" in html
    assert "btn btn-danger" in html and 'href="https://example.com"' in html
    assert "Pick one" in html and "⋯" in html


def test_images_come_from_the_page_never_from_the_internet() -> None:
    html = render.blocks([
        {"type": "image", "image_url": "https://tracker.example/p.png", "alt_text": "a chart",
         "title": pt("Sales")},
        {"type": "image", "slack_file": {"id": "F1"}, "alt_text": "uploaded"},
        {"type": "image", "image_url": "data:image/png;base64,AAAA", "alt_text": "inline"},
    ], CTX)
    assert "tracker.example/p.png" not in html.replace('title="https://tracker.example/p.png"',
                                                       "")
    assert 'src="https' not in html and "a chart" in html
    assert 'src="files/F1-chart.png"' in html and 'src="data:image/png;base64,AAAA"' in html


def test_inputs_show_what_was_typed_initial_values_and_errors() -> None:
    blocks = [
        {"type": "input", "block_id": "b1", "label": pt("What will you do?"),
         "element": {"type": "plain_text_input", "action_id": "t", "multiline": True,
                     "placeholder": pt("e.g. call them")}},
        {"type": "input", "block_id": "b2", "label": pt("By when?"), "optional": True,
         "hint": pt("A weekday"),
         "element": {"type": "datepicker", "action_id": "d", "initial_date": "2026-10-02"}},
        {"type": "input", "block_id": "b3", "label": pt("Owner"),
         "element": {"type": "users_select", "action_id": "u"}},
        {"type": "input", "block_id": "b4", "label": pt("Done"),
         "element": {"type": "checkboxes", "action_id": "c", "options": [
             {"text": pt("First"), "value": "1"}, {"text": pt("Second"), "value": "2"}]}},
    ]
    values = {"b1": {"t": {"type": "plain_text_input", "value": "Call <Globex>"}},
              "b3": {"u": {"type": "users_select", "selected_user": "UMAYA"}},
              "b4": {"c": {"type": "checkboxes", "selected_options": [{"value": "2"}]}}}
    ctx = render.Context(names=NAMES, values=values, errors={"b2": "Pick a date"})
    html = render.blocks(blocks, ctx)
    assert "Call &lt;Globex&gt;" in html and "e.g. call them" not in html
    assert "Fri 02 Oct 2026" in html and "(optional)" in html and "A weekday" in html
    assert "b-input has-error" in html and "Pick a date" in html
    assert "@Maya Lopez" in html
    assert '<span class="mark">☐</span><span>First' in html
    assert '<span class="mark">☑</span><span>Second' in html


def test_rich_text_as_people_type_it() -> None:
    html = render.blocks([{"type": "rich_text", "elements": [
        {"type": "rich_text_section", "elements": [
            {"type": "text", "text": "Hi <team>", "style": {"bold": True}},
            {"type": "user", "user_id": "UMAYA"},
            {"type": "link", "url": "https://x.io", "text": "docs"},
            {"type": "emoji", "name": "tada"}]},
        {"type": "rich_text_list", "style": "ordered", "elements": [
            {"type": "rich_text_section", "elements": [{"type": "text", "text": "one"}]}]},
    ]}], CTX)
    assert "<strong>Hi &lt;team&gt;</strong>" in html and "@Maya Lopez" in html
    assert '<a href="https://x.io"' in html and "<ol" in html and "<svg" in html


@pytest.mark.parametrize("blocks", [
    [{"type": "video", "title": pt("x")}],
    [{"type": "actions", "elements": [{"type": "workflow_button", "text": pt("Run")}]}],
    [{"type": "section", "text": {"type": "weird_text", "text": "x"}}],
    [{"type": "rich_text", "elements": [{"type": "rich_text_table"}]}],
    ["not a block"],
])
def test_unknown_types_are_visible_placeholders(blocks: list) -> None:
    assert 'class="unknown"' in render.blocks(blocks, CTX)


def test_modal_card_and_message_chrome() -> None:
    viewer = cards.Viewer("UMAYA", ZoneInfo("America/Chicago"), NAMES, {}, {}, "UBOT")
    view = {"type": "modal", "title": pt("Sales report"), "submit": pt("Send"),
            "blocks": [{"type": "input", "block_id": "s", "label": pt("Sales"),
                        "element": {"type": "plain_text_input", "action_id": "n"}}]}
    card = cards.modal(Item(0, 0, 0, "modal", {"event": "refused", "view": view,
                                               "errors": {"s": "Not a number"}}), viewer)
    assert 'class="modal"' in card and "Sales report" in card and ">Send</span>" in card
    assert "Cancel" in card and "Not a number" in card
    message = {"user": "UBOT", "ts": "1789048800.000000", "text": "fallback",
               "blocks": [{"type": "section", "text": md("Hello <@UMAYA>")}],
               "edited": True, "history": [{"text": "before", "blocks": None}]}
    html = cards.message(Item(1789048800.0, 1, 0, "message", message, "DUMAYA"), viewer)
    assert "Leadwell" in html and "APP" in html and "9:00 AM" in html  # Chicago time
    assert "@Maya Lopez" in html and "fallback" not in html.split("details")[0]
    assert "(edited)" in html and "As it was first posted" in html
