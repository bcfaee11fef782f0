"""Limits against the running app: every modal text input one character over its max_length,
oversized bodies and commands. Each gets a clean refusal and writes nothing."""

from __future__ import annotations

import json

import pytest

from bot.app import MAX_BODY_BYTES
from bot.core.limits import MAX_COMMAND_TEXT
from bot.lead_down import ids as down
from bot.lead_up import ids as up
from bot.lead_yourself import ids as career
from bot.testing import SlackClient
from tests.e2e import Live, live  # noqa: F401
from tests.test_fuzz_live import counts, initial_state, org, refused, settle, submission  # noqa: F401

pytestmark = pytest.mark.e2e


def test_overlong_inputs_get_an_inline_error_and_write_nothing(org: Live) -> None:  # noqa: F811
    """Every text input of every modal the commands open, one character over its max_length."""
    opened = 0
    for user, command, text in (("UANN", "/careerplan", ""), ("UANN", "/devplan", "<@UBOB>"),
                                ("UANN", "/salesreport", ""), ("UANN", "/salesreport", "settings"),
                                ("UANN", "/debrief", "plan"), ("UANN", "/debrief", "talk"),
                                ("UADMIN", "/debrief", "departments")):
        org.slack.command(command, text, user=user)
        view = org.emu.wait_for(lambda u=user: org.emu.open_views(u), 15)[-1]
        for block in view["blocks"]:
            element = block.get("element") or {}
            if element.get("type") != "plain_text_input":
                continue
            before = counts(org)
            state = initial_state(view)
            state[block["block_id"]][element["action_id"]]["value"] = \
                "x" * (element["max_length"] + 1)
            response = submission(org, user, {**view, "state": {"values": state}})
            assert refused(response), (command, block["block_id"], response.text)
            assert "characters" in response.json()["errors"][block["block_id"]]
            assert counts(org) == before
            opened += 1
        org.emu.dismiss_view(user, view["id"])
    assert opened >= 20
    texts = ((down.Callback.ANSWER, down.BlockId.TEXT, down.Action.TEXT, 3000),
             (down.Callback.COMMIT, down.BlockId.TEXT, down.Action.TEXT, 500),
             (down.Callback.COMMENT, down.BlockId.TEXT, down.Action.TEXT, 2000),
             (career.Callback.REPLY, career.BlockId.TEXT, career.Action.TEXT, 2000),
             (career.Callback.FEEDBACK, career.BlockId.TEXT, career.Action.TEXT, 2000),
             (up.Callback.SUGGESTION, up.BlockId.SUGGESTION, up.Action.TEXT, 2000))
    for callback, block_id, action_id, limit in texts:  # modals opened by buttons
        view = {"id": "V1", "type": "modal", "callback_id": callback, "private_metadata": "1",
                "state": {"values": {block_id: {action_id: {"type": "plain_text_input",
                                                            "value": "y" * (limit + 1)}}}}}
        response = submission(org, "UANN", view)
        assert refused(response) and block_id in response.json()["errors"], callback


def test_oversized_bodies_and_commands_are_refused(org: Live) -> None:  # noqa: F811
    before = counts(org)
    body = b"payload=" + b"x" * MAX_BODY_BYTES
    response = org.slack.post(body, {"Content-Type": "application/x-www-form-urlencoded",
                                     **org.slack.signed_headers(body)})
    assert response.status == 413
    event = json.dumps({"type": "event_callback", "event_id": "EvBIG", "team_id": "T0001",
                        "event": {"type": "message", "text": "x" * MAX_BODY_BYTES}}).encode()
    response = org.slack.post(event, {"Content-Type": "application/json",
                                      **org.slack.signed_headers(event)})
    assert response.status == 413
    token = org.bot.cli("api-token").stdout.strip()
    api = SlackClient(org.bot.url + "/api/metrics", "", org.emu)
    response = api.post(b"{" + b" " * MAX_BODY_BYTES + b"}", {
        "Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    assert (response.status, response.json()["error"]) == (413, "request_too_large")
    answer = org.slack.command("/team", "add " + "<@UBOB> " * MAX_COMMAND_TEXT, user="UANN")
    assert answer.status == 200 and "too long" in answer.json()["text"]
    settle(org)
    after = counts(org)
    after.pop("api_tokens"), before.pop("api_tokens")
    assert after == before
