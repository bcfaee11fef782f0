"""The gateway's WebClient: keep-alive connections, and the workspace's rate-limit pause.

slack-sdk's WebClient opens a new connection for every call (urllib), so each message of a
fan-out pays a TCP connect (and on slack.com a TLS handshake). GatewayClient keeps one
connection per thread and host alive instead; errors are raised as urllib raises them, so the
retry handlers work as before (a connection the server closed meanwhile is a connection error,
retried by ConnectionErrorRetryHandler on a new one). Every call first waits for its
workspace's rate-limit pause, if any (bot/core/ratelimit.py); a listener waiting for the
answer over LEND_AFTER lends its turn to the next (bot/core/acks.py `turn_lent`).
"""

from __future__ import annotations

import http.client
import io
import select
import ssl
import threading
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit
from urllib.request import Request

from slack_sdk import WebClient
from slack_sdk.web import SlackResponse

from bot.core.acks import turn_lent
from bot.core.ratelimit import gate

_local = threading.local()
LEND_AFTER = 0.01  # seconds: a listener waiting longer for Slack's answer lends its turn


class GatewayClient(WebClient):
    """A WebClient that waits for its workspace's pause and keeps its connections open."""

    def api_call(self, api_method: str, **kwargs: Any) -> SlackResponse:  # type: ignore[override]
        gate(self.token).wait()
        return super().api_call(api_method, **kwargs)

    def _perform_urllib_http_request_internal(self, url: str, req: Request) -> dict[str, Any]:
        parts = urlsplit(url)
        if self.proxy is not None or parts.scheme not in ("http", "https"):
            return super()._perform_urllib_http_request_internal(url, req)
        key = (parts.scheme, parts.netloc, self.timeout)
        connection = _connections().get(key) or self._connect(key)
        try:
            connection.request(req.get_method(), req.selector, body=req.data,
                               headers=dict(req.header_items()))
        except OSError as error:  # as urllib does: a URLError, for the connection retries
            _drop(key)
            raise URLError(error) from error
        # a listener's turn is for the interpreter, not for waiting on Slack
        with turn_lent(keep=lambda: answered_within(connection, LEND_AFTER)):
            try:
                response = connection.getresponse()
                body = response.read()
            except BaseException:
                _drop(key)
                raise
        if response.will_close:
            _drop(key)
        if response.status >= 400:  # as urllib does: the retry handlers read it from HTTPError
            raise HTTPError(url, response.status, response.reason, response.headers,
                            io.BytesIO(body))
        if response.headers.get_content_type() == "application/gzip":
            return {"status": response.status, "headers": response.headers, "body": body}
        charset = response.headers.get_content_charset() or "utf-8"
        return {"status": response.status, "headers": response.headers,
                "body": body.decode(charset)}

    def _connect(self, key: _Key) -> http.client.HTTPConnection:
        scheme, netloc, timeout = key
        connection = http.client.HTTPSConnection(netloc, timeout=timeout, context=self.ssl) \
            if scheme == "https" else http.client.HTTPConnection(netloc, timeout=timeout)
        _connections()[key] = connection
        return connection


_Key = tuple[str, str, int]  # scheme, host:port, timeout


def answered_within(connection: http.client.HTTPConnection, seconds: float) -> bool:
    """Whether the answer to the request just sent starts arriving within `seconds`."""
    sock = connection.sock
    if sock is None or (isinstance(sock, ssl.SSLSocket) and sock.pending()):
        return True
    poll = select.poll()
    poll.register(sock, select.POLLIN)
    return bool(poll.poll(seconds * 1000))


def _connections() -> dict[_Key, http.client.HTTPConnection]:
    """This thread's open connections."""
    if not hasattr(_local, "connections"):
        _local.connections = {}
    return _local.connections


def _drop(key: _Key) -> None:
    """Close and forget this thread's connection (the next call opens a new one)."""
    connection = _connections().pop(key, None)
    if connection is not None:
        connection.close()
