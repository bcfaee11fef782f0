"""Follow-ups (DMs, App Home refreshes) handed to a process of their own (bot/core/followups.py)."""

from __future__ import annotations

import io
import logging
import os
import signal
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from bot import home
from bot.core.blocks import Message, notice
from bot.core.coalesce import Coalescer
from bot.core.followups import Dm, FollowUp, FollowUpProcess, Home, RunNow, frame, read, work_from
from bot.testing.process import children
from tests.e2e import Live, live  # noqa: F401 - the fixture

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
# A child that appends "kind team user" for each follow-up it reads (as `bot followups` reads).
RECORDER = """
import sys
from bot.core.followups import read
with open(sys.argv[1], "a") as out:
    for work in read(sys.stdin.buffer):
        out.write(f"{type(work).__name__} {work.team_id} {work.user_id}\\n")
        out.flush()
"""


def test_follow_ups_cross_the_pipe_whole() -> None:
    sent: list[FollowUp] = [Dm("T1", "UANN", notice("Saved <@UBOB>.")), Home("T1", "UBOB", NOW)]
    stream = io.BytesIO(b"".join(frame(work) for work in sent))
    received = list(read(stream))
    assert len(received) == 2 and received[1] == sent[1]
    assert isinstance(received[0], Dm) and received[0].message.blocks_dicts() == (
        sent[0].message.blocks_dicts())
    assert list(read(io.BytesIO(frame(sent[0])[:-1]))) == []  # a torn last frame: not run


def test_each_persons_follow_ups_run_in_order_and_all_before_it_returns() -> None:
    done: list[tuple[str, int]] = []
    lock = threading.Lock()

    def run(work: FollowUp) -> None:
        assert isinstance(work, Dm)
        time.sleep(0.001 * (hash(work.user_id) % 3))
        if work.message.text == "boom":
            raise RuntimeError("boom")
        with lock:
            done.append((work.user_id, int(work.message.text)))

    works = [Dm("T1", f"U{n % 4}", Message(str(n))) for n in range(40)]
    works.insert(5, Dm("T1", "U1", Message("boom")))  # a failure is logged, the rest run
    work_from(io.BytesIO(b"".join(frame(w) for w in works)), run, lanes=3)
    assert sorted(done) == sorted((f"U{n % 4}", n) for n in range(40))
    for user in ("U0", "U1", "U2", "U3"):
        mine = [n for u, n in done if u == user]
        assert mine == sorted(mine)


def test_run_now_logs_what_slack_refuses(sessions, emu, web, caplog) -> None:
    run_now = RunNow(sessions, Coalescer(), home.publish)
    emu.add_user("UANN", "ann")
    run_now(web, Dm(emu.team_id, "UANN", notice("hello")))
    assert emu.find_message("UANN", "hello")
    with caplog.at_level(logging.WARNING):
        run_now(web, Dm(emu.team_id, "UNOBODY", notice("hello")))
    assert "DM not delivered: channel_not_found" in caplog.text


def recorded(path: Path, lines: int) -> list[str]:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        text = path.read_text() if path.exists() else ""
        if text.count("\n") >= lines:
            return text.splitlines()
        time.sleep(0.02)
    raise AssertionError(f"expected {lines} lines, got: {path.read_text()!r}")


def test_the_process_gets_every_follow_up_and_is_started_again_if_it_ends(tmp_path) -> None:
    out = tmp_path / "got.txt"
    process = FollowUpProcess([sys.executable, "-c", RECORDER, str(out)])
    try:
        assert process.pid is None  # started by `start`, or by the first follow-up
        process.start()
        first = process.pid
        process(None, Dm("T1", "UANN", notice("one")))  # type: ignore[arg-type]
        process(None, Home("T1", "UBOB", NOW))  # type: ignore[arg-type]
        assert recorded(out, 2) == ["Dm T1 UANN", "Home T1 UBOB"]
        os.kill(first, signal.SIGKILL)
        while Path(f"/proc/{first}/stat").read_text().split(") ")[1][0] != "Z":
            time.sleep(0.01)  # dead, its pipe closed (not yet reaped)
        for n in range(3):
            process(None, Home("T1", f"U{n}", NOW))  # type: ignore[arg-type]
        assert recorded(out, 5)[2:] == ["Home T1 U0", "Home T1 U1", "Home T1 U2"]
        assert process.pid not in (None, first)
    finally:
        process.close()
    assert process.returncode == 0  # the pipe closed: it ended once it had read everything


def test_follow_ups_beyond_the_queue_are_dropped_with_a_warning(caplog) -> None:
    stuck = FollowUpProcess([sys.executable, "-c", "import time; time.sleep(60)"], max_queued=2)
    big = notice("x" * 2900)
    try:
        with caplog.at_level(logging.WARNING):
            for _ in range(200):  # the pipe holds 64 KiB, then the writer waits, then the queue
                stuck(None, Dm("T1", "UANN", big))  # type: ignore[arg-type]
        assert "follow-up dropped (Dm): 2 are waiting" in caplog.text
    finally:
        stuck.command = [sys.executable, "-c", "pass"]
        if stuck.pid is not None:
            os.kill(stuck.pid, signal.SIGKILL)


def test_bot_serve_works_its_follow_ups_in_a_child_process(live: Live) -> None:  # noqa: F811
    """Events and App Home go to `bot followups`, a child of `bot serve`: stopped, the event is
    still acknowledged and its home waits; killed, it is replaced."""
    assert live.bot.pid is not None
    followups = [pid for pid in children(live.bot.pid)
                 if b"followups" in Path(f"/proc/{pid}/cmdline").read_bytes()]
    assert len(followups) == 1
    live.slack.open_home("UANN")
    live.emu.wait_for(lambda: live.emu.home("UANN"), 15)
    os.kill(followups[0], signal.SIGSTOP)  # the event is acknowledged, its work waits
    try:
        assert live.slack.open_home("UCAT").status == 200
        time.sleep(0.5)
        assert live.emu.home("UCAT") is None
    finally:
        os.kill(followups[0], signal.SIGCONT)
    live.emu.wait_for(lambda: live.emu.home("UCAT"), 15)
    os.kill(followups[0], signal.SIGKILL)
    for _ in range(2):  # the first may be lost with the process; the next starts another
        live.slack.open_home("UBOB")
        time.sleep(0.5)
    live.emu.wait_for(lambda: live.emu.home("UBOB"), 15)
    assert [pid for pid in children(live.bot.pid) if pid != followups[0]
            and b"followups" in Path(f"/proc/{pid}/cmdline").read_bytes()]
