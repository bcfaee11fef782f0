"""Slack's :emoji: shortcodes as HTML: small inline drawings for the ones Leadwell sends (so
they show without an emoji font), Unicode characters for other common ones."""

from __future__ import annotations

import re
from html import escape

CHARACTERS = {
    "calendar": "📆", "date": "📅", "chart_with_upwards_trend": "📈",
    "chart_with_downwards_trend": "📉", "bar_chart": "📊", "wave": "👋", "clap": "👏",
    "pray": "🙏", "bulb": "💡", "star": "⭐", "rocket": "🚀", "bell": "🔔", "hourglass": "⌛",
    "eyes": "👀", "thumbsup": "👍", "+1": "👍", "raised_hands": "🙌", "handshake": "🤝",
    "dart": "🎯", "trophy": "🏆", "moneybag": "💰", "speech_balloon": "💬", "lock": "🔒",
    "question": "❓", "exclamation": "❗", "sparkles": "✨", "fire": "🔥", "heart": "❤️",
}
_ROUND = 'stroke-linecap="round" stroke-linejoin="round"'
DRAWINGS = {
    "white_check_mark": '<rect x="1" y="1" width="14" height="14" rx="3" fill="#3aa55d"/>'
                        f'<path d="M4 8.5l2.5 2.5L12 5.5" stroke="#fff" stroke-width="2" '
                        f'fill="none" {_ROUND}/>',
    "heavy_check_mark": f'<path d="M3 8.5l3 3L13 4.5" stroke="#1d1c1d" stroke-width="2.4" '
                        f'fill="none" {_ROUND}/>',
    "warning": '<path d="M8 1.5L15 14H1z" fill="#f2c037" stroke="#d19e00" stroke-width=".8" '
               'stroke-linejoin="round"/><rect x="7.2" y="5.5" width="1.6" height="4.6" '
               'rx=".8" fill="#1d1c1d"/><circle cx="8" cy="12" r=".9" fill="#1d1c1d"/>',
    "tada": '<path d="M2 14l3.5-9 5.5 5.5z" fill="#f2a93b"/><path d="M2 14l1.6-4 2.4 2.4z" '
            'fill="#e0703b"/><circle cx="11" cy="3" r="1" fill="#e0245e"/><circle cx="13.5" '
            'cy="6.5" r="1" fill="#3b88c3"/><circle cx="8" cy="2" r=".8" fill="#77b255"/>'
            '<path d="M9 6c1-2 3-3 5-2" stroke="#aa8dd8" fill="none"/>',
    "memo": '<rect x="2.5" y="1.5" width="10" height="13" rx="1" fill="#fff" stroke="#8899a6"/>'
            '<path d="M4.5 5h6M4.5 7.5h6M4.5 10h4" stroke="#8899a6"/>'
            '<path d="M10 13l4.5-6.5 1 .8L11 13.8z" fill="#f4900c"/>',
    "arrow_up_small": '<rect x="1" y="1" width="14" height="14" rx="3" fill="#3b88c3"/>'
                      '<path d="M8 4.5l4 5H4z" fill="#fff"/>',
    "arrow_down_small": '<rect x="1" y="1" width="14" height="14" rx="3" fill="#3b88c3"/>'
                        '<path d="M8 11.5l4-5H4z" fill="#fff"/>',
    "x": f'<path d="M4 4l8 8M12 4l-8 8" stroke="#dd2e44" stroke-width="2.6" {_ROUND}/>',
}
ICONS = {  # the chrome's own pictograms, drawn so that no font is needed
    "calendar": '<rect x="1.5" y="3" width="13" height="11.5" rx="2" fill="none" '
                'stroke="currentColor" stroke-width="1.3"/><path d="M1.5 6.5h13M5 1.5v3M11 '
                '1.5v3" stroke="currentColor" stroke-width="1.3"/>',
    "clock": '<circle cx="8" cy="8" r="6.5" fill="none" stroke="currentColor" '
             'stroke-width="1.3"/><path d="M8 4.5V8l2.5 1.5" stroke="currentColor" '
             'stroke-width="1.3" fill="none"/>',
    "image": '<rect x="1.5" y="2.5" width="13" height="11" rx="2" fill="none" '
             'stroke="currentColor" stroke-width="1.3"/><path d="M2.5 12l3.5-4 3 3 2-2 3 3" '
             'stroke="currentColor" stroke-width="1.3" fill="none"/>',
    "file": '<path d="M3.5 1.5h6l3 3v10h-9z" fill="none" stroke="currentColor" '
            'stroke-width="1.3" stroke-linejoin="round"/><path d="M9.5 1.5v3h3" fill="none" '
            'stroke="currentColor" stroke-width="1.3"/>',
}
SHORTCODE = re.compile(r":([a-z0-9_+-]+):")


def emoji(name: str) -> str | None:
    """The HTML of :name:, or None when the demo does not know it."""
    label = escape(f":{name}:")
    if name in DRAWINGS:
        return (f'<svg class="emoji" viewBox="0 0 16 16" role="img" aria-label="{label}">'
                f"<title>{label}</title>{DRAWINGS[name]}</svg>")
    if name in CHARACTERS:
        return f'<span class="emoji" title="{label}">{CHARACTERS[name]}</span>'
    return None


def replace(escaped: str) -> str:
    """Shortcodes in already escaped HTML text, replaced (unknown ones stay as typed)."""
    return SHORTCODE.sub(lambda m: emoji(m.group(1)) or m.group(0), escaped)


def icon(name: str) -> str:
    """One of ICONS as inline SVG, in the colour of the text around it."""
    return f'<svg class="icon" viewBox="0 0 16 16" aria-hidden="true">{ICONS[name]}</svg>'
