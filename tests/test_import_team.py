"""`bot import-team`: valid rows land; each bad row is reported with its line, changing nothing."""

from __future__ import annotations

import pytest

from bot import runtime
from bot.core.config import Settings
from bot.org import service
from bot.org.importer import ImportFileError, import_team_csv
from tests.factories import T0

CSV = """manager,report
UANN,UBOB
ann@x.io,cat@x.io
UANN,UBOB
nobody@x.io,UDAN
UBOB,UBOB
UANN,UROBO
UCAT,UANN
UANN
not an id,UDAN
UDAN,UNOBODY
"""


def run_import(tmp_path, sessions, web, text: str):
    path = tmp_path / "team.csv"
    path.write_text(text)
    return import_team_csv(str(path), sessions=sessions, client=web, now=T0, default_tz="UTC")


def test_good_rows_land_and_bad_rows_are_reported(tmp_path, sessions, web) -> None:
    report = run_import(tmp_path, sessions, web, CSV)
    assert (report.imported, report.unchanged) == (2, 1)
    expected = {
        5: "no Slack user has the email nobody@x.io",
        6: "own manager",
        7: "is a bot",
        8: "loop",
        9: "two columns",
        10: "neither a Slack user id nor an email",
        11: "couldn't find UNOBODY",
    }
    assert len(report.rejected) == len(expected)
    for line, (number, reason) in zip(report.rejected, expected.items(), strict=True):
        assert line.startswith(f"line {number}: ") and reason in line, line
    with sessions.begin() as s:
        assert service.report_ids_of(s, "T1", "UANN") == ["UBOB", "UCAT"]
        assert service.manager_of(s, "T1", "UDAN") is None


@pytest.mark.parametrize(
    "text", ["boss,rep\nUANN,UBOB\n", "", "manager,report,team\nUANN,UBOB,x\n"]
)
def test_unreadable_file_changes_nothing(tmp_path, sessions, web, text: str) -> None:
    with pytest.raises(ImportFileError):
        run_import(tmp_path, sessions, web, text)


def test_cli_exit_status(tmp_path, emu, capsys, database_url) -> None:
    settings = Settings.from_env({"SLACK_BOT_TOKEN": emu.bot_token, "SLACK_API_URL": emu.api_url,
                                  "DATABASE_URL": database_url})
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text("manager,report\nUANN,UBOB\n")
    bad.write_text("manager,report\nUANN,UANN\n")
    assert runtime.import_team(settings, str(good)) == 0
    assert "imported 1 reporting lines" in capsys.readouterr().out
    assert runtime.import_team(settings, str(bad)) == 1
    assert "line 2:" in capsys.readouterr().err
    assert runtime.import_team(settings, str(tmp_path / "missing.csv")) == 2


def test_slack_errors_reject_the_row_not_the_run(tmp_path, sessions, emu, web) -> None:
    emu.fail("users.lookupByEmail", status=200, error="missing_scope", times=1)
    report = run_import(tmp_path, sessions, web, "manager,report\nann@x.io,UBOB\nUANN,UCAT\n")
    assert report.rejected == ["line 2: Slack answered missing_scope"]
    assert report.imported == 1
