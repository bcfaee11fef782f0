"""`python -m bench`: every benchmark of Leadwell in one run; prints the tables and writes
bench/results/<name>.json and <name>.png (see docs/benchmarks.md).

    python -m bench                          # everything, full size (15 to 40 minutes)
    python -m bench --only latency --db postgres --concurrency 32 --requests 500
    python -m bench --smoke                  # tiny sizes on SQLite: checks it still works
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import report

PARTS = ("latency", "queries", "fanout")
RESULTS = Path(__file__).resolve().parent / "results"
PROCESSES = 1  # server processes on each side: `bot serve`'s default (WEB_CONCURRENCY)
SMOKE = {"requests": 12, "concurrency": "1,2", "db": "sqlite", "size": 30, "managers": 2,
         "reports": 5, "weeks": 3, "repeats": 3, "slack_latency": 20.0}


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default=",".join(PARTS),
                        help="comma-separated parts: latency, queries, fanout (default all)")
    parser.add_argument("--db", default="sqlite,postgres",
                        help="comma-separated: sqlite, postgres (LEADWELL_BENCH_PG)")
    parser.add_argument("--requests", type=int, default=2000,
                        help="latency: requests per request kind, concurrency and side")
    parser.add_argument("--concurrency", default="1,8,32", help="latency: comma-separated")
    parser.add_argument("--size", type=int, default=10_000, help="fan-out: reports")
    parser.add_argument("--managers", type=int, default=20, help="queries: managers of the boss")
    parser.add_argument("--reports", type=int, default=200, help="queries: reports a manager")
    parser.add_argument("--weeks", type=int, default=52, help="queries: weeks of history")
    parser.add_argument("--repeats", type=int, default=50, help="queries: timed renders each")
    parser.add_argument("--processes", type=int, default=PROCESSES,
                        help="latency: WEB_CONCURRENCY of the bot and of the floor "
                             f"(default {PROCESSES})")
    parser.add_argument("--slack-latency", type=float, default=0.0, metavar="MS",
                        help="latency: the emulator answers each Web API call MS later "
                             "(default 0)")
    parser.add_argument("--profile", type=Path, metavar="DIR",
                        help="latency: a py-spy profile of the bot per cell in DIR")
    parser.add_argument("--name", help="results file name (default: the start time, UTC)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="results folder")
    parser.add_argument("--smoke", action="store_true",
                        help="tiny sizes on SQLite, to check the benchmark itself works")
    args = parser.parse_args(argv)
    if args.smoke:
        for key, value in SMOKE.items():
            setattr(args, key, value)
        args.name = args.name or "smoke"
    unknown = set(args.only.split(",")) - set(PARTS)
    if unknown:
        parser.error(f"unknown part(s) for --only: {', '.join(sorted(unknown))}")
    return args


def run(args: argparse.Namespace) -> dict[str, Any]:
    """The parts asked for; each a list of rows."""
    dbs, parts = args.db.split(","), args.only.split(",")
    results: dict[str, Any] = {"meta": {"command": " ".join(["python -m bench", *sys.argv[1:]]),
                                        "started": datetime.now(UTC).isoformat(timespec="seconds"),
                                        "machine": report.machine()}}
    if "latency" in parts:
        from bench.latency import run_latency

        results["latency"] = run_latency(
            dbs, [int(c) for c in args.concurrency.split(",")], args.requests,
            env={"WEB_CONCURRENCY": str(args.processes)}, profile=args.profile,
            slack_latency=args.slack_latency / 1000, progress=progress)
    if "queries" in parts:
        from bench.queries import run_queries

        results["queries"] = run_queries(dbs, managers=args.managers, reports=args.reports,
                                         weeks=args.weeks, repeats=args.repeats,
                                         progress=progress)
    if "fanout" in parts:
        results["fanout"] = run_fanout(dbs, args.size)
    results["meta"]["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    results["meta"]["load_average_after"] = report.machine()["load_average"]
    return results


def run_fanout(dbs: list[str], size: int) -> list[dict[str, Any]]:
    """The Monday question to `size` reports: the bot alone, then against Slack's limit."""
    from bench.fanout import run_fanout as fanout

    rows = []
    for db in dbs:
        for limited in (False, True):
            row = fanout(size, db, limited)
            rows.append(row)
            progress(f"{db:8} fan-out {'limited' if limited else 'alone':7} "
                     f"{row['messages']} messages in {row['seconds']} s")
    return rows


def progress(line: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {line}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop servers, drop databases
    name = args.name or datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    results = run(args)
    print(report.tables(results))
    data, image = report.write(results, args.out, name)
    print(f"\nwrote {data} and {image}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
