"""Scale-out: three `bot serve` replicas with their schedulers on, plus concurrent `bot tick
--at` runs, over ten simulated weeks of Mondays; a leader killed mid fan-out; 20 % of Slack
calls failing. Every report gets exactly one Monday question a week, counted in the emulator.

Sizes: 10 managers x 20 reports in five time zones (one cluster for the whole module).
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from bot.core import migrate
from bot.core.db import make_engine, make_sessions
from bot.core.leader import APPLICATION_NAME, LEADER_KEY
from bot.org import service
from bot.testing import SlackEmulator
from bot.testing.process import BotProcess
from tests.conftest import create_pg_database, drop_pg_database
from tests.e2e import SECRET
from tests.factories import person

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

TEAM = "T0001"
MANAGERS, PER_MANAGER = 10, 20
ZONES = ("Asia/Tokyo", "Asia/Kolkata", "Europe/Paris", "America/New_York", "America/Los_Angeles")
FIRST = date(2027, 3, 1)  # a Monday; the ten weeks cross both daylight-saving changes
WEEKS = [FIRST + timedelta(weeks=n) for n in range(10)]
CLEAN_WEEKS, CHAOS_WEEKS = WEEKS[:8], WEEKS[8:]  # the last two with 20 % of calls failing
# Ticks at 09:00 in Paris, then in Los Angeles, reach every zone inside its Monday window
# (09:00-18:00 local): Tokyo and Kolkata are in Paris's, New York in Los Angeles's. The first
# instant runs two `bot tick --at` at once; instants run one after the other, as a clock would
# (runners whose clocks are hours apart would each see the other's leases as expired).
TICK_ZONES = (("Europe/Paris", 2), ("America/Los_Angeles", 1))
CHAOS_COPIES = 5  # runners share a fan-out, so the gateway's retry sleeps overlap
QUESTION = "What else can I do to make you even more successful?"


def monday_nine(day: date, tz: str) -> datetime:
    """09:00 on `day` in `tz`, as UTC (computed here, independently of the bot)."""
    return datetime.combine(day, clock(9), ZoneInfo(tz)).astimezone(UTC)


def week_of(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass
class Cluster:
    url: str
    admin: Engine
    db: Engine
    emu: SlackEmulator
    replicas: list[BotProcess]
    reports: dict[str, str]  # report -> time zone
    outputs: list[str] = field(default_factory=list)  # of the `bot tick` runs
    weeks: list[str] = field(default_factory=list)  # ticked so far, by any test

    def leaders(self) -> list[BotProcess]:
        """The replicas holding the leader lock, read from pg_locks (one, or none between two)."""
        with self.admin.connect() as connection:
            names = connection.scalars(text(
                "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a "
                "ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted "
                "AND l.objid = :key AND a.datname = :db"),
                {"key": LEADER_KEY, "db": self.url.rsplit("/", 1)[1]}).all()
        return [r for r in self.replicas if f"{APPLICATION_NAME} {r.pid}" in names]

    def ticks(self, at: datetime, copies: int) -> None:
        """`copies` runs of `bot tick --at` for the same instant, at the same time."""
        runs = [subprocess.Popen([sys.executable, "-m", "bot", "tick", "--at", at.isoformat()],
                                 env=self.replicas[0].env, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True) for _ in range(copies)]
        for run in runs:
            out, err = run.communicate(timeout=300)
            self.outputs.append(out + err)
            assert run.returncode == 0, err[-2000:]

    def monday(self, day: date, later: timedelta = timedelta(), copies: int = 0) -> None:
        """That Monday's ticks (`later` than 09:00), one instant after the other."""
        self.weeks.append(week_of(day))
        for tz, default in TICK_ZONES:
            self.ticks(monday_nine(day, tz) + later, copies or default)

    def lost_leases(self) -> int:
        """"lease lost" warnings in every log so far (a runner overtaken while sending)."""
        logs = [*self.outputs, *(r.log() for r in self.replicas)]
        return sum(log.count("lease lost") for log in logs)

    def statuses(self, kind: str, periods: list[str]) -> Counter[str]:
        """Deliveries of `kind` in `periods` by status; a retry scheduled counts as `retry`."""
        with self.db.connect() as connection:
            rows = connection.execute(text(
                "SELECT status, next_attempt_at IS NOT NULL FROM deliveries "
                "WHERE kind = :kind AND period = ANY(:periods)"),
                {"kind": kind, "periods": periods}).all()
        return Counter("retry" if status == "failed" and retry else status
                       for status, retry in rows)

    def asked(self) -> Counter[tuple[str, str]]:
        """(report, week) -> chat.postMessage calls that put the question in the report's DM."""
        with self.db.connect() as connection:
            weeks = dict(connection.execute(text("SELECT id, week FROM questions")).all())
        found: Counter[tuple[str, str]] = Counter()
        for call in self.emu.calls("chat.postMessage"):
            report = dm_user(call["params"].get("channel"))
            text_ = str(call["params"].get("text", ""))
            if call["ok"] and report in self.reports and QUESTION in text_ \
                    and not text_.startswith("Reminder"):
                found[report, week_posted(call["params"], weeks)] += 1
        return found


def dm_user(channel: object) -> str:
    """Whom a DM was posted to: a user id (Slack's DM with them) or their IM's id, D + user id
    in the emulator."""
    return str(channel or "").removeprefix("D")


def week_posted(params: dict, weeks: dict[int, str]) -> str:
    """The week a posted question is for: the delivery key in its metadata (the outbox tags
    every message with it), else the question row behind its Answer button."""
    meta = _json(params.get("metadata")) or {}
    key = str((meta.get("event_payload") or {}).get("key", ""))
    if key.count("/") == 3:
        return key.rsplit("/", 1)[1]
    for block in _json(params.get("blocks")) or []:
        if str(block.get("block_id", "")).startswith("down.q."):
            return weeks.get(int(block["block_id"].removeprefix("down.q.")), "?")
    return "?"


def _json(value: object) -> Any:
    return json.loads(value) if isinstance(value, str) and value else value


def seed(url: str) -> dict[str, str]:
    """MANAGERS x PER_MANAGER reporting lines straight into the database (as `/team set`
    would leave them); returns report -> time zone."""
    engine = make_engine(url)
    migrate.upgrade(engine)
    reports: dict[str, str] = {}
    with make_sessions(engine).begin() as session:
        for m in range(MANAGERS):
            manager = person(session, f"UM{m:02d}", team_id=TEAM, tz=ZONES[m % len(ZONES)])
            for r in range(PER_MANAGER):
                user, tz = f"UR{m:02d}{r:02d}", ZONES[(m + r) % len(ZONES)]
                report = person(session, user, team_id=TEAM, tz=tz)
                service.set_line(session, TEAM, manager=manager, report=report,
                                 now=datetime.now(UTC))
                reports[user] = tz
    engine.dispose()
    return reports


def start_all(replicas: list[BotProcess]) -> None:
    """Start the replicas at the same time (each waits for its /healthz)."""
    errors: list[BaseException] = []

    def start(replica: BotProcess) -> None:
        try:
            replica.start(timeout=60)
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=start, args=(r,)) for r in replicas]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


@pytest.fixture(scope="module")
def cluster(pg_admin: Engine) -> Iterator[Cluster]:
    url = create_pg_database(pg_admin)
    with pg_admin.connect() as connection:  # commits need not wait for the disk in a test
        connection.execute(text(f'ALTER DATABASE "{url.rsplit("/", 1)[1]}" '
                                "SET synchronous_commit = off"))
    try:
        reports = seed(url)
        with SlackEmulator(team_id=TEAM) as emu:
            for m in range(MANAGERS):
                emu.add_user(f"UM{m:02d}", f"manager{m}", tz=ZONES[m % len(ZONES)])
            for user, tz in reports.items():
                emu.add_user(user, user.lower(), tz=tz)
            replicas = [BotProcess(emulator=emu, database_url=url, signing_secret=SECRET,
                                   scheduler=True, env={"TICK_SECONDS": "1", "WORKERS": "4"})
                        for _ in range(3)]
            db = make_engine(url)
            try:
                start_all(replicas)
                yield Cluster(url, pg_admin, db, emu, replicas, reports)
            finally:
                for replica in replicas:
                    replica.stop()
                db.dispose()
    finally:
        drop_pg_database(pg_admin, url)


def missing_or_doubled(asked: Counter[tuple[str, str]], reports: list[str],
                       weeks: list[str]) -> dict[tuple[str, str], int]:
    """(report, week) asked other than once in `weeks`, or more than once in any week."""
    expected = {(r, w): asked.get((r, w), 0) for r in reports for w in weeks}
    wrong = {key: n for key, n in expected.items() if n != 1}
    wrong.update({key: n for key, n in asked.items() if n > 1})  # any week, even a real one
    return wrong


def test_mondays_each_report_asked_once_a_week(cluster: Cluster) -> None:
    started = time.monotonic()
    cluster.emu.wait_for(lambda: len(cluster.leaders()) == 1, 15)
    for monday in CLEAN_WEEKS:  # the replicas tick on the real clock all along
        cluster.monday(monday)
    print(f"\n{len(CLEAN_WEEKS)} weeks x {len(cluster.reports)} reports: "
          f"{time.monotonic() - started:.1f}s")
    wrong = missing_or_doubled(cluster.asked(), list(cluster.reports), cluster.weeks)
    assert not wrong, (f"{len(wrong)} (report, week) not asked exactly once "
                       f"({cluster.lost_leases()} leases lost): {_few(wrong)}")
    statuses = cluster.statuses("down.question", cluster.weeks)
    assert statuses == {"sent": len(cluster.reports) * len(set(cluster.weeks))}
    leading = [r for r in cluster.replicas if "now leads the scheduler" in r.log()]
    assert len(leading) == 1 and cluster.leaders() == leading  # no change of leader


def test_faults_on_a_fifth_of_calls_lose_nothing(cluster: Cluster) -> None:
    """The last two of the ten weeks (all ten when the module runs in order)."""
    started, emu = time.monotonic(), cluster.emu
    emu.chaos(rate=0.2, statuses=(429, 500, 503), retry_after=1, seed=20271)
    rounds = []
    try:
        for monday in CHAOS_WEEKS:
            for attempt in range(6):  # later ticks that Monday retry what is still due
                cluster.monday(monday, timedelta(minutes=30 * attempt),
                               CHAOS_COPIES if attempt == 0 else 1)
                if not unsettled(cluster.statuses("down.question", [week_of(monday)])):
                    break
            rounds.append(attempt + 1)
    finally:
        emu.chaos(rate=0)
    injected = emu.chaos_injected()
    statuses = cluster.statuses("down.question", map_weeks(CHAOS_WEEKS))
    print(f"\nchaos: {injected} faults injected, deliveries {dict(statuses)}, rounds {rounds}, "
          f"{time.monotonic() - started:.1f}s")
    assert injected > 0.1 * len(cluster.reports) * len(CHAOS_WEEKS)
    wrong = missing_or_doubled(cluster.asked(), list(cluster.reports), cluster.weeks)
    assert not wrong, (f"{len(wrong)} (report, week) not asked exactly once under faults "
                       f"(deliveries: {dict(statuses)}): {_few(wrong)}")


def unsettled(statuses: Counter[str]) -> dict[str, int]:
    """Deliveries still to be worked: pending, or failed with a retry scheduled."""
    return {s: n for s, n in statuses.items() if s not in ("sent", "skipped", "failed")}


def test_leader_killed_mid_fanout_another_takes_over(cluster: Cluster) -> None:
    emu = cluster.emu
    leader = emu.wait_for(lambda: _one(cluster.leaders()), 15)
    confirmers = [f"UC{n:02d}" for n in range(40)]
    for user in confirmers:
        emu.add_user(user, user.lower(), tz="Europe/Paris")
    # A slow fan-out, so it has a middle; the 11th message is still in flight (the emulator
    # posts it after the leader died), so its outcome is unknown to the database.
    emu.delay("chat.postMessage", 0.25, times=10)
    emu.delay("chat.postMessage", 4.0, times=1)
    emu.delay("chat.postMessage", 0.25, times=len(confirmers) - 11)
    seed_requests(cluster.url, confirmers)  # due now: the leader's real-clock tick sends them

    def reminded() -> Counter[str]:
        return Counter(dm_user(c["params"]["channel"]) for c in emu.calls("chat.postMessage")
                       if c["ok"] and dm_user(c["params"].get("channel")) in confirmers)

    emu.wait_for(lambda: sum(reminded().values()) >= 10, 30)
    time.sleep(1.0)  # the 11th chat.postMessage has left
    killed_at = time.monotonic()
    leader.kill()
    successor = emu.wait_for(lambda: _one([r for r in cluster.leaders() if r is not leader]), 30)
    takeover = time.monotonic() - killed_at
    assert "now leads the scheduler" in successor.log()
    assert takeover < 10, f"takeover took {takeover:.1f}s with TICK_SECONDS=1"
    if metric(successor) is not None:  # GET /metrics (when the server has it)
        live = [r for r in cluster.replicas if r is not leader]
        emu.wait_for(lambda: [metric(r) for r in live] == [int(r is successor) for r in live])
    sent_before = sum(reminded().values())
    print(f"\nleader killed after {sent_before} of {len(confirmers)} reminders; "
          f"takeover in {takeover:.2f}s")
    with contextlib.suppress(AssertionError):  # reported below, with the counts
        emu.wait_for(lambda: set(reminded()) == set(confirmers), 60)
    # The attempt the kill cut short keeps its lease (minutes): a tick past it looks for the
    # message by its metadata and adopts it, as it went out, instead of sending it again.
    cluster.ticks(datetime.now(UTC) + timedelta(minutes=30), 1)
    time.sleep(2)  # a few more leader ticks: nothing may come twice
    counts = reminded()
    wrong = {u: counts.get(u, 0) for u in confirmers if counts.get(u, 0) != 1}
    statuses = cluster.statuses("org.proposal_reminder", reminder_periods(cluster))
    assert not wrong, (f"after the kill, {len(wrong)} of {len(confirmers)} reminders not "
                       f"delivered exactly once: {_few(wrong)}; deliveries {dict(statuses)}")
    assert statuses == {"sent": len(confirmers)}


def seed_requests(url: str, confirmers: list[str]) -> None:
    """Requests made two days ago and never answered: each confirmer is due one reminder."""
    engine = make_engine(url)
    then = datetime.now(UTC) - timedelta(days=2)
    with make_sessions(engine).begin() as session:
        for n, user in enumerate(confirmers):
            manager = person(session, f"UK{n:02d}", team_id=TEAM, now=then)
            report = person(session, user, team_id=TEAM, tz="Europe/Paris", now=then)
            service.propose(session, TEAM, proposer=manager, manager=manager, report=report,
                            now=then)
    engine.dispose()


def metric(replica: BotProcess) -> int | None:
    """leadwell_scheduler_leader from the replica's /metrics, or None without the endpoint."""
    try:
        with urllib.request.urlopen(f"{replica.url}/metrics", timeout=5) as response:
            page = response.read().decode()
    except OSError:
        return None
    for line in page.splitlines():
        if line.startswith("leadwell_scheduler_leader "):
            return int(float(line.split()[1]))
    return None


def map_weeks(mondays: list[date]) -> list[str]:
    return [week_of(day) for day in mondays]


def reminder_periods(cluster: Cluster) -> list[str]:
    with cluster.db.connect() as connection:
        return list(connection.scalars(text(
            "SELECT DISTINCT period FROM deliveries WHERE kind = 'org.proposal_reminder'")))


def _one(found: list[BotProcess]) -> BotProcess | None:
    return found[0] if len(found) == 1 else None


def _few(wrong: dict) -> str:
    items = sorted(wrong.items())
    return ", ".join(f"{k}: {v}" for k, v in items[:12]) + (" …" if len(items) > 12 else "")
