"""What a benchmark run prints and keeps: the machine, the tables, the JSON file and the plot."""

from __future__ import annotations

import json
import os
import platform
import sqlite3
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path
from typing import Any

TARGETS = {"p99_ms_at_32": 250.0, "ratio_p99": 1.5, "over_3s": 0, "errors": 0,
           "render_p95_ms": 100.0, "fanout_msg_per_s": 300.0, "fanout_rss_mb": 300.0,
           "fanout_ratio": 1.1}


def machine() -> dict[str, Any]:
    """The machine and software the figures come from."""
    cpu = next((line.split(":", 1)[1].strip() for line in _lines("/proc/cpuinfo")
                if line.startswith("model name")), platform.processor())
    memory = next((line.split()[1] for line in _lines("/proc/meminfo")
                   if line.startswith("MemTotal")), "0")
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(int(memory) / 2**20, 1),
            "load_average": os.getloadavg(), "python_loop_ms": python_loop_ms(),
            "os": platform.platform(),
            "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            **{name: version(name) for name in ("slack_bolt", "slack_sdk", "waitress",
                                                "SQLAlchemy", "psycopg")}}


def python_loop_ms() -> float:
    """A fixed pure-Python loop, best of five, in ms: the speed of this machine's cores at the
    time, to compare runs made on different days (hosts of the same name vary)."""
    import timeit

    best = min(timeit.repeat("sum(i * i for i in range(1_000_000))", number=1, repeat=5))
    return round(best * 1000, 1)


def _lines(path: str) -> Iterator[str]:
    try:
        with open(path) as file:
            yield from file
    except OSError:
        return


def latency_table(rows: list[dict[str, Any]]) -> list[str]:
    lines = ["Acknowledgement latency (ms): bot against the floor (bare Bolt), same run",
             f"{'db':8} {'request':10} {'c':>3} | {'bot p50':>8} {'p95':>7} {'p99':>7} | "
             f"{'floor p50':>9} {'p95':>6} {'p99':>6} | {'p99 x':>5} {'>3s':>4} {'err':>4} | "
             f"{'CPU ms/req bot':>14} {'floor':>5}"]
    for r in rows:
        bot, floor = r["bot"], r["floor"]
        lines.append(
            f"{r['db']:8} {r['scenario']:10} {r['concurrency']:>3} | {bot['p50']:8.1f} "
            f"{bot['p95']:7.1f} {bot['p99']:7.1f} | {floor['p50']:9.1f} {floor['p95']:6.1f} "
            f"{floor['p99']:6.1f} | {r['ratio_p99'] or 0:5.2f} {bot['over_3s']:>4} "
            f"{bot['errors'] + bot['logged_errors']:>4} | {bot.get('cpu_ms_per_request', 0):14.1f} "
            f"{floor.get('cpu_ms_per_request', 0):5.1f}")
    return lines


def queries_table(rows: list[dict[str, Any]]) -> list[str]:
    lines = ["App Home and digest renders: SQL statements and time (ms)",
             f"{'db':8} {'render':16} {'statements':>10} {'p50':>7} {'p95':>7} {'max':>7}"]
    lines += [f"{r['db']:8} {r['render']:16} {r['statements']:>10} {r['p50']:7.1f} "
              f"{r['p95']:7.1f} {r['max']:7.1f}" for r in rows]
    return lines


def fanout_table(rows: list[dict[str, Any]]) -> list[str]:
    lines = ["Monday fan-out (docs/benchmarks-fanout.md)",
             f"{'db':8} {'limit':>7} {'reports':>7} {'seconds':>8} {'msg/s':>7} {'sending':>7} "
             f"{'RSS MB':>7} {'floor s':>8} {'ratio':>6} {'dup':>4} {'lost':>4}"]
    for r in rows:
        limit = f"{r['rate']:.0f}/s" if r.get("limited") else "none"
        lines.append(f"{r['db']:8} {limit:>7} {r['reports']:>7} {r['seconds']:8.1f} "
                     f"{r['msg_per_s']:7.1f} {r.get('sending_msg_per_s') or 0:7.1f} "
                     f"{r['peak_rss_mb']:7.1f} "
                     f"{r.get('floor_seconds') or 0:8.1f} {r.get('ratio') or 0:6.3f} "
                     f"{r['duplicates']:>4} {r['losses']:>4}")
    return lines


def tables(results: dict[str, Any]) -> str:
    parts = [latency_table(results["latency"]) if results.get("latency") else [],
             queries_table(results["queries"]) if results.get("queries") else [],
             fanout_table(results["fanout"]) if results.get("fanout") else []]
    return "\n\n".join("\n".join(part) for part in parts if part)


def write(results: dict[str, Any], folder: Path, name: str) -> tuple[Path, Path]:
    """`<name>.json` and `<name>.png` in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    data, image = folder / f"{name}.json", folder / f"{name}.png"
    data.write_text(json.dumps(results, indent=1) + "\n")
    plot(results, image)
    return data, image


def plot(results: dict[str, Any], path: Path) -> None:
    """Latency by concurrency (bot and floor, p50 and p99; one row per database, one column
    per request) and, below, each render's p95."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    latency, queries = results.get("latency") or [], results.get("queries") or []
    dbs = list(dict.fromkeys(r["db"] for r in latency))
    scenarios = list(dict.fromkeys(r["scenario"] for r in latency)) or [""]
    rows = len(dbs) + (1 if queries else 0)
    figure = plt.figure(figsize=(4 * len(scenarios), 3.3 * max(rows, 1)))
    grid = figure.add_gridspec(max(rows, 1), len(scenarios))
    for i, db in enumerate(dbs):
        for j, scenario in enumerate(scenarios):
            _latency_panel(figure.add_subplot(grid[i, j]),
                           [r for r in latency if r["db"] == db and r["scenario"] == scenario],
                           f"{db}: {scenario}")
    if queries:
        _queries_panel(figure.add_subplot(grid[rows - 1, :]), queries)
    figure.tight_layout()
    figure.savefig(path, dpi=90)
    plt.close(figure)


def _latency_panel(axis: Any, rows: list[dict[str, Any]], title: str) -> None:
    from matplotlib.ticker import NullFormatter, ScalarFormatter

    levels = [r["concurrency"] for r in rows]
    for side, color in (("bot", "tab:blue"), ("floor", "tab:gray")):
        axis.plot(levels, [r[side]["p50"] for r in rows], "o-", color=color, label=f"{side} p50")
        axis.plot(levels, [r[side]["p99"] for r in rows], "s--", color=color,
                  label=f"{side} p99")
    axis.axhline(TARGETS["p99_ms_at_32"], color="tab:red", linewidth=0.8, label="250 ms")
    axis.set(title=title, xlabel="concurrency", ylabel="ms", yscale="log", xscale="log")
    axis.set_xticks(levels, [str(level) for level in levels])
    axis.yaxis.set_major_formatter(ScalarFormatter())
    axis.yaxis.set_minor_formatter(NullFormatter())
    axis.legend(fontsize=7)


def _queries_panel(axis: Any, rows: list[dict[str, Any]]) -> None:
    labels = [f"{r['db']}: {r['render']}\n{r['statements']} statements" for r in rows]
    axis.bar(range(len(rows)), [r["p95"] for r in rows], color="tab:blue")
    axis.axhline(TARGETS["render_p95_ms"], color="tab:red", linewidth=0.8, label="100 ms")
    axis.set_xticks(range(len(rows)), labels, fontsize=7)
    axis.set(title="App Home and digest renders: p95 (ms)", ylabel="ms")
    axis.legend(fontsize=7)
