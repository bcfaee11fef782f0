"""Acknowledgement latency of `bot serve` against the floor, a bare Bolt app on the same server
stack (bench/floor.py), measured in the same run.

For each database, a manager's team (bench/org.py, eight weeks of history) is written, the
emulator knows everyone, `bot tick --at` sends this Monday's question, and both servers run as
child processes. Each (scenario, concurrency) cell sends `requests` signed requests to each
side, alternating floor and bot in rounds (A B B A …) after a warm-up; between runs the
benchmark waits until the bot has finished the work it queued after acknowledging, so each run
starts clean and pays for its own backlog.
"""

from __future__ import annotations

import math
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, update

from bench.databases import fresh_database, migrated
from bench.floor import FloorProcess
from bench.load import Sample, Send, TimedClient, cpu_seconds, run, summary, wait_idle
from bench.org import Org, build_org
from bench.remote import RemoteEmulator
from bot.lead_down.ids import Action
from bot.lead_down.models import AnswerPart, Question
from bot.lead_yourself.ids import action_block, aspiration_block
from bot.testing import Response
from bot.testing.client import JsonDict
from bot.testing.process import BotProcess

SECRET = "bench-signing-secret-0123456789"
SCENARIOS = {
    "command": "/careerplan (opens a modal)",
    "submission": "career plan modal submitted (writes)",
    "action": "Answer button (reads, opens a modal)",
    "message": "message.im (a Monday answer)",
}
ROUNDS = 4
HISTORY_WEEKS = 8
Progress = Callable[[str], None]
Emulator = RemoteEmulator  # or a SlackEmulator: what SlackClient needs of it, either way


@dataclass
class Side:
    """One server under test: the floor or the bot."""

    name: str
    client: TimedClient
    pid: int
    bot: BotProcess | None = None
    log_mark: int = 0
    cpu: float = 0.0  # CPU seconds the server spent on the measured rounds, follow-ups included

    def new_errors(self) -> list[str]:
        """WARNING and ERROR lines the bot logged since the last call (listener failures),
        except waitress's "Task queue depth" (requests waiting for a thread)."""
        if self.bot is None:
            return []
        text = self.bot.log()
        fresh, self.log_mark = text[self.log_mark:], len(text)
        return [line for line in fresh.splitlines() if (" ERROR " in line or " WARNING " in line)
                and " waitress.queue " not in line]  # queueing is measured, not an error


@dataclass
class Team:
    """The requests' authors and what they replay."""

    org: Org
    users: list[str]
    monday: datetime  # when this week's question was asked
    templates: dict[str, dict[str, JsonDict]]


def last_monday_noon(now: datetime) -> datetime:
    """12:00 UTC on the latest Monday before `now`."""
    noon = datetime.combine(now.date() - timedelta(days=now.weekday()), time(12), UTC)
    return noon if noon <= now else noon - timedelta(weeks=1)


def seed(url: str, emu: Emulator, users: int) -> tuple[Org, datetime]:
    """A manager with `users` reports in UTC and eight weeks of history, known to the emulator."""
    monday = last_monday_noon(datetime.now(UTC))
    with migrated(url) as sessions:
        org = build_org(sessions, managers=1, reports_per_manager=users, timezones=("UTC",),
                        history_weeks=HISTORY_WEEKS, now=monday - timedelta(hours=4))
    for user in org.people:
        emu.add_user(user, user.lower(), tz=org.tz[user])
    return org, monday


def prepare(org: Org, monday: datetime, emu: Emulator, bot: BotProcess) -> Team:
    """Ask this Monday's question, then capture each report's plan submission and click."""
    done = bot.cli("tick", "--at", monday.isoformat())
    if done.returncode != 0:
        raise RuntimeError(f"bot tick failed: {done.stderr[-2000:]}")
    client = TimedClient(bot.events_url, SECRET, emu)
    users = list(org.reports[org.managers[0]])
    values = {aspiration_block(1): "Lead a team twice this size.",
              action_block("what", 1, 0): "Sales manager training",
              action_block("due", 1, 0): (monday + timedelta(days=90)).date().isoformat()}
    templates: dict[str, dict[str, JsonDict]] = {"submission": {}, "action": {}}
    for user in users:
        client.command("/careerplan", user=user)
        view = emu.wait_for(lambda u=user: emu.open_views(u), 15)[-1]
        templates["submission"][user] = client.capture(
            lambda u=user, v=view: client.submit(u, v, values))
        question = emu.find_message(user, "asks")
        templates["action"][user] = client.capture(
            lambda u=user, q=question: client.click(u, q, Action.ANSWER))
    return Team(org, users, monday, templates)


def sender(scenario: str, team: Team) -> Send:
    if scenario == "command":
        return lambda client, user, n: client.command("/careerplan", user=user)
    if scenario == "message":
        return lambda client, user, n: client.message(user, f"Answer {n}: fewer reports.")
    templates = team.templates[scenario]
    return lambda client, user, n: client.replay(user, templates[user])


def acknowledged(response: Response) -> bool:
    """An empty 200: every scenario's listener acks with nothing (no error in the answer)."""
    return response.status == 200 and not response.text.strip()


def measure(sides: list[Side], team: Team, scenario: str, concurrency: int, requests: int,
            bot_pid: int, profile: Path | None = None) -> dict[str, Any]:
    """One cell: a warm-up, then `requests` requests to each side alternating in ROUNDS;
    with `profile` (a file), py-spy samples the bot meanwhile (see `profiling`)."""
    send, users = sender(scenario, team), team.users
    samples = {side.name: Sample() for side in sides}
    errors: dict[str, list[str]] = {side.name: [] for side in sides}
    for side in sides:
        run(side.client, send, users, concurrency=concurrency, requests=2 * concurrency,
            accept=acknowledged)
        wait_idle(bot_pid)
        side.new_errors()
    share = math.ceil(requests / ROUNDS)
    with profiling(bot_pid, profile):
        for round_ in range(ROUNDS):
            for side in sides if round_ % 2 == 0 else sides[::-1]:
                count, before = min(share, requests - share * round_), cpu_seconds(side.pid)
                samples[side.name].add(run(side.client, send, users, concurrency=concurrency,
                                           requests=count, accept=acknowledged))
                wait_idle(bot_pid)
                side.cpu += cpu_seconds(side.pid) - before
                errors[side.name] += side.new_errors()
    row: dict[str, Any] = {"scenario": scenario, "concurrency": concurrency}
    for side in sides:
        row[side.name] = {**summary(samples[side.name]), "logged_errors": len(errors[side.name]),
                          "logged_examples": errors[side.name][:3],
                          "cpu_ms_per_request": round(1000 * side.cpu / requests, 2)}
        side.cpu = 0.0
    floor, bot = row["floor"], row["bot"]
    row["ratio_p50"] = round(bot["p50"] / floor["p50"], 2) if floor["p50"] else None
    row["ratio_p99"] = round(bot["p99"] / floor["p99"], 2) if floor["p99"] else None
    return row


@contextmanager
def profiling(pid: int, output: Path | None) -> Iterator[None]:
    """py-spy recording process `pid` (the thread holding the GIL) into `output`, if given:
    collapsed stacks for a `.txt` file, else speedscope JSON."""
    if output is None:
        yield
        return
    spy = subprocess.Popen([str(Path(sys.executable).parent / "py-spy"), "record", "--gil", "--pid",
                            str(pid), "--subprocesses", "--rate", "200", "--nonblocking",
                            "--format",
                            "raw" if output.suffix == ".txt" else "speedscope", "--output",
                            str(output)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield
    finally:
        spy.send_signal(signal.SIGINT)
        spy.wait(60)


def reset_answers(url: str, monday: datetime) -> None:
    """Forget the answers the benchmark wrote, so the next cell starts from the same data."""
    with migrated(url) as sessions, sessions.begin() as session:
        session.execute(delete(AnswerPart).where(AnswerPart.created_at > monday))
        session.execute(update(Question).where(Question.asked_at >= monday)
                        .values(answered_at=None))


@contextmanager
def servers(url: str, emu: Emulator, env: dict[str, str]) -> Iterator[
        tuple[BotProcess, FloorProcess]]:
    with ExitStack() as stack:
        bot = stack.enter_context(BotProcess(emulator=emu, database_url=url,
                                             signing_secret=SECRET, env=env))
        floor = stack.enter_context(FloorProcess(SECRET, env={
            "SLACK_BOT_TOKEN": emu.bot_token, "SLACK_API_URL": emu.api_url, **env}))
        yield bot, floor


def run_latency(dbs: list[str], concurrencies: list[int], requests: int, *,
                env: dict[str, str] | None = None, profile: Path | None = None,
                slack_latency: float = 0.0, progress: Progress = print) -> list[dict[str, Any]]:
    """Every cell for every database: a list of rows (see `measure`), each with its `db`;
    with `profile` (a folder), a py-spy profile of the bot per cell in it; with
    `slack_latency` (seconds), the emulator answers each Web API call that much later, as
    slack.com's round trip does (the set-up's calls excepted)."""
    rows = []
    users = max(64, 2 * max(concurrencies))
    for db in dbs:
        with fresh_database(db) as url, RemoteEmulator(team_id="T0001") as emu:
            org, monday = seed(url, emu, users)
            with servers(url, emu, env or {}) as (bot, floor):
                team = prepare(org, monday, emu, bot)
                if slack_latency:
                    emu.delay("*", slack_latency, times=1_000_000_000)
                assert bot.pid is not None and floor.pid is not None
                sides = [Side("floor", TimedClient(floor.events_url, SECRET, emu), floor.pid),
                         Side("bot", TimedClient(bot.events_url, SECRET, emu), bot.pid, bot)]
                for concurrency in concurrencies:
                    for scenario in SCENARIOS:
                        name = f"{db}-{scenario}-c{concurrency}.txt"
                        row = {"db": db, **measure(sides, team, scenario, concurrency, requests,
                                                   bot.pid, profile / name if profile else None),
                               "slack_latency_ms": round(slack_latency * 1000, 3)}
                        rows.append(row)
                        progress(f"{db:8} {scenario:10} c={concurrency:<3} "
                                 f"bot p50/p99 {row['bot']['p50']}/{row['bot']['p99']} ms, "
                                 f"floor {row['floor']['p50']}/{row['floor']['p99']} ms, "
                                 f"errors {row['bot']['errors']}+{row['bot']['logged_errors']}")
                        if scenario == "message":
                            reset_answers(url, monday)
    return rows
