"""Run the real `bot` CLI as a child process against the emulator (tests and benchmarks)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from bot.testing.emulator import SlackEmulator


def children(pid: int) -> list[int]:
    """The running child processes of `pid` (Linux /proc; none once it has ended)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found += [int(child) for child in task.read_text().split()]
        except (FileNotFoundError, ProcessLookupError):  # that thread ended meanwhile
            continue
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class BotProcess:
    """`python -m bot serve` with its environment pointed at an emulator and a database."""

    def __init__(self, *, emulator: SlackEmulator, database_url: str, signing_secret: str,
                 scheduler: bool = False, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.events_url = f"{self.url}/slack/events"
        self.scheduler = scheduler
        self.env = {
            **os.environ,
            "SLACK_BOT_TOKEN": emulator.bot_token,
            "SLACK_SIGNING_SECRET": signing_secret,
            "SLACK_API_URL": emulator.api_url,
            "DATABASE_URL": database_url,
            "LOG_LEVEL": "INFO",
            **(env or {}),
        }
        self._log = Path(tempfile.mkstemp(prefix="leadwell-bot-", suffix=".log")[1])
        self._process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 30.0) -> BotProcess:
        args = ["serve", "--port", str(self.port)] + ([] if self.scheduler else ["--no-scheduler"])
        with open(self._log, "ab") as log:
            self._process = subprocess.Popen([sys.executable, "-m", "bot", *args], env=self.env,
                                             stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                code = self._process.returncode
                raise RuntimeError(f"bot serve exited with {code}:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"bot serve did not become healthy in {timeout}s:\n{self.log()}")

    def cli(self, *args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
        """Run another `bot` command with the same environment."""
        return subprocess.run([sys.executable, "-m", "bot", *args], env=self.env, text=True,
                              capture_output=True, timeout=120, **kwargs)

    def log(self) -> str:
        return self._log.read_text(errors="replace")

    @property
    def pid(self) -> int | None:
        """The process id of the running `bot serve`, if started."""
        return self._process.pid if self._process is not None else None

    def kill(self) -> None:
        """SIGKILL, as a crash would: no shutdown code runs, the OS closes its sockets."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()

    def __enter__(self) -> BotProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
