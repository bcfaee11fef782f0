"""Tests of the local Slack emulator (bot.testing) and of its signed test client."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from slack_sdk.signature import SignatureVerifier

from bot.testing import SlackClient, SlackEmulator

SECRET = "test-signing-secret"


class FakeClock:
    """A settable clock for the emulator."""

    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def emu(clock: FakeClock) -> Iterator[SlackEmulator]:
    with SlackEmulator(clock=clock) as emulator:
        emulator.add_user("U1", "alice", email="alice@example.com", real_name="Alice Smith")
        emulator.add_user("U2", "bob", tz="Europe/Berlin", email="bob@example.com")
        emulator.add_user("U3", "carol", deleted=True)
        yield emulator


@pytest.fixture
def web(emu: SlackEmulator) -> WebClient:
    return WebClient(base_url=emu.api_url, token=emu.bot_token)


def _error(call: Any) -> str:
    with pytest.raises(SlackApiError) as info:
        call()
    return str(info.value.response["error"])


MODAL = {
    "type": "modal",
    "callback_id": "add_member",
    "title": {"type": "plain_text", "text": "Add member"},
    "submit": {"type": "plain_text", "text": "Save"},
    "private_metadata": "team=1",
    "blocks": [
        {
            "type": "input",
            "block_id": "name",
            "label": {"type": "plain_text", "text": "Name"},
            "element": {"type": "plain_text_input", "action_id": "name_input"},
        }
    ],
}


# Web API ----------------------------------------------------------------------


def test_auth_and_unknown_method(emu: SlackEmulator, web: WebClient) -> None:
    auth = web.auth_test()
    assert (auth["team_id"], auth["user_id"], auth["bot_id"]) == ("T0001", "UBOT", "BBOT")
    bad = WebClient(base_url=emu.api_url, token="xoxb-wrong")
    assert _error(bad.auth_test) == "invalid_auth"
    assert _error(lambda: web.api_call("nope.never")) == "unknown_method"
    assert [c["method"] for c in emu.calls()] == ["auth.test", "auth.test", "nope.never"]


def test_users(emu: SlackEmulator, web: WebClient, clock: FakeClock) -> None:
    user = web.users_info(user="U1")["user"]
    assert user["profile"]["email"] == "alice@example.com"
    assert user["real_name"] == "Alice Smith"
    assert user["tz_offset"] == -5 * 3600  # November: EST
    clock.now = 1_688_000_000.0  # June 2023: EDT
    assert web.users_info(user="U1")["user"]["tz_offset"] == -4 * 3600
    assert web.users_lookupByEmail(email="BOB@example.com")["user"]["id"] == "U2"
    assert _error(lambda: web.users_lookupByEmail(email="x@example.com")) == "users_not_found"
    assert _error(lambda: web.users_info(user="U404")) == "user_not_found"
    assert web.users_info(user="U3")["user"]["deleted"] is True


def test_dm_by_user_id_and_conversations_open(emu: SlackEmulator, web: WebClient) -> None:
    posted = web.chat_postMessage(channel="U1", text="Hello Alice")
    assert posted["channel"] == "DU1"
    opened = web.conversations_open(users="U1")
    assert opened["channel"]["id"] == "DU1"
    web.chat_postMessage(channel=opened["channel"]["id"], text="Again", thread_ts=posted["ts"])
    texts = [m["text"] for m in emu.dm_messages("U1")]
    assert texts == ["Hello Alice", "Again"]
    assert float(emu.dm_messages("U1")[1]["ts"]) > float(posted["ts"])
    group = web.conversations_open(users="U1,U2")["channel"]["id"]
    assert group.startswith("G")
    assert web.conversations_open(users=["U2", "U1"])["channel"]["id"] == group
    assert _error(lambda: web.conversations_open(users="U404")) == "user_not_found"
    assert _error(lambda: web.conversations_open(users="U3")) == "user_disabled"
    assert _error(lambda: web.chat_postMessage(channel="U3", text="x")) == "account_inactive"
    assert _error(lambda: web.chat_postMessage(channel="C404", text="x")) == "channel_not_found"
    assert _error(lambda: web.api_call("chat.postMessage", json={"channel": "U1"})) == "no_text"
    assert len(emu.dm_messages("U1")) == 2


def test_form_encoded_blocks_update_delete_ephemeral(emu: SlackEmulator, web: WebClient) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*Weekly* check-in"}}]
    params = {"channel": "U1", "text": "fallback", "blocks": json.dumps(blocks)}
    posted = web.api_call("chat.postMessage", params=params)
    assert isinstance(emu.calls("chat.postMessage")[0]["params"]["blocks"], str)  # form body
    msg = emu.find_message("U1", "Weekly")
    assert msg["blocks"][0]["text"]["text"] == "*Weekly* check-in"
    assert msg["blocks"][0]["block_id"]  # Slack assigns block ids
    updated = web.chat_update(channel="DU1", ts=posted["ts"], text="done")
    assert updated["text"] == "done"
    msg = emu.dm_messages("U1")[0]
    assert (msg["text"], msg["edited"], msg["history"][0]["text"]) == ("done", True, "fallback")
    assert _error(lambda: web.chat_update(channel="DU1", ts="1.2", text="x")) == (
        "message_not_found"
    )
    eph = web.chat_postEphemeral(channel="DU1", user="U1", text="only you")
    assert emu.ephemerals("U1")[0]["ts"] == eph["message_ts"]
    web.chat_delete(channel="DU1", ts=posted["ts"])
    assert emu.dm_messages("U1") == []
    with pytest.raises(AssertionError, match="no DM to U1"):
        emu.find_message("U1", "Weekly")


def test_history_metadata_pagination_and_replies(emu: SlackEmulator, web: WebClient) -> None:
    metadata = {"event_type": "checkin", "event_payload": {"week": 12}}
    first = web.chat_postMessage(channel="U2", text="one", metadata=metadata)
    web.chat_postMessage(channel="U2", text="two")
    web.chat_postMessage(channel="U2", text="reply", thread_ts=first["ts"])
    web.chat_postMessage(channel="U2", text="three")
    history = web.conversations_history(channel="DU2", include_all_metadata=True)
    assert [m["text"] for m in history["messages"]] == ["three", "two", "one"]
    assert history["messages"][2]["metadata"] == metadata
    assert history["messages"][2]["reply_count"] == 1
    plain = web.conversations_history(channel="DU2")
    assert "metadata" not in plain["messages"][2]
    page = web.conversations_history(channel="DU2", limit=2)
    assert page["has_more"] is True
    cursor = page["response_metadata"]["next_cursor"]
    rest = web.conversations_history(channel="DU2", limit=2, cursor=cursor)
    assert [m["text"] for m in rest["messages"]] == ["one"]
    older = web.conversations_history(channel="DU2", latest=first["ts"], inclusive=True)
    assert [m["text"] for m in older["messages"]] == ["one"]
    replies = web.conversations_replies(channel="DU2", ts=first["ts"])
    assert [m["text"] for m in replies["messages"]] == ["one", "reply"]


def test_views_open_trigger_rules(emu: SlackEmulator, web: WebClient, clock: FakeClock) -> None:
    trigger = emu.new_trigger_id("U1")
    bad_view = {**MODAL, "title": {"type": "plain_text", "text": "x" * 30}}
    assert _error(lambda: web.views_open(trigger_id=trigger, view=bad_view)) == (
        "invalid_arguments"
    )
    view = web.views_open(trigger_id=trigger, view=MODAL)["view"]
    assert view["id"].startswith("V") and view["hash"]
    assert view["state"] == {"values": {}}
    assert emu.open_views("U1")[0]["callback_id"] == "add_member"
    assert _error(lambda: web.views_open(trigger_id=trigger, view=MODAL)) == "expired_trigger_id"
    late = emu.new_trigger_id("U1")
    clock.advance(3.5)
    assert _error(lambda: web.views_open(trigger_id=late, view=MODAL)) == "expired_trigger_id"
    assert _error(lambda: web.views_open(trigger_id="1.2.3", view=MODAL)) == "invalid_trigger_id"
    assert len(emu.open_views("U1")) == 1


def test_views_push_update_publish(emu: SlackEmulator, web: WebClient) -> None:
    view = web.views_open(trigger_id=emu.new_trigger_id("U1"), view=MODAL)["view"]
    for _ in range(2):
        web.views_push(trigger_id=emu.new_trigger_id("U1"), view=MODAL)
    push = lambda: web.views_push(trigger_id=emu.new_trigger_id("U1"), view=MODAL)  # noqa: E731
    assert _error(push) == "push_limit_reached"
    changed = {**MODAL, "title": {"type": "plain_text", "text": "Renamed"}}
    updated = web.views_update(view_id=view["id"], view=changed, hash=view["hash"])["view"]
    assert updated["id"] == view["id"] and updated["hash"] != view["hash"]
    stale = lambda: web.views_update(view_id=view["id"], view=MODAL, hash=view["hash"])  # noqa: E731
    assert _error(stale) == "hash_conflict"
    assert _error(lambda: web.views_update(view_id="V404", view=MODAL)) == "not_found"
    assert emu.open_views("U1")[0]["title"]["text"] == "Renamed"
    section = {"type": "section", "text": {"type": "mrkdwn", "text": "Hi"}}
    home = {"type": "home", "blocks": [section]}
    published = web.views_publish(user_id="U2", view=home)["view"]
    assert emu.home("U2")["id"] == published["id"]
    assert emu.home("U1") is None
    assert _error(lambda: web.views_publish(user_id="U2", view=MODAL)) == "invalid_arguments"


def test_files_upload_v2(emu: SlackEmulator, web: WebClient) -> None:
    channel = web.conversations_open(users="U1")["channel"]["id"]
    result = web.files_upload_v2(
        channel=channel, content=b"\x89PNG data", filename="x.png", initial_comment="Chart"
    )
    assert result["file"]["name"] == "x.png"
    (stored,) = emu.files()
    assert stored["content"] == b"\x89PNG data" and stored["mimetype"] == "image/png"
    assert stored["channels"] == ["DU1"]
    msg = emu.dm_messages("U1")[-1]
    assert msg["text"] == "Chart" and msg["files"][0]["id"] == stored["id"]


def test_response_urls_and_user_messages(emu: SlackEmulator, web: WebClient) -> None:
    posted = web.chat_postMessage(channel="U1", text="Pick one")
    url = emu.new_response_url(user="U1", channel="DU1", message_ts=posted["ts"])
    body = json.dumps({"replace_original": True, "text": "Picked"}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as answer:
        assert answer.status == 200
    assert emu.responses(url)[0]["text"] == "Picked"
    assert emu.dm_messages("U1")[0]["text"] == "Picked"
    event = emu.post_user_message("U1", "My answer")
    assert (event["type"], event["channel_type"], event["channel"]) == ("message", "im", "DU1")
    assert "thread_ts" not in event
    changed = emu.edit_user_message("U1", event["ts"], "Better answer")
    assert changed["subtype"] == "message_changed"
    assert changed["message"]["text"] == "Better answer"
    assert changed["previous_message"]["text"] == "My answer"
    assert emu.messages("DU1")[-1]["text"] == "Better answer"
    assert emu.dm_messages("U1")[-1]["text"] == "Picked"  # bot messages only


def test_in_channel_response_and_invalid_response_url(emu: SlackEmulator) -> None:
    emu.add_channel("C0001", "sales", members=["U1", "U2"])
    url = emu.new_response_url(user="U1", channel="C0001")
    body = json.dumps({"response_type": "in_channel", "text": "Team updated"}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=5).close()
    (posted,) = emu.messages("C0001")
    assert posted["text"] == "Team updated" and posted["user"] == "UBOT"
    assert emu.responses()[0]["ts"] == posted["ts"]
    bad = urllib.request.Request(emu.url + "response/unknown", data=b"{}")
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(bad, timeout=5)
    assert info.value.code == 404


def test_wait_for(emu: SlackEmulator, web: WebClient) -> None:
    timer = threading.Timer(0.1, lambda: web.chat_postMessage(channel="U1", text="Later"))
    timer.start()
    msg = emu.wait_for(lambda: emu.find_message("U1", "Later"), timeout=3)
    assert msg["text"] == "Later"
    with pytest.raises(AssertionError, match="not met"):
        emu.wait_for(lambda: emu.dm_messages("U2"), timeout=0.1)


# fault injection -----------------------------------------------------------------


def test_retry_after_rate_limit_and_server_error(emu: SlackEmulator) -> None:
    retrying = WebClient(
        base_url=emu.api_url,
        token=emu.bot_token,
        retry_handlers=[
            RateLimitErrorRetryHandler(max_retry_count=2),
            ServerErrorRetryHandler(
                max_retry_count=2, interval_calculator=FixedValueRetryIntervalCalculator(0.01)
            ),
        ],
    )
    emu.fail("chat.postMessage", status=429, retry_after=0)
    emu.fail("chat.postMessage", status=500)
    assert retrying.chat_postMessage(channel="U1", text="once")["ok"]
    assert [c["http_status"] for c in emu.calls("chat.postMessage")] == [429, 500, 200]
    assert [m["text"] for m in emu.dm_messages("U1")] == ["once"]


def test_fail_without_retry_handler_and_app_errors(emu: SlackEmulator, web: WebClient) -> None:
    emu.fail("chat.postMessage", status=429, retry_after=7)
    with pytest.raises(SlackApiError) as info:
        web.chat_postMessage(channel="U1", text="x")
    assert info.value.response.status_code == 429
    assert info.value.response.headers["Retry-After"] == "7"
    emu.fail("users.info", status=200, error="fatal_error", times=2)
    assert _error(lambda: web.users_info(user="U1")) == "fatal_error"
    assert _error(lambda: web.users_info(user="U1")) == "fatal_error"
    assert web.users_info(user="U1")["ok"]
    emu.fail("*", status=503)
    emu.reset_faults()
    assert web.auth_test()["ok"]
    assert emu.dm_messages("U1") == []


def test_delay_and_rate_limit(emu: SlackEmulator, web: WebClient) -> None:
    emu.delay("auth.test", 0.3)
    started = time.monotonic()
    web.auth_test()
    assert time.monotonic() - started >= 0.3
    emu.rate_limit("users.info", per_second=2)
    statuses = []
    for _ in range(3):
        try:
            statuses.append(web.users_info(user="U1").status_code)
        except SlackApiError as exc:
            statuses.append(exc.response.status_code)
    assert statuses == [200, 200, 429]


# signed client ------------------------------------------------------------------------


class Receiver:
    """A tiny HTTP server standing in for the bot: records requests, replays answers."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.answers: list[tuple[int, str]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"headers": dict(self.headers), "body": body})
                status, text = receiver.answers.pop(0) if receiver.answers else (200, "")
                payload = text.encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/slack/events"
        serve = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        serve.start()

    def form(self, index: int = -1) -> dict[str, str]:
        return {k: v[-1] for k, v in parse_qs(self.requests[index]["body"].decode()).items()}

    def payload(self, index: int = -1) -> dict[str, Any]:
        return json.loads(self.form(index)["payload"])


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    rec = Receiver()
    yield rec
    rec.server.shutdown()
    rec.server.server_close()


@pytest.fixture
def client(receiver: Receiver, emu: SlackEmulator) -> SlackClient:
    return SlackClient(bot_url=receiver.url, signing_secret=SECRET, emulator=emu)


def _verify(request: dict[str, Any]) -> bool:
    verifier = SignatureVerifier(SECRET)
    return verifier.is_valid_request(request["body"], request["headers"])


def test_command_is_signed_and_well_formed(
    client: SlackClient, receiver: Receiver, web: WebClient
) -> None:
    receiver.answers.append((200, '{"text": "ok"}'))
    response = client.command("/team", "add <@U2|bob>", user="U1", channel="C0001")
    assert response.status == 200 and response.json() == {"text": "ok"}
    assert _verify(receiver.requests[0])
    form = receiver.form()
    assert form["command"] == "/team" and form["text"] == "add <@U2|bob>"
    assert (form["user_id"], form["user_name"], form["team_id"]) == ("U1", "alice", "T0001")
    assert form["channel_id"] == "C0001" and form["is_enterprise_install"] == "false"
    assert form["response_url"] == response.response_url
    assert web.views_open(trigger_id=form["trigger_id"], view=MODAL)["ok"]
    receiver.answers.append((401, ""))
    bad = client.post(b"{}", client.signed_headers(b"other body"))
    assert bad.status == 401
    assert not _verify(receiver.requests[-1])


def test_click_button_in_message_and_view(
    client: SlackClient, receiver: Receiver, emu: SlackEmulator, web: WebClient
) -> None:
    blocks = [
        {"type": "section", "text": {"type": "mrkdwn", "text": "Ready?"}},
        {
            "type": "actions",
            "block_id": "answer",
            "elements": [
                {"type": "button", "action_id": "yes", "value": "y",
                 "text": {"type": "plain_text", "text": "Yes"}},
                {"type": "static_select", "action_id": "level",
                 "options": [{"text": {"type": "plain_text", "text": "High"}, "value": "hi"}]},
            ],
        },
    ]
    web.chat_postMessage(channel="U1", text="Ready?", blocks=blocks)
    msg = emu.find_message("U1", "Ready?")
    response = client.click("U1", msg, "yes")
    payload = receiver.payload()
    assert _verify(receiver.requests[-1])
    assert payload["type"] == "block_actions" and payload["user"]["id"] == "U1"
    assert payload["container"] == {
        "type": "message", "message_ts": msg["ts"], "channel_id": "DU1", "is_ephemeral": False
    }
    assert payload["message"]["ts"] == msg["ts"] and payload["channel"]["id"] == "DU1"
    action = payload["actions"][0]
    assert (action["action_id"], action["block_id"], action["value"]) == ("yes", "answer", "y")
    assert payload["response_url"] == response.response_url and payload["trigger_id"]
    client.click("U1", msg, "level", value="hi")
    assert receiver.payload()["actions"][0]["selected_option"]["value"] == "hi"
    with pytest.raises(AssertionError, match="no element"):
        client.click("U1", msg, "missing")
    web.chat_postEphemeral(channel="DU1", user="U1", text="Only you", blocks=blocks)
    client.click("U1", emu.ephemerals("U1")[-1], "yes")
    payload = receiver.payload()
    assert payload["container"]["is_ephemeral"] is True and "message" not in payload

    home = {"type": "home", "blocks": [{
        "type": "section", "text": {"type": "mrkdwn", "text": "Team"},
        "accessory": {"type": "button", "action_id": "open_team",
                      "text": {"type": "plain_text", "text": "Open"}},
    }]}
    web.views_publish(user_id="U1", view=home)
    client.click("U1", emu.home("U1"), "open_team", value="42")
    payload = receiver.payload()
    assert payload["container"] == {"type": "view", "view_id": emu.home("U1")["id"]}
    assert payload["view"]["type"] == "home" and payload["actions"][0]["value"] == "42"
    assert "response_url" not in payload


FORM_MODAL = {
    "type": "modal",
    "callback_id": "one_on_one",
    "title": {"type": "plain_text", "text": "1:1"},
    "submit": {"type": "plain_text", "text": "Save"},
    "notify_on_close": True,
    "blocks": [
        {"type": "input", "block_id": "note", "label": {"type": "plain_text", "text": "Note"},
         "element": {"type": "plain_text_input", "action_id": "note_in"}},
        {"type": "input", "block_id": "who", "label": {"type": "plain_text", "text": "Who"},
         "element": {"type": "multi_users_select", "action_id": "members"}},
        {"type": "input", "block_id": "boss", "label": {"type": "plain_text", "text": "Boss"},
         "element": {"type": "users_select", "action_id": "boss_in"}},
        {"type": "input", "block_id": "freq", "label": {"type": "plain_text", "text": "Freq"},
         "element": {"type": "static_select", "action_id": "freq_in", "options": [
             {"text": {"type": "plain_text", "text": "Weekly"}, "value": "weekly"}]}},
        {"type": "input", "block_id": "day", "label": {"type": "plain_text", "text": "Day"},
         "element": {"type": "datepicker", "action_id": "day_in"}},
        {"type": "input", "block_id": "extra", "optional": True,
         "label": {"type": "plain_text", "text": "Extra"},
         "element": {"type": "plain_text_input", "action_id": "extra_in"}},
    ],
}
FORM_VALUES = {
    "note_in": "Talk about goals",
    "members": ["U1", "U2"],
    "boss_in": "U2",
    "freq_in": "weekly",
    "day_in": "2024-05-06",
}


def test_submit_builds_state_and_applies_answer(
    client: SlackClient, receiver: Receiver, emu: SlackEmulator, web: WebClient
) -> None:
    web.views_open(trigger_id=emu.new_trigger_id("U1"), view=FORM_MODAL)
    view = emu.open_views("U1")[-1]
    errors = {"response_action": "errors", "errors": {"note": "Too short"}}
    receiver.answers.append((200, json.dumps(errors)))
    response = client.submit("U1", view, FORM_VALUES)
    assert response.json()["errors"] == {"note": "Too short"}
    payload = receiver.payload()
    assert _verify(receiver.requests[-1])
    assert payload["type"] == "view_submission"
    sent = payload["view"]
    assert (sent["id"], sent["hash"], sent["callback_id"]) == (view["id"], view["hash"],
                                                                 "one_on_one")
    values = sent["state"]["values"]
    assert values["note"]["note_in"] == {"type": "plain_text_input", "value": "Talk about goals"}
    assert values["who"]["members"]["selected_users"] == ["U1", "U2"]
    assert values["boss"]["boss_in"]["selected_user"] == "U2"
    assert values["freq"]["freq_in"]["selected_option"]["value"] == "weekly"
    assert values["day"]["day_in"]["selected_date"] == "2024-05-06"
    assert values["extra"]["extra_in"]["value"] is None
    assert len(emu.open_views("U1")) == 1  # errors keep the modal open

    push = {"response_action": "push", "view": MODAL}
    receiver.answers.append((200, json.dumps(push)))
    client.submit("U1", emu.open_views("U1")[-1], {})  # earlier input is kept
    assert [v["callback_id"] for v in emu.open_views("U1")] == ["one_on_one", "add_member"]
    receiver.answers.append((200, ""))
    client.submit("U1", emu.open_views("U1")[-1], {"name_input": "Dan"})
    assert [v["callback_id"] for v in emu.open_views("U1")] == ["one_on_one"]
    update = {"response_action": "update", "view": {**MODAL, "callback_id": "done"}}
    receiver.answers.append((200, json.dumps(update)))
    client.submit("U1", emu.open_views("U1")[-1], {})
    assert [v["callback_id"] for v in emu.open_views("U1")] == ["done"]
    bad_errors = {"response_action": "errors", "errors": {"nope": "x"}}
    receiver.answers.append((200, json.dumps(bad_errors)))
    with pytest.raises(AssertionError, match="would reject"):
        client.submit("U1", emu.open_views("U1")[-1], {"name_input": "Eve"})
    receiver.answers.append((200, json.dumps({"response_action": "clear"})))
    client.submit("U1", emu.open_views("U1")[-1], {})  # keeps "Eve" from the last attempt
    assert emu.open_views("U1") == []


def test_submit_rejects_missing_required_and_unknown_inputs(
    client: SlackClient, emu: SlackEmulator, web: WebClient
) -> None:
    web.views_open(trigger_id=emu.new_trigger_id("U1"), view=FORM_MODAL)
    view = emu.open_views("U1")[-1]
    with pytest.raises(AssertionError, match="required input 'note_in'"):
        client.submit("U1", view, {})
    with pytest.raises(AssertionError, match="no inputs with action_id"):
        client.submit("U1", view, {**FORM_VALUES, "nope": "x"})


def test_close_view_notifies(client: SlackClient, receiver: Receiver, emu: SlackEmulator,
                             web: WebClient) -> None:
    web.views_open(trigger_id=emu.new_trigger_id("U1"), view=FORM_MODAL)
    response = client.close_view("U1", emu.open_views("U1")[-1])
    assert response is not None and receiver.payload()["type"] == "view_closed"
    assert emu.open_views("U1") == []


def test_events_home_and_url_verification(
    client: SlackClient, receiver: Receiver, emu: SlackEmulator
) -> None:
    response = client.message("U1", "hello bot")
    envelope = json.loads(receiver.requests[-1]["body"])
    assert _verify(receiver.requests[-1])
    assert envelope["type"] == "event_callback" and envelope["event_id"] == response.event_id
    assert envelope["authorizations"][0] == {
        "enterprise_id": None, "team_id": "T0001", "user_id": "UBOT", "is_bot": True,
        "is_enterprise_install": False,
    }
    assert envelope["event"]["text"] == "hello bot"
    assert emu.messages("DU1")[-1]["user"] == "U1"
    client.event(envelope["event"], event_id=response.event_id, retry_num=1)
    headers = receiver.requests[-1]["headers"]
    assert headers["X-Slack-Retry-Num"] == "1"
    assert json.loads(receiver.requests[-1]["body"])["event_id"] == response.event_id
    client.open_home("U2")
    event = json.loads(receiver.requests[-1]["body"])["event"]
    assert (event["type"], event["tab"], event["user"]) == ("app_home_opened", "home", "U2")
    receiver.answers.append((200, '{"challenge": "abc"}'))
    assert client.url_verification("abc").json() == {"challenge": "abc"}
    assert json.loads(receiver.requests[-1]["body"])["type"] == "url_verification"
