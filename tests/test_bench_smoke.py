"""`python -m bench --smoke` still runs end to end (tiny sizes, SQLite only; nothing is timed
here: the figures come from full runs, docs/benchmarks.md)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.e2e
def test_the_benchmark_runs_and_writes_its_results(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "bench", "--smoke", "--out", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads((tmp_path / "smoke.json").read_text())
    assert (tmp_path / "smoke.png").read_bytes().startswith(b"\x89PNG")
    assert "Acknowledgement latency" in done.stdout and "renders" in done.stdout
    latency = results["latency"]
    assert {r["scenario"] for r in latency} == {"command", "submission", "action", "message"}
    assert all(r["slack_latency_ms"] == 20 for r in latency)  # every Web API call 20 ms later
    for row in latency:
        for side in ("bot", "floor"):
            assert row[side]["requests"] == 12 and row[side]["errors"] == 0, row
        assert row["bot"]["logged_errors"] == 0, row["bot"]["logged_examples"]
    assert {r["render"] for r in results["queries"]} >= {"home, manager", "digest, manager"}
    assert all(r["statements"] > 0 for r in results["queries"])
    for row in results["fanout"]:
        assert row["duplicates"] == row["losses"] == 0, row
