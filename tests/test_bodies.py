"""A request body parsed once by the router and handed to Bolt (bot/core/bodies.py)."""

from __future__ import annotations

import io
import json
import random
import time
import urllib.parse
from typing import Any
from urllib.parse import urlencode
from wsgiref.util import setup_testing_defaults

import pytest
from slack_bolt import Ack, App, BoltRequest
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.request.internals import parse_body
from slack_sdk.signature import SignatureVerifier

from bot.core.bodies import PARSED, ParsedRequest, ParsedRequestHandler, parse, unquote_plus

SECRET = "bodies-test-secret"
FORM = "application/x-www-form-urlencoded"
SUBMISSION = {"type": "view_submission", "user": {"id": "U1"},
              "view": {"id": "V1", "callback_id": "plan",
                       "state": {"values": {"b": {"a": {"value": "Lead & grow = 100%"}}}}}}
BODIES = [
    urlencode({"command": "/careerplan", "text": "", "user_id": "U1", "team_id": "T1"}),
    urlencode({"payload": json.dumps(SUBMISSION)}),
    json.dumps({"type": "event_callback", "event_id": "Ev1", "team_id": "T1",
                "event": {"type": "message", "channel_type": "im", "text": "thanks"}}),
    "",
]


@pytest.mark.parametrize("text", BODIES)
def test_a_parsed_request_is_the_request_bolt_would_make(text: str) -> None:
    headers = {"content-type": FORM, "x-slack-signature": "v0=x", "x-slack-request-timestamp": "1"}
    parsed = parse(text.encode(), FORM)
    ours, bolts = (ParsedRequest(parsed, query="a=1", headers=headers),
                   BoltRequest(body=text, query="a=1", headers=headers))
    assert (ours.body, ours.raw_body, ours.mode, ours.query, ours.headers, ours.content_type) == (
        bolts.body, bolts.raw_body, bolts.mode, bolts.query, bolts.headers, bolts.content_type)
    assert dict(ours.context) == dict(bolts.context)


def test_what_bolt_could_not_parse_has_no_payload() -> None:
    assert parse(b"\xff\xfe", FORM).payload is None  # not UTF-8
    assert parse(b"{oops", FORM).payload is None
    assert parse(b"payload=%7Boops", FORM).payload is None
    assert parse(b"[1, 2]", "application/json").payload is None  # JSON, not an object
    assert parse(b"", FORM).payload == {}
    assert parse(b'{"type": "x"}', None).is_json and not parse(b"type=x", None).is_json


ESCAPES = ["%", "%C3%A9", "%e2%98%83", "%ff", "%80", "%0a", "%3D", "%25", "%zz", "%4"]


def test_a_payload_is_url_decoded_as_urllib_does() -> None:
    """The C path (quoted-printable) and urllib agree on every string, odd ones included:
    a lone or short escape, a literal "=", line ends, bytes that are not UTF-8."""
    alphabet = list("%abcdefABCDEF0123456789+= \t\r\n&;\x00\u00e9\u2603") + ESCAPES
    rng = random.Random(8)
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert unquote_plus(text) == urllib.parse.unquote_plus(text), repr(text)
    modal = urlencode({"payload": json.dumps(SUBMISSION)})[len("payload="):]
    assert unquote_plus(modal) == urllib.parse.unquote_plus(modal) == json.dumps(SUBMISSION)


@pytest.mark.parametrize("text", [
    "payload=", "payload=%7B%7D", "payload=%7B%22a%22%3A+%22%ff%22%7D",
    "payload=%7B%22a%22%3A1%7D&payload=%7B%22b%22%3A2%7D", "payload=%5B1%5D",
    "payload=" + urlencode({"x": json.dumps(SUBMISSION)})[2:].replace("%22", "%2522"),
])
def test_a_form_payload_parses_as_bolt_parses_it(text: str) -> None:
    try:
        expected: Any = parse_body(text, FORM)
    except ValueError:
        expected = None
    assert parse(text.encode(), FORM).payload == (expected if isinstance(expected, dict)
                                                  else None)


def environ_for(text: str, *, secret: str = SECRET) -> dict[str, Any]:
    timestamp = str(int(time.time()))
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "POST", "PATH_INFO": "/slack/events", "CONTENT_TYPE": FORM,
        "CONTENT_LENGTH": str(len(text.encode())), "wsgi.input": io.BytesIO(text.encode()),
        "HTTP_X_SLACK_REQUEST_TIMESTAMP": timestamp,
        "HTTP_X_SLACK_SIGNATURE": SignatureVerifier(secret).generate_signature(
            timestamp=timestamp, body=text),
    }
    setup_testing_defaults(environ)
    environ[PARSED] = parse(text.encode(), FORM)
    return environ


def call(handler: ParsedRequestHandler, environ: dict[str, Any]) -> str:
    status: list[str] = []
    handler(environ, lambda s, headers: status.append(s))
    return status[0]


def test_the_handler_dispatches_the_parsed_payload_and_checks_its_signature() -> None:
    seen: list[str] = []
    app = App(signing_secret=SECRET, authorize=lambda **_: AuthorizeResult(
        enterprise_id=None, team_id="T1", bot_token="xoxb-test", bot_user_id="UB", bot_id="B"))

    @app.command("/careerplan")
    def command(ack: Ack, body: dict) -> None:
        seen.append(body["user_id"])
        ack()

    handler, text = ParsedRequestHandler(app), BODIES[0]
    environ = environ_for(text)
    environ["wsgi.input"] = io.BytesIO(b"")  # Bolt must not need to read the body again
    assert call(handler, environ).startswith("200") and seen == ["U1"]
    assert call(handler, environ_for(text, secret="another-secret")).startswith("401")
    unparsed = environ_for(text)
    del unparsed[PARSED]  # elsewhere than the router: Bolt reads and parses the body itself
    assert call(handler, unparsed).startswith("200") and seen == ["U1", "U1"]
