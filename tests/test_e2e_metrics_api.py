"""Sales figures from a CRM, end to end: `bot api-token`, `POST /api/metrics` on the live
server (with, without and with a rotated token) and `bot import-metrics`."""

from __future__ import annotations

import hashlib
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot.core.db import make_engine, make_sessions
from bot.lead_up import reports
from bot.lead_up.models import ApiToken, MetricReport
from tests.e2e import Live, live  # noqa: F401 (fixture)

pytestmark = pytest.mark.e2e

ANN = {"manager": "ann@example.com", "period": "2026-11", "sales": 1200, "target": "1,500",
       "pipeline": 9000.5, "metrics": {"Win rate": 31}}


@pytest.fixture
def db(live: Live) -> Iterator[sessionmaker]:  # noqa: F811
    """The live bot's database (migrated by the bot); Ann tracks a win rate, Bob is weekly."""
    engine = make_engine(live.bot.env["DATABASE_URL"])
    sessions = make_sessions(engine)
    with sessions.begin() as s:
        reports.save_settings(s, "T0001", "UANN", cadence="monthly",
                              metrics=[reports.Metric("Win rate", "%")], reminder_hour=9,
                              debrief_hour=9)
        reports.save_settings(s, "T0001", "UBOB", cadence="weekly", metrics=[],
                              reminder_hour=9, debrief_hour=9)
    yield sessions
    engine.dispose()


def post(server: Live, body: Any, token: str | None = None, method: str = "POST",
         raw: bytes | None = None) -> tuple[int, dict]:
    """POST (or `method`) to the live server's /api/metrics; the status and JSON answer."""
    data = raw if raw is not None else json.dumps(body).encode()
    request = urllib.request.Request(f"{server.bot.url}/api/metrics", method=method,
                                     data=data if method == "POST" else None,
                                     headers={"Content-Type": "application/json"})
    if token is not None:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def stored(sessions: sessionmaker) -> dict[tuple[str, str], tuple[float, str, dict]]:
    with sessions() as s:
        return {(r.manager_id, r.period): (r.sales, r.source, json.loads(r.metrics))
                for r in s.scalars(select(MetricReport)) if r.submitted_at is None}


def new_token(server: Live) -> str:
    """`bot api-token`: one line on stdout, the token; nothing of it on stderr."""
    result = server.bot.cli("api-token")
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip()
    assert len(token.splitlines()) == 1 and len(token) > 30
    assert "shown once" in result.stderr and token not in result.stderr
    return token


def test_crm_push_needs_the_token_and_stores_unsent_reports(live: Live, db) -> None:  # noqa: F811
    assert post(live, ANN) == (401, {"ok": False, "error": "invalid_token"})  # no token yet
    token = new_token(live)
    with db() as s:  # only the hash is kept
        assert s.get(ApiToken, "T0001").token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert post(live, ANN, token="lw_wrong") == (401, {"ok": False, "error": "invalid_token"})
    assert post(live, ANN, token=token[:-1])[0] == 401
    assert stored(db) == {}

    assert post(live, None, token=token, method="GET")[0] == 405
    status, answer = post(live, None, token=token, raw=b"{not json")
    assert (status, answer["error"]) == (400, "invalid_json")
    assert post(live, None, token=token, raw=b" " * 1_000_001)[0] == 413

    assert post(live, ANN, token=token) == (200, {"ok": True, "stored": 1, "rejected": []})
    assert stored(db) == {("UANN", "2026-11"): (1200, "api", {"Win rate": 31})}

    status, answer = post(live, {"reports": [
        {**ANN, "sales": "1,300"},
        {"manager": "UBOB", "period": "2026-11", "sales": 1, "target": 1, "pipeline": 1},
        {"manager": "UBOB", "period": "2026-W48", "sales": 5, "target": 4, "pipeline": 3},
        {"manager": "UANN", "period": "2026-10", "sales": 1, "target": 1, "pipeline": 1,
         "metrics": {"NPS": 40}},
        {**ANN, "period": "2026-11"},
    ]}, token=token)
    assert status == 422 and answer["ok"] is True and answer["stored"] == 2
    errors = {item["index"]: item["error"] for item in answer["rejected"]}
    assert set(errors) == {1, 3, 4}
    assert "reports weekly" in errors[1] and "NPS is not one of UANN's metrics" in errors[3]
    assert errors[4] == "UANN 2026-11 is a duplicate of item 0"
    assert stored(db) == {("UANN", "2026-11"): (1300, "api", {"Win rate": 31}),
                          ("UBOB", "2026-W48"): (5, "api", {})}

    rotated = new_token(live)
    assert rotated != token
    assert post(live, ANN, token=token)[0] == 401
    assert post(live, {**ANN, "sales": 1250}, token=rotated)[0] == 200
    assert stored(db)["UANN", "2026-11"][0] == 1250


def test_csv_import_through_the_cli(live: Live, db, tmp_path) -> None:  # noqa: F811
    path = tmp_path / "crm.csv"
    path.write_text("manager,period,sales,target,pipeline,Win rate\n"
                    "ann@example.com,2026-11,\"12,500\",15000,90000,31%\n"
                    "UBOB,2026-11,1,1,1,\n"
                    "UCAT,2026-10,800,1000,4000,\n")
    result = live.bot.cli("import-metrics", str(path))
    assert result.returncode == 1, result.stderr
    assert result.stdout == "stored 2 reports, 1 rows rejected\n"
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("line 3: UBOB reports weekly: use a period like 20")
    assert "-W" in line and line.endswith(", not 2026-11")
    assert stored(db) == {("UANN", "2026-11"): (12500, "csv", {"Win rate": 31}),
                          ("UCAT", "2026-10"): (800, "csv", {})}

    bad = tmp_path / "bad.csv"
    bad.write_text("manager;period;sales\n")
    result = live.bot.cli("import-metrics", str(bad))
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""
