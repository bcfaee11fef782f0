"""Check Block Kit JSON against the team lead's third-party schema, when it is present."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

SHARED = Path(__file__).resolve().parents[2] / "shared"
SCHEMA = SHARED / "blockkit" / "slack-block-kit.schema.json"


@cache
def _schema() -> dict[str, Any] | None:
    return json.loads(SCHEMA.read_text()) if SCHEMA.exists() else None


def check(payload: list[dict[str, Any]] | dict[str, Any], kind: str = "blocks") -> None:
    """Raise jsonschema.ValidationError if `payload` (blocks, or a modal/home view) is invalid."""
    schema = _schema()
    if schema is None:
        return
    import jsonschema

    target: dict[str, Any] = schema if kind == "blocks" else {
        "$schema": schema["$schema"], "$defs": schema["$defs"], "$ref": f"#/$defs/{kind}_view",
    }
    jsonschema.Draft202012Validator(target).validate(payload)
