"""Tokens and the signing secret never appear in logs, HTTP answers, CLI output, exports or the
database: a full run at LOG_LEVEL=DEBUG is captured and searched."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.core.db import Base, import_models, make_engine
from bot.core.logs import redact
from bot.testing import SlackClient, SlackEmulator
from bot.testing.blocks import block_texts
from bot.testing.process import BotProcess
from tests.e2e import PEOPLE

pytestmark = pytest.mark.e2e


def database_text(url: str) -> str:
    """Every value of every row, as one string."""
    import_models()
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return "\n".join(repr(tuple(row)) for table in Base.metadata.sorted_tables
                             for row in connection.execute(select(table)))
    finally:
        engine.dispose()


def test_a_full_run_leaks_no_secret(database_url: str) -> None:
    bot_token = f"xoxb-{secrets.randbelow(10**12)}-{secrets.token_hex(16)}"
    signing_secret = secrets.token_hex(16)
    app_token = f"xapp-1-A0001-{secrets.randbelow(10**12)}-{secrets.token_hex(16)}"
    answers: list[str] = []
    with SlackEmulator(team_id="T0001", bot_token=bot_token) as emu:
        for user_id, (name, tz, extra) in PEOPLE.items():
            emu.add_user(user_id, name, tz=tz, email=f"{name}@example.com", **extra)
        env = {"LOG_LEVEL": "DEBUG", "SLACK_APP_TOKEN": app_token}
        with BotProcess(emulator=emu, database_url=database_url,
                        signing_secret=signing_secret, env=env) as bot:
            slack = SlackClient(bot.events_url, signing_secret, emu)

            def run(user: str, command: str, text: str = "") -> None:
                response = slack.command(command, text, user=user)
                answers.append(f"{response.headers} {response.text}")

            run("UADMIN", "/team", "set <@UANN> <@UBOB> <@UCAT>")
            run("UADMIN", "/team", "set <@UBOSS> <@UANN>")
            run("UANN", "/team")
            run("UANN", "/careerplan")
            plan = emu.wait_for(lambda: emu.open_views("UANN"), 15)[-1]
            answers.append(slack.submit("UANN", plan, {"career.aspiration.1": "Lead a region",
                                                       "career.what.1.0": "Run the QBR",
                                                       "career.due.1.0": "2031-01-15"}).text)
            run("UBOB", "/salesreport", "history <@UANN>")
            run("UANN", "/devplan", "<@nobody>")
            answers.append(slack.message("UBOB", "more time with customers").text)
            answers.append(slack.open_home("UANN").text)
            emu.fail("chat.postMessage", status=500, times=2)
            run("UANN", "/careerplan", "share")
            issued = bot.cli("api-token")
            api_token = issued.stdout.strip()
            assert api_token.startswith("lw_") and api_token not in issued.stderr
            api = SlackClient(bot.url + "/api/metrics", "", emu)
            for token in (api_token, api_token + "x"):
                response = api.post(json.dumps({"manager": "UANN", "period": "2026-11",
                                                "sales": 1, "target": 2, "pipeline": 3}).encode(),
                                    {"Content-Type": "application/json",
                                     "Authorization": f"Bearer {token}"})
                answers.append(f"{response.status} {response.headers} {response.text}")
            tick = bot.cli("tick", "--at", (datetime.now(UTC) + timedelta(days=2)).isoformat())
            export = bot.cli("data", "export", "--user", "UANN")
            assert export.returncode == 0, export.stderr
            deliveries = bot.cli("deliveries")
            emu.wait_for(lambda: emu.responses(), 15)
        log = bot.log()
        slack_saw = json.dumps(emu.calls()) + json.dumps(emu.responses())
    outputs = {"bot serve log": log, "HTTP answers": "\n".join(answers),
               "bot tick": tick.stdout + tick.stderr, "bot data export": export.stdout
               + export.stderr, "bot deliveries": deliveries.stdout + deliveries.stderr,
               "database": database_text(database_url),
               "messages to Slack": "\n".join(block_texts(m.get("blocks") or [])
                                              for m in emu.dm_messages("UANN"))}
    assert "DEBUG" in log and "POST /slack/events command -> 200" in log  # it really ran
    assert "api metrics for T0001: 1 stored" in log and tick.returncode == 0
    assert json.loads(export.stdout)["records"]["career_plans"][0]["aspiration_1"] == \
        "Lead a region"
    secret_parts = {"bot token": bot_token.split("-", 2)[-1], "signing secret": signing_secret,
                    "app token": app_token.rsplit("-", 1)[-1],
                    "API token": api_token.removeprefix("lw_")}
    for where, text in outputs.items():
        for name, secret in secret_parts.items():
            assert secret not in text, f"the {name} appears in the {where}"
    assert bot_token not in slack_saw.replace(f'"token": "{bot_token}"', "")  # only as the token


def test_logs_mask_api_tokens_and_bearer_headers() -> None:
    line = redact("auth: Bearer lw_abcDEF123_-xyz9 then lw_Zz09_-abcdefgh and xoxp-1-2-abc")
    assert line == "auth: Bearer *** then lw_*** and xoxp-***"
