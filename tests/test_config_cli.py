"""Settings, the CLI's answers to bad input, and secrets kept out of logs."""

from __future__ import annotations

import logging
import subprocess
import sys

import pytest

from bot.cli import instant
from bot.core.config import Settings, SettingsError
from bot.core.logs import RedactingFormatter, redact

TOKEN = "xoxb-1234-5678-abcdefSECRET"


def run_bot(*args: str, env: dict[str, str], cwd) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], env={"PATH": "/usr/bin", **env},
                          cwd=cwd, text=True, capture_output=True, timeout=60)


def test_defaults() -> None:
    settings = Settings.from_env({})
    assert settings.database_url == "sqlite:///var/leadwell.db"
    assert settings.slack_api_url == "https://slack.com/api/"
    assert (settings.port, settings.default_timezone, settings.log_level) == (3000, "UTC", "INFO")
    assert settings.workers > 5  # above Bolt's default listener pool
    assert settings.web_concurrency == 1  # one server process unless asked
    assert settings.follow_up_process  # with its follow-up process


@pytest.mark.parametrize(("raw", "on"), [("0", False), ("off", False), ("1", True),
                                         (" True ", True), ("", True)])
def test_follow_up_process_is_a_switch(raw: str, on: bool) -> None:
    assert Settings.from_env({"FOLLOW_UP_PROCESS": raw}).follow_up_process is on


def test_postgres_urls_use_psycopg3_and_api_url_gets_its_slash() -> None:
    settings = Settings.from_env({"DATABASE_URL": "postgres://u@h/db",
                                  "SLACK_API_URL": "http://127.0.0.1:9/api"})
    assert settings.database_url == "postgresql+psycopg://u@h/db"
    assert settings.slack_api_url == "http://127.0.0.1:9/api/"


@pytest.mark.parametrize(
    ("env", "message"),
    [({"PORT": "80a"}, "PORT"), ({"DEFAULT_TIMEZONE": "Mars/Base"}, "IANA"),
     ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL"), ({"SLACK_API_URL": "slack.com"}, "http"),
     ({"WEB_CONCURRENCY": "0"}, "WEB_CONCURRENCY"),
     ({"WEB_CONCURRENCY": "two"}, "WEB_CONCURRENCY"),
     ({"FOLLOW_UP_PROCESS": "maybe"}, "FOLLOW_UP_PROCESS")],
)
def test_malformed_settings_are_named(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_env(env)


def test_secrets_never_show_in_repr() -> None:
    settings = Settings.from_env({"SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": "s3cr3t-value"})
    assert TOKEN not in repr(settings) and "s3cr3t-value" not in repr(settings)


def test_redacting_formatter_masks_tokens_and_configured_secrets() -> None:
    formatter = RedactingFormatter("%(message)s", ["s3cr3t-value"])
    record = logging.LogRecord("x", logging.INFO, "f", 1, "auth %s and %s", (TOKEN, "s3cr3t-value"),
                               None)
    line = formatter.format(record)
    assert "SECRET" not in line and "s3cr3t-value" not in line and "xoxb-***" in line
    assert redact("xapp-1-A0-123-abc") == "xapp-***"


@pytest.mark.parametrize(
    ("args", "env", "missing"),
    [
        (["serve"], {}, "SLACK_BOT_TOKEN"),
        (["serve"], {"SLACK_BOT_TOKEN": TOKEN}, "SLACK_SIGNING_SECRET"),
        (["socket"], {"SLACK_BOT_TOKEN": TOKEN}, "SLACK_APP_TOKEN"),
        (["tick", "--at", "2026-11-30T09:00:00Z"], {}, "SLACK_BOT_TOKEN"),
    ],
)
def test_missing_variable_exits_2_with_one_line(args, env, missing, tmp_path) -> None:
    result = run_bot(*args, env=env, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and missing in lines[0] and "manifest.yml" in lines[0]
    assert TOKEN not in result.stderr + result.stdout
    assert not (tmp_path / "var").exists()  # nothing was started or created


@pytest.mark.parametrize("args", [["tick", "--at", "next monday"], ["tick"], ["frobnicate"]])
def test_bad_cli_input_is_one_line_and_exit_2(args, tmp_path) -> None:
    result = run_bot(*args, env={"SLACK_BOT_TOKEN": TOKEN}, cwd=tmp_path)
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1


def test_db_upgrade_creates_the_sqlite_file_under_var(tmp_path) -> None:
    result = run_bot("db", "upgrade", env={}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "var" / "leadwell.db").exists()
    assert "up to date" in run_bot("db", "current", env={}, cwd=tmp_path).stdout


def test_instants_without_offset_are_utc() -> None:
    assert instant("2026-03-29T01:30").utcoffset().total_seconds() == 0
    assert instant("2026-03-29T03:30+02:00").hour == 3


def test_socket_mode_connects_through_the_gateway(tmp_path, emu) -> None:
    """`bot socket` asks SLACK_API_URL for a WebSocket URL with the app token (the emulator
    has no Socket Mode, so it refuses, and the CLI says so in one line)."""
    env = {"SLACK_BOT_TOKEN": emu.bot_token, "SLACK_APP_TOKEN": "xapp-1-A0001-1-abcdef",
           "SLACK_API_URL": emu.api_url}
    result = run_bot("socket", "--no-scheduler", env=env, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].endswith("to apps.connections.open")
    assert "xapp-1-A0001-1-abcdef" not in result.stderr
    assert [c["method"] for c in emu.calls()] == ["apps.connections.open"]
