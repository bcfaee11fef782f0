"""Follow-ups: the DMs and App Home refreshes a listener asks for once it has answered Slack,
and the events Slack sends (which only need an answer that they arrived).

In one interpreter that work (Block Kit validated and serialized, a home read and built, a
Monday answer recorded, the Web API calls) takes turns for the GIL with the next requests'
acknowledgements. So `bot serve` and `bot socket` start a follow-up process (`bot
followups`: the same settings, at a lower CPU priority) and hand it each follow-up, pickled,
over a pipe: a listener only queues it (`FollowUpProcess`). `bot serve` also hands it each
new event once it has checked its signature and recorded its id (`Event`, dispatched there to
a Bolt app of its own). Elsewhere (tests, `bot demo`, FOLLOW_UP_PROCESS=0) DMs and homes
are done at once, in the listener's thread (`RunNow`), and events by the serving app.

Best effort, as before: a follow-up that cannot be handed over (more than MAX_QUEUED wait, or
the process ended and could not be started again) is logged and dropped. One person's
follow-ups run in the order they were asked for (one lane per person).
"""

from __future__ import annotations

import logging
import os
import pickle
import queue
import struct
import subprocess
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO, Protocol

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import sessionmaker

from bot.core.blocks import Message
from bot.core.bodies import SlackBody
from bot.core.coalesce import Coalescer
from bot.core.slack import send_dm

log = logging.getLogger(__name__)
MAX_QUEUED = 10_000  # follow-ups waiting for the pipe before new ones are dropped
LANES = 2  # threads of the follow-up process (as many follow-ups at once)
NICE = 10  # the follow-up process's CPU priority, below the serving process's
_FRAME = struct.Struct(">I")  # each pickled follow-up is preceded by its length


@dataclass(frozen=True)
class Dm:
    """Tell `user_id` something by DM."""

    team_id: str
    user_id: str
    message: Message


@dataclass(frozen=True)
class Home:
    """Publish `user_id`'s App Home as the database has it (`now`: the request's time)."""

    team_id: str
    user_id: str
    now: datetime


@dataclass(frozen=True)
class Event:
    """An Events API request the serving process checked, recorded and acknowledged, for the
    follow-up process's own Bolt app (bot/core/events.py `answer_event`)."""

    team_id: str
    user_id: str  # the event's user, if any: their events stay in order
    body: str


FollowUp = Dm | Home | Event


def event_of(team_id: str, body: SlackBody) -> Event:
    """The follow-up of an Events API request, on its user's lane if it names one."""
    inner = (body.payload or {}).get("event")
    user = inner.get("user") if isinstance(inner, dict) else None
    return Event(team_id, user if isinstance(user, str) else "", body.text)


HomePublisher = Callable[[sessionmaker, WebClient, str, str, datetime, Coalescer], None]
"""bot/home.py `publish`: (sessions, client, team_id, user_id, now, refreshes)."""


class FollowUps(Protocol):
    """Where a listener's follow-ups go; `client` is the request's (its workspace's token)."""

    def __call__(self, client: WebClient, work: FollowUp) -> None: ...


class RunNow:
    """Runs each follow-up at once, in the calling thread; App Home builds coalesce in
    `refreshes`. Slack's refusals are logged, never raised."""

    def __init__(self, sessions: sessionmaker, refreshes: Coalescer,
                 publish: HomePublisher) -> None:
        self.sessions, self.refreshes, self.publish = sessions, refreshes, publish

    def __call__(self, client: WebClient, work: FollowUp) -> None:
        if isinstance(work, Event):
            raise TypeError("events go to Bolt: only the follow-up process takes them")
        try:
            if isinstance(work, Dm):
                send_dm(client, work.user_id, text=work.message.text,
                        blocks=work.message.blocks_dicts())
            else:
                self.publish(self.sessions, client, work.team_id, work.user_id, work.now,
                             self.refreshes)
        except SlackApiError as error:
            log.warning("%s not delivered: %s", "DM" if isinstance(work, Dm) else "App Home",
                        error.response.get("error"))


class FollowUpProcess:
    """Hands follow-ups to a child process started with `command` (at `start`, else with the
    first follow-up; started again if it ends); a writer thread feeds its standard input, so
    a listener never waits on the pipe. The process works the follow-ups of every workspace
    with its own clients, so the request's `client` is not passed on."""

    def __init__(self, command: list[str], max_queued: int = MAX_QUEUED) -> None:
        self.command = command
        self._queue: queue.Queue[FollowUp | None] = queue.Queue(max_queued)
        self._process: subprocess.Popen[bytes] | None = None
        self._starting = threading.Lock()
        self._writer = threading.Thread(target=self._write, name="follow-ups", daemon=True)
        self._writer.start()

    def start(self) -> None:
        """Start the process now (once the app serves), so that the first follow-up does not
        wait for an interpreter to start."""
        self._running()

    def __call__(self, client: WebClient, work: FollowUp) -> None:
        try:
            self._queue.put_nowait(work)
        except queue.Full:
            log.warning("follow-up dropped (%s): %d are waiting", type(work).__name__,
                        self._queue.maxsize)

    @property
    def pid(self) -> int | None:
        """The follow-up process's id (None before it starts)."""
        return self._process.pid if self._process is not None else None

    @property
    def returncode(self) -> int | None:
        """Its exit status once it has ended, else None."""
        return self._process.poll() if self._process is not None else None

    def close(self, timeout: float = 10.0) -> None:
        """Hand over what is queued, then close the pipe: the process ends once it has
        worked everything (as it does if this process dies)."""
        self._queue.put(None, timeout=timeout)
        self._writer.join(timeout)
        if self._process is not None:
            self._process.wait(timeout)

    def _write(self) -> None:
        while True:
            batch = [self._queue.get()]
            while len(batch) < 256 and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            works = [work for work in batch if work is not None]
            if works and not self._send(b"".join(frame(work) for work in works)):
                log.warning("%d follow-up(s) dropped: the follow-up process is not running",
                            len(works))
            if len(works) < len(batch):  # close() queued its None: hand over, then close
                if self._process is not None and self._process.stdin is not None:
                    self._process.stdin.close()
                return

    def _send(self, data: bytes) -> bool:
        for _ in range(2):  # once more with a new process if the last one has ended
            process = self._running()
            try:
                assert process.stdin is not None
                process.stdin.write(data)
                process.stdin.flush()
                return True
            except (OSError, ValueError):  # BrokenPipeError: it ended meanwhile
                log.warning("the follow-up process ended (exit %s); starting it again",
                            process.poll())
                self._process = None
        return False

    def _running(self) -> subprocess.Popen[bytes]:
        with self._starting:
            if self._process is None or self._process.poll() is not None:
                self._process = subprocess.Popen(self.command, stdin=subprocess.PIPE)
            return self._process


def frame(work: FollowUp) -> bytes:
    """`work` as it goes down the pipe: its length, then its pickle."""
    data = pickle.dumps(work, protocol=pickle.HIGHEST_PROTOCOL)
    return _FRAME.pack(len(data)) + data


def read(stream: BinaryIO) -> Iterator[FollowUp]:
    """The follow-ups written to `stream`, until it ends (our own pipe: trusted pickles)."""
    while len(header := stream.read(_FRAME.size)) == _FRAME.size:
        size = _FRAME.unpack(header)[0]
        data = stream.read(size)
        if len(data) < size:  # the writer died mid-frame
            return
        yield pickle.loads(data)


def work_from(stream: BinaryIO, run: Callable[[FollowUp], None], lanes: int = LANES) -> None:
    """The follow-up process: run each follow-up read from `stream` on its person's lane,
    and return once the stream has ended and every follow-up has run."""
    pools = [ThreadPoolExecutor(1, thread_name_prefix=f"lane{i}") for i in range(lanes)]

    def safely(work: FollowUp) -> None:
        try:
            run(work)
        except Exception:
            log.exception("follow-up failed: %s for %s", type(work).__name__, work.user_id)

    for work in read(stream):
        pools[hash((work.team_id, work.user_id)) % lanes].submit(safely, work)
    for pool in pools:
        pool.shutdown(wait=True)


def lower_priority() -> None:
    """Give the serving process's acknowledgements the CPU first."""
    try:
        os.nice(NICE)
    except OSError:  # not allowed here: same priority, still another interpreter
        log.info("follow-up process: could not lower its CPU priority")
