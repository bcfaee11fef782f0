"""Small helpers over slack_sdk.models so every view is built and validated the same way."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

SECTION_LIMIT = 3000


@dataclass(frozen=True)
class Message:
    """A chat message: `text` is the notification fallback, `blocks` what Slack shows."""

    text: str
    blocks: Sequence[Block] = field(default_factory=tuple)

    def blocks_dicts(self) -> list[dict[str, Any]]:
        """The blocks as JSON dicts; to_dict() checks Slack's limits and raises if broken."""
        return [block.to_dict() for block in self.blocks]


def notice(text: str) -> Message:
    """A one-section informational message."""
    return Message(text=text, blocks=[markdown(text)])


def markdown(text: str, **kwargs: Any) -> SectionBlock:
    """A section of mrkdwn text, clipped to Slack's 3000 characters."""
    return SectionBlock(text=MarkdownTextObject(text=clip(text, SECTION_LIMIT)), **kwargs)


def header(text: str) -> HeaderBlock:
    return HeaderBlock(text=clip(text, 150))


def context(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=clip(text, SECTION_LIMIT))])


def clip(text: str, limit: int) -> str:
    """`text` cut to `limit` characters with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def mention_list(user_ids: Sequence[str], *, limit: int = SECTION_LIMIT) -> str:
    """`<@A>, <@B> and 3 more`, kept under `limit` characters."""
    shown: list[str] = []
    for index, user_id in enumerate(user_ids):
        rest = len(user_ids) - index
        candidate = ", ".join([*shown, f"<@{user_id}>"])
        if len(candidate) + len(f" and {rest} more") > limit:
            return ", ".join(shown) + f" and {rest} more"
        shown.append(f"<@{user_id}>")
    return ", ".join(shown)


def button(text: str, action_id: str, value: str = "", style: str | None = None) -> ButtonElement:
    """A button; `value` carries the id of what it acts on."""
    return ButtonElement(text=text, action_id=action_id, value=value or None, style=style)
