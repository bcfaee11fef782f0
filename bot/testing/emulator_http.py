"""HTTP front end of the Slack emulator: request parsing, auth, faults and dispatch."""

from __future__ import annotations

import copy
import json
import sys
import time
import traceback
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from bot.testing import emulator_api, emulator_views  # noqa: F401  (registers Web API methods)
from bot.testing.emulator_base import METHODS, ApiError, JsonDict
from bot.testing.emulator_faults import Faults
from bot.testing.emulator_oauth import Directory
from bot.testing.emulator_state import EmulatorState

Answer = tuple[int, dict[str, str], bytes]
_JSON = {"Content-Type": "application/json; charset=utf-8"}


def _json(body: Any, status: int = 200) -> Answer:
    return status, dict(_JSON), json.dumps(body).encode()


def parse_params(query: str, headers: Message, body: bytes) -> JsonDict:
    """Merge query string and body parameters (form-encoded or JSON)."""
    params: JsonDict = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}
    if not body:
        return params
    content_type = (headers.get("Content-Type") or "").lower()
    if "application/json" in content_type:
        try:
            data = json.loads(body)
        except ValueError:
            raise ApiError("invalid_json") from None
        if not isinstance(data, dict):
            raise ApiError("invalid_json")
        params.update(data)
    elif "multipart/form-data" in content_type:
        raise ApiError("invalid_form_data")
    else:
        form = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
        params.update({k: v[-1] for k, v in form.items()})
    return params


def _bearer(headers: Message) -> str | None:
    auth = headers.get("Authorization") or ""
    return auth[7:].strip() if auth.lower().startswith("bearer ") else None


class ApiServer:
    """Routes HTTP requests to Web API methods, upload URLs and response URLs."""

    def __init__(self, state: EmulatorState, faults: Faults,
                 directory: Directory | None = None) -> None:
        self.state = state  # the first workspace; `directory` holds every one
        self.faults = faults
        self.directory = directory or Directory(state)

    def route(self, path: str, headers: Message, body: bytes) -> Answer:
        """Answer one request; an emulator bug answers 500 with the traceback."""
        try:
            return self._route(path, headers, body)
        except Exception:
            trace = traceback.format_exc()
            sys.stderr.write(f"Slack emulator error for {path}:\n{trace}")
            return 500, {"Content-Type": "text/plain"}, f"emulator error\n{trace}".encode()

    def _route(self, path: str, headers: Message, body: bytes) -> Answer:
        parts = urlsplit(path)
        route = parts.path
        if route.startswith("/api/"):
            return self.api(route.removeprefix("/api/"), parts.query, headers, body)
        if route.startswith("/upload/"):
            return self._upload(route.removeprefix("/upload/"), body)
        if route.startswith("/response/"):
            return self._response(route.removeprefix("/response/"), body)
        return 404, {"Content-Type": "text/plain"}, b"not found"

    def api(self, method: str, query: str, headers: Message, body: bytes) -> Answer:
        """A Web API call: parse, apply faults, authenticate, dispatch, record."""
        at = self.state.clock()
        error: ApiError | None = None
        try:
            params = parse_params(query, headers, body)
        except ApiError as exc:
            params, error = {}, exc
        token = _bearer(headers) or params.pop("token", None)
        params.pop("token", None)
        delay, failure = self.faults.take(method)
        if delay:
            time.sleep(delay)
        state = self.state
        if failure is not None:
            answer: Answer = (failure.status, failure.headers, failure.body)
        elif method == "oauth.v2.access" and error is None:  # client credentials, no token
            result, state = self.directory.oauth_access(params, headers)
            answer = _json(result)
        else:
            answer, state = self._dispatch(method, params, token, error)
        self._record(method, params, answer, at, state=state, token=token)
        return answer

    def _dispatch(
        self, method: str, params: JsonDict, token: str | None, error: ApiError | None
    ) -> tuple[Answer, EmulatorState]:
        """The answer, and the workspace the token opened (the first one if none)."""
        handler = METHODS.get(method)
        if handler is None:
            return _json({"ok": False, "error": "unknown_method"}), self.state
        if error is not None:
            return _json({"ok": False, "error": error.error}), self.state
        if not token:
            return _json({"ok": False, "error": "not_authed"}), self.state
        state, refusal = self.directory.state_for(token)
        if state is None:
            return _json({"ok": False, "error": refusal}), self.state
        with state.lock:
            try:
                result = {"ok": True, **handler(state, params)}
            except ApiError as exc:
                result = {"ok": False, "error": exc.error, **exc.extra}
            return _json(result), state

    def _record(self, method: str, params: JsonDict, answer: Answer, at: float, *,
                state: EmulatorState | None = None, token: str | None = None) -> None:
        status, _, payload = answer
        try:
            body = json.loads(payload)
        except ValueError:
            body = {}
        record = {
            "method": method,
            "params": copy.deepcopy(params),
            "http_status": status,
            "at": at,
            "ok": status == 200 and bool(body.get("ok")),
            "error": body.get("error") if status == 200 else f"http_{status}",
            "token": token,
        }
        state = state or self.state
        with state.lock:
            state.calls.append(record)

    def _upload(self, file_id: str, body: bytes) -> Answer:
        state = self.directory.holding("file", file_id)
        with state.lock:
            try:
                emulator_views.upload_file(state, file_id, body)
            except ApiError as exc:
                return 404, {"Content-Type": "text/plain"}, exc.error.encode()
        return 200, {"Content-Type": "text/plain"}, f"OK - {len(body)}".encode()

    def _response(self, response_id: str, body: bytes) -> Answer:
        try:
            data = json.loads(body or b"{}")
        except ValueError:
            return 400, {"Content-Type": "text/plain"}, b"invalid_payload"
        if not isinstance(data, dict):
            return 400, {"Content-Type": "text/plain"}, b"invalid_payload"
        state = self.directory.holding("response", response_id)
        with state.lock:
            try:
                state.post_response(response_id, data)
            except ApiError as exc:
                status = 400 if exc.error == "invalid_blocks" else 404
                return status, {"Content-Type": "text/plain"}, exc.error.encode()
        return _json({"ok": True})


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: a client may send many calls on a connection
    disable_nagle_algorithm = True  # else each answer of a kept connection waits ~40 ms
    server: HttpServer

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        status, headers, payload = self.server.api.route(self.path, self.headers, body)
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""


class HttpServer(ThreadingHTTPServer):
    """A threaded HTTP server on 127.0.0.1 with a random port."""

    daemon_threads = True
    request_queue_size = 128  # the listen backlog: a burst of bot calls is queued, not reset

    def __init__(self, api: ApiServer) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.api = api
