"""`bot data export|delete` from the command line: exit codes, messages, files."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.lead_down.models import Away
from tests.factories import person
from tests.test_personal_data import DAY, dump, filled  # noqa: F401


def bot(database_url: str, *args: str, cwd=None) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin"), "DATABASE_URL": database_url}
    return subprocess.run([sys.executable, "-m", "bot", "data", *args], env=env, text=True,
                          capture_output=True, timeout=120, cwd=cwd)


def test_cli_export_needs_a_team_when_several_and_writes_a_private_file(
        filled, database_url, tmp_path) -> None:  # noqa: F811
    result = bot(database_url, "export", "--user", "UBOB")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "bot: error: several workspaces in the database: name one with --team T…"]
    result = bot(database_url, "export", "--user", "UBOB", "--team", "T2")
    assert result.returncode == 0, result.stderr
    assert "why-UBOB-T2" in json.loads(result.stdout)["records"]["career_plans"][0]["why"]
    out = tmp_path / "bob.json"
    result = bot(database_url, "export", "--user", "UBOB", "--team", "T1", "--out", str(out))
    assert result.returncode == 0 and result.stdout == ""
    assert json.loads(out.read_text())["user_id"] == "UBOB"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_cli_delete_asks_for_yes_then_deletes(filled, database_url) -> None:  # noqa: F811
    before = dump(filled)
    result = bot(database_url, "delete", "--user", "UBOB", "--team", "T1")
    assert result.returncode == 1
    assert "people: 1" in result.stdout.splitlines()
    assert len(result.stderr.strip().splitlines()) == 1 and "--yes" in result.stderr
    assert dump(filled) == before
    result = bot(database_url, "delete", "--user", "UBOB", "--team", "T1", "--yes")
    assert result.returncode == 0, result.stderr
    with filled.begin() as session:
        assert not session.scalars(select(Away).where(Away.user_id == "UBOB")).all()


@pytest.mark.parametrize("args", [["export", "--user", "bob"], ["delete", "--user", "U1", "--team",
                                                                 "nope"], ["export"]])
def test_cli_bad_ids_are_one_line_and_exit_2(tmp_path, args) -> None:
    result = bot(f"sqlite:///{tmp_path / 'x.db'}", *args)
    assert result.returncode == 2 and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1


def test_cli_with_one_workspace_uses_it(sessions, database_url) -> None:
    with sessions.begin() as session:
        person(session, "UONE", team_id="T9")
        session.add(Away(team_id="T9", user_id="UONE", until=DAY + timedelta(days=1)))
    result = bot(database_url, "export", "--user", "UONE")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["team_id"] == "T9"
