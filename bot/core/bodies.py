"""A Slack request's form body, parsed once for everyone who reads it before Bolt does."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import parse_qsl


@lru_cache(maxsize=16)
def form_fields(body: bytes) -> dict[str, str]:
    """The fields of an `application/x-www-form-urlencoded` body (the last value of each,
    blank ones kept; bytes that are not UTF-8 replaced). Cached for the same body, so the
    router's checks share one parse of a large view payload: never change the answer."""
    return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
