"""`bot import-metrics` and the record it shares with `POST /api/metrics`: good rows are stored
unsent (source csv); each bad row is reported with its line and stores nothing."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from bot import runtime
from bot.core.config import Settings
from bot.lead_up import reports
from bot.lead_up.api import BadRequest, parse_body
from bot.lead_up.importer import ImportFileError, import_metrics_csv
from bot.lead_up.models import MetricReport
from bot.org.models import Person
from tests.factories import T0, person

CSV = """manager,period,sales,target,pipeline,Win rate
UANN,2026-11,"12,500",15000,90000,31%
bob@x.io,2026-w48,1200,1000,5000,
UANN,2026-11,1,1,1,
nobody@x.io,2026-11,1,1,1,
UNOBODY,2026-11,1,1,1,
UBOB,2026-11,1,1,1,
UCAT,2026-13,1,1,1,
UCAT,2026-11,abc,1,1,
UCAT,2026-09,1,1,,
UBOB,2026-W47,1,1,1,50
UCAT,2026-10,1,1,1,
UROBO,2026-11,1,1,1,
UDAN,2026-11,1,1

UDAN,2026-11,900,1000,4000,
"""
EXPECTED = {
    4: "UANN 2026-11 is a duplicate of line 2",
    5: "no Slack user has the email nobody@x.io",
    6: "couldn't find UNOBODY",
    7: "UBOB reports weekly: use a period like 2026-W49, not 2026-11",
    8: "2026-13 is not a period",
    9: "sales: abc is not a number",
    10: "pipeline: Enter the pipeline",
    11: "Win rate is not one of UBOB's metrics (they track: none)",
    12: "already sent to UBOSS: correct it in Slack with /salesreport",
    13: "UROBO is a bot or deactivated",
    14: "expected 6 columns like the header, found 4",
}


@pytest.fixture
def org(sessions) -> None:
    """Ann reports monthly with a win rate, Bob weekly; Cat's October report went to her boss."""
    with sessions.begin() as s:
        for user_id in ("UANN", "UBOB", "UCAT"):
            person(s, user_id)
        reports.save_settings(s, "T1", "UANN", cadence="monthly",
                              metrics=[reports.Metric("Win rate", "%")], reminder_hour=9,
                              debrief_hour=9)
        reports.save_settings(s, "T1", "UBOB", cadence="weekly", metrics=[], reminder_hour=9,
                              debrief_hour=9)
        sent = reports.store(s, "T1", "UCAT", reports.Figures("2026-10", 700.0, 1000.0, 3000.0),
                             T0, source="slack")
        sent.boss_id, sent.submitted_at = "UBOSS", T0


def run_import(tmp_path, sessions, web, text: str):
    path = tmp_path / "metrics.csv"
    path.write_text(text)
    return import_metrics_csv(str(path), sessions=sessions, client=web, now=T0, default_tz="UTC")


def stored(sessions) -> dict[tuple[str, str], MetricReport]:
    with sessions() as s:
        return {(r.manager_id, r.period): r for r in s.scalars(select(MetricReport))}


def test_good_rows_are_stored_unsent_and_bad_rows_reported(tmp_path, sessions, web, org) -> None:
    outcome = run_import(tmp_path, sessions, web, CSV)
    assert outcome.stored == 3
    lines = outcome.lines()
    assert len(lines) == len(EXPECTED), lines
    for line, (number, reason) in zip(lines, EXPECTED.items(), strict=True):
        assert line.startswith(f"line {number}: ") and reason in line, line
    assert outcome.summary() == "stored 3 reports, 11 rows rejected"
    rows = stored(sessions)
    assert set(rows) == {("UANN", "2026-11"), ("UBOB", "2026-W48"), ("UCAT", "2026-10"),
                         ("UDAN", "2026-11")}
    ann = rows["UANN", "2026-11"]
    assert (ann.sales, ann.target, ann.pipeline) == (12500, 15000, 90000)
    assert json.loads(ann.metrics) == {"Win rate": 31}
    assert (ann.source, ann.submitted_at, ann.boss_id) == ("csv", None, None)
    assert rows["UBOB", "2026-W48"].sales == 1200 and rows["UDAN", "2026-11"].sales == 900
    cat = rows["UCAT", "2026-10"]
    assert (cat.sales, cat.source) == (700, "slack")  # the sent report is untouched
    with sessions() as s:  # a rejected row leaves no trace, not even the person
        assert s.get(Person, ("T1", "UNOBODY")) is None
        assert s.get(Person, ("T1", "UDAN")) is not None


def test_a_second_import_updates_an_unsent_report(tmp_path, sessions, web, org) -> None:
    run_import(tmp_path, sessions, web, "manager,period,sales,target,pipeline\n"
                                        "UANN,2026-11,100,200,300\n")
    with sessions.begin() as s:
        reports.report_for(s, "T1", "UANN", "2026-11").explanation = "A slow month."
    outcome = run_import(tmp_path, sessions, web, "Manager,Period,Sales,Target,Pipeline\n"
                                                  "ann@x.io,2026-11,$150,200,300\n")
    assert (outcome.stored, outcome.rejected) == (1, [])
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(MetricReport)) == 2
        report = reports.report_for(s, "T1", "UANN", "2026-11")
        assert (report.sales, report.explanation) == (150, "A slow month.")


@pytest.mark.parametrize("text", [
    "",
    "manager,period,sales,target\nUANN,2026-11,1,1\n",
    "manager,sales,period,target,pipeline\nUANN,1,2026-11,1,1\n",
    "manager,period,sales,target,pipeline,Win rate,win rate\n",
    "manager,period,sales,target,pipeline,Sales\n",
    "manager,period,sales,target,pipeline,,Win rate\n",
])
def test_a_wrong_header_stores_nothing(tmp_path, sessions, web, text: str) -> None:
    with pytest.raises(ImportFileError, match="manager,period,sales,target,pipeline"):
        run_import(tmp_path, sessions, web, text)
    assert stored(sessions) == {}


def test_slack_errors_reject_the_row_not_the_run(tmp_path, sessions, emu, web) -> None:
    emu.fail("users.lookupByEmail", status=200, error="missing_scope", times=1)
    outcome = run_import(tmp_path, sessions, web, "manager,period,sales,target,pipeline\n"
                                                  "ann@x.io,2026-11,1,1,1\nUCAT,2026-11,1,1,1\n")
    assert outcome.lines() == ["line 2: Slack answered missing_scope"]
    assert set(stored(sessions)) == {("UCAT", "2026-11")}


def test_cli_exit_status(tmp_path, emu, capsys, database_url) -> None:
    settings = Settings.from_env({"SLACK_BOT_TOKEN": emu.bot_token, "SLACK_API_URL": emu.api_url,
                                  "DATABASE_URL": database_url})
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text("manager,period,sales,target,pipeline\nUANN,2026-11,1,2,3\n")
    bad.write_text("manager,period,sales,target,pipeline\nUANN,2026-11,x,2,3\n")
    assert runtime.import_metrics(settings, str(good)) == 0
    assert capsys.readouterr().out == "stored 1 reports, 0 rows rejected\n"
    assert runtime.import_metrics(settings, str(bad)) == 1
    output = capsys.readouterr()
    assert output.err.startswith("line 2: sales: x is not a number")
    assert output.out == "stored 0 reports, 1 rows rejected\n"
    assert runtime.import_metrics(settings, str(tmp_path / "missing.csv")) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


# the API's body, read into the same records ------------------------------------------------


def test_api_items_become_records() -> None:
    one = parse_body(b'{"manager": "ann@x.io", "period": "2026-11", "sales": 1200, '
                     b'"target": "1,500", "pipeline": 9000.5, "metrics": {"Win rate": 31}}')
    assert len(one) == 1 and not one[0].problem
    assert (one[0].manager, one[0].period, one[0].key) == ("ann@x.io", "2026-11", 0)
    assert one[0].raw == {"sales": "1200", "target": "1,500", "pipeline": "9000.5",
                          "Win rate": "31"}
    many = parse_body(json.dumps({"reports": [
        {"manager": "UANN", "period": "2026-11", "sales": True},
        {"manager": 7, "period": "2026-11"},
        {"manager": "UANN", "period": "2026-11", "sale": 1},
        {"manager": "UANN", "period": "2026-11", "metrics": {"sales": 1}},
        {"manager": "UANN", "period": "2026-11", "sales": 1e20},
        {"manager": "UANN", "period": "2026-11", "metrics": ""},
    ]}).encode())
    assert [r.key for r in many] == [0, 1, 2, 3, 4, 5]
    assert "sales must be a number" in many[0].problem.replace("`", "")
    assert "must be strings" in many[1].problem
    assert "unknown field `sale`" in many[2].problem
    assert "top level" in many[3].problem
    assert many[4].raw["sales"].startswith("100000000000000000000")  # too large, said later
    assert "`metrics` must be an object" in many[5].problem


@pytest.mark.parametrize(("body", "error"), [
    (b"{", "invalid_json"), (b"\xff", "invalid_json"), (b"", "invalid_json"),
    (b"[]", "invalid_request"), (b'"x"', "invalid_request"),
    (b'{"reports": {}}', "invalid_request"), (b'{"reports": [1]}', "invalid_request"),
    (b'{"reports": [], "extra": 1}', "invalid_request"),
])
def test_malformed_bodies_are_bad_requests(body: bytes, error: str) -> None:
    with pytest.raises(BadRequest) as caught:
        parse_body(body)
    assert caught.value.error == error
