"""Hostile requests against a running `bot serve`: random slash-command text, view submissions
of any shape, malformed payloads, unknown ids, CRM bodies. Never a 5xx, never a traceback in the
log, and a refused request writes nothing (limits: tests/test_e2e_limits.py)."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.core.db import Base, import_models, make_engine
from bot.lead_down import ids as down
from bot.lead_up import ids as up
from bot.lead_yourself import ids as career
from bot.org import ids as org_ids
from bot.testing import SlackClient
from tests.e2e import Live, live  # noqa: F401
from tests.test_fuzz import hostile, json_values

pytestmark = pytest.mark.e2e
USERS = ("UANN", "UBOB", "UCAT", "UBOSS", "UADMIN", "UDAN", "UROBO")
COMMANDS = ("/team", "/careerplan", "/devplan", "/salesreport", "/debrief")
PRACTICES = (org_ids, career, down, up)
LIVE = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
# Tables a read may touch (people are refreshed from Slack; events are recorded once).
VOLATILE = {"people", "workspaces", "processed_events"}
SLOTS = [f(field, n) for f in (down.slot_block, up.slot_block) for n in (0, 1)
         for field in ("skill", "now", "aim", "what", "kind", "by", "status", "note", "goal",
                       "boss", "mine", "owner", "due", "department", "contact")]
BLOCKS = sorted({*SLOTS, *(str(b) for p in PRACTICES for b in p.BlockId),
                 career.aspiration_block(1), career.action_block("what", 1, 0),
                 career.action_block("due", 1, 0), up.metric_block(0)})
ACTIONS = sorted({str(a) for p in PRACTICES for a in p.Action})
CALLBACKS = sorted({str(c) for p in PRACTICES for c in p.Callback} | {"no_such_callback"})
METADATA = ["", "1", "-1", "99999999999999999999", "{}", "[]", "null", "x", '{"ids": "x"}',
            '{"ids": {"1": ["a", 2]}}', '{"report": 5}', '{"actions": [1, "a", null]}',
            '{"metrics": [1, {}]}', '{"debrief": "x", "actions": {}}', '{"report": "UBOB"}']


@pytest.fixture
def org(live: Live, tmp_path: Path) -> Iterator[Live]:  # noqa: F811
    """Boss manages Ann, Ann manages Bob and Cat; everyone has been seen once."""
    assert "Done" in live.reply("UADMIN", "/team", "set <@UBOSS> <@UANN>")
    assert "Done" in live.reply("UADMIN", "/team", "set <@UANN> <@UBOB> <@UCAT>")
    for user in USERS:
        live.reply(user, "/team", "help")
    yield live
    log = live.bot.log()
    (tmp_path / "bot.log").write_text(log)
    failures = [line for line in log.splitlines()
                if " ERROR " in line or "Error" in line or 'File "' in line]
    assert "Traceback" not in log and "listener failed" not in log, (
        f"{tmp_path / 'bot.log'}:\n" + "\n".join(failures[:60]))


def counts(org: Live) -> dict[str, int]:
    """Rows per table (the tables a read may touch left out)."""
    import_models()
    engine = make_engine(org.bot.env["DATABASE_URL"], poolclass=None)
    try:
        with engine.connect() as connection:
            return {t.name: connection.scalar(select(func.count()).select_from(t))
                    for t in Base.metadata.sorted_tables if t.name not in VOLATILE}
    finally:
        engine.dispose()


def settle(org: Live, quiet: float = 0.6, timeout: float = 20) -> None:
    """Wait until the bot has stopped calling Slack (its listeners have finished)."""
    deadline, seen, since = time.monotonic() + timeout, -1, time.monotonic()
    while time.monotonic() < deadline:
        now = len(org.emu.calls()) + len(org.emu.responses())
        if now != seen:
            seen, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return
        time.sleep(0.1)


def refused(response: Any) -> bool:
    """Whether the bot kept a modal open with errors."""
    try:
        answer = response.json()
    except ValueError:
        return False
    return isinstance(answer, dict) and answer.get("response_action") == "errors"


def initial_state(view: dict[str, Any]) -> dict[str, Any]:
    """The state Slack would submit for a modal nobody typed in."""
    state: dict[str, Any] = {}
    for block in view.get("blocks") or []:
        element = block.get("element") or {}
        kind, entry = element.get("type"), {"type": element.get("type")}
        if block.get("type") != "input":
            continue
        if kind == "plain_text_input":
            entry["value"] = element.get("initial_value")
        elif kind == "datepicker":
            entry["selected_date"] = element.get("initial_date")
        elif kind == "static_select":
            entry["selected_option"] = element.get("initial_option")
        state[block["block_id"]] = {element.get("action_id"): entry}
    return state


def submission(org: Live, user: str, view: dict[str, Any]) -> Any:
    payload = org.slack._interaction("view_submission", user)
    payload.update(trigger_id=org.emu.new_trigger_id(user), view=view, response_urls=[])
    return org.slack._send_payload(payload)


entries = st.one_of(
    hostile.map(lambda t: {"type": "plain_text_input", "value": t}),
    st.text(min_size=3001, max_size=3100).map(lambda t: {"type": "plain_text_input", "value": t}),
    hostile.map(lambda t: {"type": "datepicker", "selected_date": t}),
    st.sampled_from(["2026-12-24", "2031-01-01", "1999-01-01"]).map(
        lambda d: {"type": "datepicker", "selected_date": d}),
    hostile.map(lambda t: {"type": "static_select", "selected_option": {"value": t}}),
    st.lists(st.sampled_from(USERS) | hostile, max_size=3).map(
        lambda u: {"type": "multi_users_select", "selected_users": u}),
    (st.sampled_from(USERS) | hostile).map(lambda u: {"type": "users_select",
                                                       "selected_user": u}),
    json_values)
states = st.dictionaries(st.sampled_from(BLOCKS) | hostile,
                         st.dictionaries(st.sampled_from(ACTIONS) | hostile, entries, max_size=2)
                         | json_values, max_size=8)


def test_random_slash_command_text(org: Live) -> None:
    before = counts(org)

    @LIVE
    @given(st.sampled_from(COMMANDS), st.sampled_from(USERS),
           st.lists(hostile, max_size=4).map(" ".join))
    def run(command: str, user: str, text: str) -> None:
        assume(text.strip())  # a bare command is valid input (it may open this month's debrief)
        response = org.slack.command(command, text, user=user)
        assert response.status < 500, (command, text, response.status)

    run()
    settle(org)
    assert counts(org) == before


def test_random_view_submissions(org: Live) -> None:
    real = []
    for user, command, text in (("UANN", "/careerplan", ""), ("UANN", "/devplan", "<@UBOB>"),
                                ("UANN", "/salesreport", ""), ("UANN", "/salesreport", "settings"),
                                ("UANN", "/debrief", "plan"), ("UANN", "/debrief", "talk"),
                                ("UADMIN", "/debrief", "departments")):
        org.slack.command(command, text, user=user)
        real.append((user, org.emu.wait_for(lambda u=user: org.emu.open_views(u), 15)[-1]))
    synthetic = st.builds(lambda cb, meta: {"id": "V" + uuid.uuid4().hex[:8].upper(),
                                            "type": "modal", "callback_id": cb,
                                            "private_metadata": meta, "blocks": []},
                          st.sampled_from(CALLBACKS), st.sampled_from(METADATA) | hostile)

    @LIVE
    @given(st.one_of(st.sampled_from(real), st.tuples(st.sampled_from(USERS), synthetic)),
           states, st.booleans())
    def run(target: tuple[str, dict[str, Any]], values: dict[str, Any], keep: bool) -> None:
        user, view = target
        before = counts(org)
        state = {**((view.get("state") or {}).get("values") or {}), **values} if keep else values
        response = submission(org, user, {**view, "state": {"values": state}})
        assert response.status < 500, (view.get("callback_id"), values, response.text)
        if refused(response):
            assert counts(org) == before, (view.get("callback_id"), values)

    run()
    settle(org)


def test_malformed_payloads_and_unknown_ids(org: Live) -> None:
    before = counts(org)
    bodies = [b"payload=not-json", b"payload=%5B%5D", b"payload=%7B%7D", b"payload=null",
              b"payload=%7B%22type%22%3A%22block_actions%22%7D", b"command=%2Fteam",
              b"\xff\xfe\x00", b"{", b"[]", b'{"type": "event_callback"}',
              b'{"type": "event_callback", "event": "x", "event_id": 5}',
              b'{"type": "url_verification"}', b"a=" + b"%" * 100]
    for body in bodies:
        for content_type in ("application/x-www-form-urlencoded", "application/json"):
            response = org.slack.post(body, {"Content-Type": content_type,
                                             **org.slack.signed_headers(body)})
            assert response.status < 500, (body, response.status)
    message = org.emu.post_user_message("UBOB", "hello")
    for event in ({"type": "message", "channel_type": "im"}, {**message, "user": ["x"]},
                  {"type": "message", "subtype": "message_changed", "channel": "DUBOB",
                   "message": "x"}, {"type": "user_change", "user": "UBOB"},
                  {"type": "app_home_opened", "user": "UGHOST", "tab": "home"},
                  {"type": "app_home_opened", "user": "UANN", "tab": ["home"]}):
        assert org.slack.event(event).status < 500, event

    @LIVE
    @given(st.sampled_from([*ACTIONS, "no_such_action"]), st.sampled_from(USERS),
           st.sampled_from(["", "1", "0", "-5", "abc", "1.5", "{}", "99999999999999999999"])
           | hostile, st.booleans())
    def click(action_id: str, user: str, value: str, from_view: bool) -> None:
        payload = org.slack._interaction("block_actions", user)
        payload.update(trigger_id=org.emu.new_trigger_id(user), state={"values": {}},
                       actions=[{"action_id": action_id, "block_id": "b", "type": "button",
                                 "value": value, "action_ts": "1.0"}])
        if from_view:
            payload["container"] = {"type": "view", "view_id": "V1"}
            payload["view"] = {"id": "V1", "type": "home", "private_metadata": value,
                               "state": {"values": {}}, "hash": "h"}
        else:
            channel = org.emu.im_channel(user)
            payload["container"] = {"type": "message", "channel_id": channel,
                                    "message_ts": "1.0"}
            payload["channel"] = {"id": channel}
            payload["message"] = {"type": "message", "ts": "1.0", "text": "", "blocks": []}
            payload["response_url"] = org.emu.new_response_url(user=user, channel=channel)
        response = org.slack._send_payload(payload)
        assert response.status < 500, (action_id, value, response.status)

    click()
    settle(org)
    assert counts(org) == before


def test_random_crm_bodies(org: Live) -> None:
    """POST /api/metrics: any body is stored, rejected row by row (422) or refused (400)."""
    token = org.bot.cli("api-token").stdout.strip()
    api = SlackClient(org.bot.url + "/api/metrics", "", org.emu)
    reports = st.fixed_dictionaries(
        {"manager": st.sampled_from([*USERS, "ann@example.com"]) | hostile,
         "period": st.sampled_from(["2026-10", "2026-W40"]) | hostile,
         "sales": json_values, "target": json_values, "pipeline": json_values},
        optional={"metrics": json_values, "x": json_values})
    bodies = st.one_of(st.binary(max_size=200), json_values.map(json.dumps).map(str.encode),
                       st.lists(reports, max_size=3).map(
                           lambda items: json.dumps({"reports": items}).encode()))

    @LIVE
    @given(bodies)
    def run(body: bytes) -> None:
        before = counts(org)
        response = api.post(body, {"Content-Type": "application/json",
                                   "Authorization": f"Bearer {token}"})
        assert response.status in (200, 400, 422), (body, response.status, response.text)
        if response.status == 400:
            assert counts(org) == before

    run()
