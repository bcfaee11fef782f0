"""PostgreSQL going away under a running `bot serve`, on a private cluster of this test's own.

The cluster is made with initdb in a temporary folder and started and stopped with pg_ctl on a
free port (never the shared server on 5432). As root, both run as the `postgres` user.
"""

from __future__ import annotations

import glob
import json
import os
import pwd
import shutil
import subprocess
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bot.core.db import ping_when_idle
from bot.org.ids import Action
from bot.testing import SlackClient, SlackEmulator
from bot.testing.process import BotProcess, free_port
from tests.conftest import create_pg_database, drop_pg_database
from tests.e2e import SECRET

pytestmark = pytest.mark.e2e


class PrivatePostgres:
    """A throwaway PostgreSQL cluster: trust auth, 127.0.0.1 and a socket in its own folder."""

    def __init__(self, bindir: Path, as_user: list[str]) -> None:
        self.bindir, self.as_user = bindir, as_user
        self.root = Path(tempfile.mkdtemp(prefix="leadwell-pg-"))
        self.data, self.logfile = self.root / "data", self.root / "server.log"
        self.port = free_port()
        self.url = f"postgresql+psycopg://leadwell@127.0.0.1:{self.port}/postgres"
        if as_user:
            shutil.chown(self.root, user="postgres", group="postgres")

    def run(self, tool: str, *args: str) -> None:
        result = subprocess.run([*self.as_user, str(self.bindir / tool), *args], text=True,
                                capture_output=True, timeout=120)
        if result.returncode != 0:
            log = self.logfile.read_text(errors="replace") if self.logfile.exists() else ""
            raise RuntimeError(f"{tool} failed: {result.stdout}{result.stderr}\n{log}")

    def init(self) -> None:
        self.run("initdb", "-D", str(self.data), "-U", "leadwell", "--auth=trust", "-E", "UTF8",
                 "--no-sync")

    def start(self) -> None:
        options = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off")
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.logfile), "-o", options, "-w",
                 "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        self.run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


def pg_bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
                   key=lambda p: int(Path(p).parts[-3]))
    return Path(found[-1]).parent if found else None


@pytest.fixture
def postgres() -> Iterator[PrivatePostgres]:
    bindir = pg_bindir()
    if bindir is None:
        pytest.skip("no PostgreSQL server binaries under /usr/lib/postgresql/*/bin")
    as_user: list[str] = []
    if os.getuid() == 0:  # initdb refuses to run as root
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no `postgres` user to run initdb as")
        if shutil.which("runuser") is None:
            pytest.skip("running as root and `runuser` is missing to run initdb as postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    cluster = PrivatePostgres(bindir, as_user)
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.remove()


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def answer(emu: SlackEmulator, response) -> str:
    """A slash command's or a click's ephemeral answer: in the HTTP answer or on its URL."""
    assert response.status == 200, response.text
    if response.text.strip():
        return response.json()["text"]
    return emu.wait_for(lambda: emu.responses(response.response_url), 15)[-1]["text"]


def test_the_bot_rides_out_a_database_outage(postgres: PrivatePostgres) -> None:
    with SlackEmulator(team_id="T0001") as emu:
        for user_id in ("UANN", "UBOB", "UCAT"):
            emu.add_user(user_id, user_id[1:].lower())
        env = {"LOG_FORMAT": "json", "TICK_SECONDS": "1"}
        with BotProcess(emulator=emu, database_url=postgres.url, signing_secret=SECRET,
                        scheduler=True, env=env) as bot:
            slack = SlackClient(bot.events_url, SECRET, emu)
            asked = datetime.now(UTC)
            assert "Asked <@UBOB>" in answer(emu, slack.command("/team", "add <@UBOB>",
                                                                user="UANN"))
            request = emu.wait_for(lambda: emu.find_message("UBOB", "would like to add you"))
            slack.open_home("UANN")
            home = emu.wait_for(lambda: emu.home("UANN"))
            slack.click("UANN", home, Action.OPEN_ADD_REPORTS)
            add_reports = emu.wait_for(lambda: emu.open_views("UANN"))[-1]
            assert slack.command("/careerplan", "", user="UCAT").status == 200
            plan = emu.wait_for(lambda: emu.open_views("UCAT"))[-1]

            postgres.stop()
            assert get(f"{bot.url}/healthz") == (200, "ok")  # alive, so not restarted
            status, text = get(f"{bot.url}/readyz")
            assert status == 503 and "database unavailable" in text
            command = slack.command("/team", "", user="UCAT")
            assert "try again in a minute" in answer(emu, command)
            request_id = command.headers["X-Request-Id"]
            click = slack.click("UBOB", request, Action.CONFIRM)
            assert "try again in a minute" in answer(emu, click)
            typed = {"Why do you do what you do?": "I love helping people win"}
            submitted = slack.submit("UCAT", plan, typed, allow_missing=True)
            assert submitted.status == 200  # a modal error: the modal stays, with the text
            assert "try again in a minute" in next(iter(submitted.json()["errors"].values()))
            assert "I love helping people win" in str(emu.open_views("UCAT")[-1]["state"])
            # a modal that closes on submit before its work: the apology comes by DM
            slack.submit("UANN", add_reports, {Action.PICK_REPORTS: ["UCAT"]})
            emu.wait_for(lambda: emu.find_message("UANN", "try again in a minute"))
            assert slack.message("UBOB", "hello?").status == 200  # events: acknowledged
            status, text = get(f"{bot.url}/metrics")
            assert status == 200 and "leadwell_database_up 0" in text
            due = asked + timedelta(days=1, minutes=5)  # the reminder falls due meanwhile
            failed = bot.cli("tick", "--at", due.isoformat())
            assert failed.returncode == 1 and failed.stderr.strip().splitlines()[-1].startswith(
                "bot: error: the database is unavailable")

            postgres.start()
            emu.wait_for(lambda: get(f"{bot.url}/readyz") == (200, "ready"), 30)
            assert "Your manager" in answer(emu, slack.command("/team", "", user="UCAT"))
            for later in (due + timedelta(minutes=10), due + timedelta(minutes=20)):
                ticked = bot.cli("tick", "--at", later.isoformat())
                assert ticked.returncode == 0, ticked.stderr
            reminders = [m for m in emu.dm_messages("UBOB") if m["text"].startswith("Reminder")]
            assert len(reminders) == 1
            emu.wait_for(lambda: "leadwell_scheduler_leader 1" in get(f"{bot.url}/metrics")[1],
                         30)
            log = bot.log()
    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    assert lines and not [line for line in lines if " 500 " in line["message"]
                          or "-> 500" in line["message"]]
    failed = [line for line in lines if "database unavailable" in line["message"]
              and line["logger"] == "bot.app"]
    assert failed and all(line["request_id"] and "exc" not in line for line in failed)
    # the listener's line (on a pool thread) carries the id of the request that started it
    assert request_id in {line["request_id"] for line in failed}


@pytest.mark.postgres
def test_only_a_connection_idle_a_while_is_pinged_and_a_dead_one_replaced(pg_admin) -> None:
    url = create_pg_database(pg_admin)
    engine = create_engine(url, pool_size=1, max_overflow=0)
    now, pings = [0.0], []
    ping_when_idle(engine, after=5.0, clock=lambda: now[0])
    real_ping = engine.dialect.do_ping
    engine.dialect.do_ping = lambda dbapi: pings.append(1) or real_ping(dbapi)  # type: ignore

    def backend() -> int:
        with engine.connect() as connection:
            return connection.scalar(text("SELECT pg_backend_pid()"))

    try:
        first = backend()
        now[0] += 1.0
        assert backend() == first and pings == []  # back in the pool a moment ago: no ping
        now[0] += 10.0
        with pg_admin.connect() as admin:
            admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
        second = backend()  # idle 10 s: pinged, found dead, replaced before the statement
        assert pings == [1] and second != first
    finally:
        engine.dispose()
        drop_pg_database(pg_admin, url)
