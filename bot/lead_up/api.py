"""`POST /api/metrics`: a CRM pushes sales figures with the workspace's bearer token."""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from slack_sdk import WebClient
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot.core.slack import Clients, per_team
from bot.lead_up.importer import BUILT_IN, Record, apply_records
from bot.lead_up.models import ApiToken
from bot.org.people import ensure_workspace

log = logging.getLogger(__name__)

PATH = "/api/metrics"
MAX_REPORTS = 500
FIELDS = {"manager", "period", *BUILT_IN, "metrics"}
STATUS = {200: "200 OK", 400: "400 Bad Request", 401: "401 Unauthorized",
          405: "405 Method Not Allowed", 413: "413 Payload Too Large",
          422: "422 Unprocessable Entity", 500: "500 Internal Server Error"}


class BadRequest(Exception):
    """The body is not JSON of the documented shape; the message says what is wrong."""

    def __init__(self, error: str, detail: str) -> None:
        super().__init__(detail)
        self.error = error


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(sessions: sessionmaker, team_id: str, now: datetime) -> str:
    """A new token for the workspace, replacing any earlier one; only its hash is kept."""
    token = "lw_" + secrets.token_urlsafe(32)
    with sessions.begin() as session:
        ensure_workspace(session, team_id, now=now)
        row = session.get(ApiToken, team_id)
        if row is None:
            row = ApiToken(team_id=team_id)
            session.add(row)
        row.token_hash, row.created_at = hash_token(token), now
    return token


def team_of(sessions: sessionmaker, authorization: str) -> str | None:
    """The workspace whose token is in `Authorization: Bearer …`, or None."""
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    with sessions() as session:
        return session.scalar(select(ApiToken.team_id).where(
            ApiToken.token_hash == hash_token(token.strip())))


def metrics_api(environ: dict[str, Any], start_response: Callable[..., Any], *,
                sessions: sessionmaker, client: WebClient | Clients, max_bytes: int,
                default_tz: str = "UTC",
                clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> Iterable[bytes]:
    """The WSGI answer to a request for PATH: JSON in every case."""
    if environ.get("REQUEST_METHOD") != "POST":
        return _json(start_response, 405, {"ok": False, "error": "method_not_allowed"},
                     [("Allow", "POST")])
    team_id = team_of(sessions, environ.get("HTTP_AUTHORIZATION", ""))
    if team_id is None:
        return _json(start_response, 401, {"ok": False, "error": "invalid_token"},
                     [("WWW-Authenticate", 'Bearer realm="leadwell"')])
    length = environ.get("CONTENT_LENGTH") or "0"
    if not length.isdigit() or int(length) > max_bytes:
        return _json(start_response, 413, {"ok": False, "error": "request_too_large"})
    try:
        records = parse_body(environ["wsgi.input"].read(int(length)))
    except BadRequest as error:
        return _json(start_response, 400, {"ok": False, "error": error.error,
                                           "detail": str(error)})
    try:
        outcome = apply_records(records, sessions=sessions, client=per_team(client)(team_id),
                                team_id=team_id, now=clock(), source="api",
                                default_tz=default_tz)
    except Exception:
        log.exception("POST %s failed", PATH)
        return _json(start_response, 500, {"ok": False, "error": "internal_error"})
    log.info("api metrics for %s: %s stored, %s rejected", team_id, outcome.stored,
             len(outcome.rejected))
    rejected = [{"index": r.key, "error": r.reason} for r in outcome.rejected]
    return _json(start_response, 422 if rejected else 200,
                 {"ok": True, "stored": outcome.stored, "rejected": rejected})


def parse_body(body: bytes) -> list[Record]:
    """One report object or `{"reports": [...]}` as records; BadRequest otherwise."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise BadRequest("invalid_json", "the body is not JSON") from None
    if isinstance(data, dict) and "reports" in data:
        if set(data) != {"reports"} or not isinstance(data["reports"], list):
            raise BadRequest("invalid_request", '`{"reports": [...]}` holds a list, alone')
        items = data["reports"]
    elif isinstance(data, dict):
        items = [data]
    else:
        raise BadRequest("invalid_request", 'send one report object or {"reports": [...]}')
    if len(items) > MAX_REPORTS:
        raise BadRequest("invalid_request", f"at most {MAX_REPORTS} reports per request")
    if not all(isinstance(item, dict) for item in items):
        raise BadRequest("invalid_request", "each report is a JSON object")
    return [record_of(index, item) for index, item in enumerate(items)]


def record_of(index: int, item: dict[str, Any]) -> Record:
    """A record from one report object; a wrong field makes it a rejected record."""
    where = f"item {index}"
    manager, period = item.get("manager"), item.get("period")
    metrics = {} if item.get("metrics") is None else item["metrics"]
    unknown = sorted(set(item) - FIELDS)
    problem = ""
    if unknown:
        problem = f"unknown field `{unknown[0]}` (expected {', '.join(sorted(FIELDS))})"
    elif not isinstance(manager, str) or not isinstance(period, str):
        problem = "`manager` (a Slack user id or an email) and `period` must be strings"
    elif not isinstance(metrics, dict):
        problem = "`metrics` must be an object: {\"name\": number}"
    elif any(name in BUILT_IN for name in metrics):
        problem = "sales, target and pipeline go at the top level, not in `metrics`"
    raw: dict[str, str] = {}
    if not problem:
        try:
            raw = {name: _text(name, item.get(name)) for name in BUILT_IN}
            raw |= {name: _text(name, value) for name, value in metrics.items()}
        except ValueError as error:
            problem = str(error)
    if problem:
        return Record(index, where, "", "", problem=problem)
    return Record(index, where, manager.strip(), period.strip(), raw)


def _text(name: str, value: Any) -> str:
    """A JSON number or string as the text reports.read_figures parses."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        text = repr(value)
        return f"{value:f}" if "e" in text else text
    raise ValueError(f"`{name}` must be a number or a string")


def _json(start_response: Callable[..., Any], status: int, body: dict[str, Any],
          headers: list[tuple[str, str]] | None = None) -> list[bytes]:
    data = json.dumps(body).encode()
    start_response(STATUS[status], [("Content-Type", "application/json"),
                                    ("Content-Length", str(len(data))), *(headers or [])])
    return [data]
