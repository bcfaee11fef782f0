"""Parse the user mentions Slack puts in slash-command text."""

from __future__ import annotations

import re

USER_ID = re.compile(r"[UW][A-Z0-9]{1,31}")  # a Slack user id, to be matched whole
MENTION = re.compile(r"<@(" + USER_ID.pattern + r")(?:\|[^>]*)?>")


class MentionError(ValueError):
    """Text that should have been a mention; the message is shown to the user."""


def parse_mentions(words: list[str]) -> list[str]:
    """User ids from `<@U123|name>` or `<@U123>` words, in order, without repeats."""
    ids: list[str] = []
    for word in words:
        match = MENTION.fullmatch(word)
        if match is None:
            shown = word if len(word) <= 40 else word[:39] + "…"
            raise MentionError(
                f"I couldn't read `{shown}` as a person. Mention people with @ and pick them "
                "from the list so Slack links them."
            )
        if match.group(1) not in ids:
            ids.append(match.group(1))
    return ids
