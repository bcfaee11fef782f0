"""The Monday fan-out: the question to every report of a large org over 24 time zones, sent by
real `bot tick --at` processes against the local Slack emulator.

`run_fanout` builds the org (bench/org.py: managers of nine reports each, all reporting to one
boss, so every person but the boss is asked) in a fresh database and starts the emulator in
this process: unlimited, or answering 429 + Retry-After past `rate` calls a second for the whole
workspace. Then it runs one `bot tick --at` per wave: the fewest instants at which every zone
is inside its Monday window (09:00-18:00 local), three for 24 zones. Peak RSS (VmHWM, sampled)
and CPU time (wait4) are the tick processes' own. Every report must hold exactly one question:
duplicates and losses are counted in the emulator's record of calls, and the outbox must say
`sent` for all.

    python -m bench.fanout --size 10000 [--limited --rate 100] [--db postgres|sqlite|URL]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text

from bench.databases import fresh_database, migrated
from bench.org import Org, build_org
from bot.testing import SlackEmulator

MONDAY = date(2027, 1, 11)  # not a first Monday (no career check-ins), northern winter
START, END = 9, 18  # the Monday question's window, local (bot/lead_down/service.py)
PER_MANAGER = 9  # reports per manager; the managers report to one boss (also asked)
KIND = "down.question"
ZONES = ("Pacific/Pago_Pago", "Pacific/Honolulu", "America/Anchorage", "America/Los_Angeles",
         "America/Denver", "America/Chicago", "America/New_York", "America/Halifax",
         "America/Sao_Paulo", "Atlantic/South_Georgia", "Atlantic/Cape_Verde", "UTC",
         "Europe/Paris", "Europe/Athens", "Europe/Moscow", "Asia/Dubai", "Asia/Karachi",
         "Asia/Dhaka", "Asia/Bangkok", "Asia/Shanghai", "Asia/Tokyo", "Australia/Brisbane",
         "Pacific/Noumea", "Pacific/Tarawa")
"""UTC-11 to UTC+12 on MONDAY: 23 hours apart, so the last wave (09:00 at UTC-11) comes before
the first zone's Tuesday reminder (09:00 at UTC+12): the ticks send the questions only."""


def run_fanout(size: int, db: str = "postgres", limited: bool = False, *, rate: float = 100.0,
               profile: str | None = None) -> dict[str, Any]:
    """Send the Monday question to `size` reports (rounded to whole teams); the figures.

    `db` is "postgres" (a fresh database, dropped after: bench/databases.py), "sqlite" (a
    temporary file) or a database URL. `limited` makes the emulator answer 429 past `rate`
    calls a second. `profile` names a file for a profile of the first wave's tick: `.txt` a
    pyinstrument call tree (main thread), `.folded` py-spy's collapsed stacks of every thread,
    anything else py-spy's speedscope JSON.
    """
    managers = max(1, round(size / (PER_MANAGER + 1)))
    now = datetime.combine(MONDAY, clock(0), UTC) - timedelta(days=1)
    with fresh_database(db) as url, migrated(url) as sessions, \
            SlackEmulator(team_id="T0001") as emu:
        org = build_org(sessions, managers=managers, reports_per_manager=PER_MANAGER,
                        timezones=ZONES, now=now)
        for user in org.people:
            emu.add_user(user, user.lower(), tz=org.tz[user])
        if limited:
            emu.rate_limit("*", rate)
        env = {**os.environ, "SLACK_BOT_TOKEN": emu.bot_token, "SLACK_API_URL": emu.api_url,
               "DATABASE_URL": url, "LOG_LEVEL": "WARNING"}
        runs = [_tick(env, at, profile if n == 0 else None)
                for n, at in enumerate(waves(org, MONDAY))]
        with sessions.begin() as session:  # the outbox's view, and where each question is
            statuses = dict(session.execute(text(
                "SELECT status, count(*) FROM deliveries WHERE kind = :kind GROUP BY status"),
                {"kind": KIND}).all())
            placed = session.scalar(text("SELECT count(*) FROM questions WHERE ts IS NOT NULL"))
        figures = _figures(org, emu, runs, limited=limited, rate=rate)
    return {"size": size, "db": db, "limited": limited, "rate": rate if limited else None,
            **figures, "statuses": statuses, "questions_placed": placed, "runs": runs}


def waves(org: Org, monday: date) -> list[datetime]:
    """The fewest tick instants at which each report's zone is in its Monday window, each one
    09:00 somewhere: the latest 09:00 first, which also covers every zone still before 18:00."""
    windows = sorted({(_local(monday, START, tz), _local(monday, END, tz))
                      for tz in {org.tz[r] for r in org.people if r != org.boss_id}},
                     reverse=True)
    instants: list[datetime] = []
    for start, end in windows:
        if not instants or not start <= instants[-1] < end:
            instants.append(start)
    return sorted(instants)


def _local(day: date, hour: int, tz: str) -> datetime:
    return datetime.combine(day, clock(hour), ZoneInfo(tz)).astimezone(UTC)


def _tick(env: dict[str, str], at: datetime, profile: str | None) -> dict[str, Any]:
    """One `bot tick --at` process: its wall time, peak RSS, CPU time and summary line."""
    command = [sys.executable, "-m", "bot", "tick", "--at", at.isoformat()]
    if profile and profile.endswith(".txt"):  # pyinstrument's call tree, as text
        command[1:3] = ["-m", "pyinstrument", "-r", "text", "-o", profile, "-m", "bot"]
    elif profile:  # py-spy, every thread: FILE.folded (collapsed stacks) or speedscope
        form = "raw" if profile.endswith(".folded") else "speedscope"
        command = [str(Path(sys.executable).parent / "py-spy"), "record", "-o", profile,
                   "--format", form, "--", *command]
    started, wall = time.monotonic(), time.time()
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        status, usage, peak_kb = _wait_watching(process.pid)
        seconds = time.monotonic() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        output = out.read().decode(errors="replace")
    if process.returncode != 0:
        raise RuntimeError(f"bot tick --at {at.isoformat()} exited {process.returncode}:\n"
                           f"{output[-3000:]}")
    summary = next((line for line in output.splitlines() if line.startswith("tick ")), output)
    return {"at": at.isoformat(), "started": wall, "seconds": round(seconds, 2),
            "peak_rss_mb": round(peak_kb / 1024, 1),
            "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2), "summary": summary}


def _wait_watching(pid: int) -> tuple[int, Any, int]:
    """Wait for process `pid`: its exit status, rusage (its own CPU time) and peak RSS in kB.

    The peak is the process's VmHWM, read every 20 ms while it runs, not rusage's ru_maxrss:
    Linux counts in ru_maxrss the memory of the process that started it (the exec records the
    parent's high-water mark), so every tick would report the benchmark's own size."""
    peak = 0
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            return status, usage, peak
        try:
            with open(f"/proc/{pid}/status") as lines:
                peak = max([peak] + [int(line.split()[1]) for line in lines
                                     if line.startswith("VmHWM:")])
        except (FileNotFoundError, ProcessLookupError):
            pass
        time.sleep(0.02)


def _figures(org: Org, emu: SlackEmulator, runs: list[dict[str, Any]], *, limited: bool,
             rate: float) -> dict[str, Any]:
    """Questions per report (from the emulator's record of calls), times, rates, RSS, floor."""
    posts = [c for c in emu.calls("chat.postMessage") if c["ok"]]
    asked: Counter[str] = Counter()
    for call in posts:
        team, recipient, kind, _ = (_key(call["params"].get("metadata")).split("/") + [""] * 4)[:4]
        if kind == KIND and team == org.team_id:
            asked[recipient] += 1
    for run in runs:  # this wave's posts: when they began (after the start-up) and ended
        times = [c["at"] for c in posts if run["started"] <= c["at"] <= run["started"]
                 + run["seconds"]] or [run["started"]]
        run.update(messages=len(times), startup=round(min(times) - run["started"], 2),
                   posting=round(max(times) - min(times), 2))
    reports = [r for r in org.people if r != org.boss_id]
    messages, seconds = sum(asked.values()), sum(run["seconds"] for run in runs)
    startup = sum(run["startup"] for run in runs)
    figures: dict[str, Any] = {
        "reports": len(reports), "messages": messages, "waves": len(runs),
        "seconds": round(seconds, 2), "msg_per_s": round(messages / seconds, 1),
        "startup_seconds": round(startup, 2),
        "sending_msg_per_s": round(messages / (seconds - startup), 1),
        "peak_rss_mb": max(run["peak_rss_mb"] for run in runs),
        "cpu_ms_per_msg": round(1000 * sum(run["cpu_seconds"] for run in runs) / messages, 2),
        "duplicates": sum(n - 1 for n in asked.values() if n > 1),
        "losses": sum(1 for r in reports if asked[r] == 0),
        "http_429": emu.rate_limited(),
    }
    if limited:  # each wave is a tick hours after the last: it starts with a full bucket
        floor = sum(max(run["messages"] - rate, 0) / rate for run in runs)
        figures.update(floor_seconds=round(floor, 2),
                       ratio=round((seconds - startup) / floor, 3) if floor else None,
                       wall_ratio=round(seconds / floor, 3) if floor else None)
    return figures


def _key(metadata: Any) -> str:
    """The delivery key a message carries in its metadata ("team/recipient/kind/period")."""
    if isinstance(metadata, str):
        metadata = json.loads(metadata) if metadata else {}
    return str(((metadata or {}).get("event_payload") or {}).get("key", ""))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fanout",
                                     description="The Monday question fan-out benchmark.")
    parser.add_argument("--size", type=int, default=10_000, help="reports (default 10000)")
    parser.add_argument("--db", default="postgres", help="postgres (default), sqlite or a URL")
    parser.add_argument("--limited", action="store_true",
                        help="the emulator answers 429 past --rate calls a second")
    parser.add_argument("--rate", type=float, default=100.0, help="calls a second (100)")
    parser.add_argument("--profile", help="profile the first wave's tick: FILE.txt "
                        "(pyinstrument), FILE.folded or FILE.json (py-spy)")
    args = parser.parse_args(argv)
    result = run_fanout(args.size, args.db, args.limited, rate=args.rate, profile=args.profile)
    print(json.dumps(result, indent=2))
    return 0 if result["duplicates"] == result["losses"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
