"""The floor: a bare Bolt app whose listeners only ack, on the same server stack as `bot serve`.

Same server (bot/core/server.py: waitress, threads = WORKERS, default 16, in WEB_CONCURRENCY
processes, default 1), the same interpreter settings (a 1 ms
GIL switch interval, start-up objects frozen out of the GC), the same Bolt configuration
(signature checks, no token verification, a listener pool of WORKERS threads), no database, no
logging, no middleware: whatever the bot adds above it is Leadwell's own cost.

    SLACK_SIGNING_SECRET=… SLACK_BOT_TOKEN=… SLACK_API_URL=… python -m bench.floor --port 3001
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

from bot.core.acks import tune_interpreter
from bot.testing.process import free_port

ANYTHING = re.compile(".*")
ROOT = Path(__file__).resolve().parents[1]


def floor_app(signing_secret: str, workers: int, client: WebClient) -> App:
    """Bolt with one listener per kind of request the benchmark sends; each only acks.
    Like the bot's, `client` answers Bolt's one auth.test (the emulator in the benchmark)."""
    app = App(client=client, signing_secret=signing_secret,
              token_verification_enabled=False,
              listener_executor=ThreadPoolExecutor(max_workers=workers))

    def only_ack(ack: Ack) -> None:
        ack()

    app.command(ANYTHING)(only_ack)
    app.action(ANYTHING)(only_ack)
    app.view(ANYTHING)(only_ack)
    app.event("message")(only_ack)
    app.event("app_home_opened")(only_ack)
    return app


def serve(port: int) -> None:
    from bot.core import server

    workers = int(os.environ.get("WORKERS", "16"))
    processes = int(os.environ.get("WEB_CONCURRENCY", "1"))

    def build() -> server.WSGIApp:
        client = WebClient(token=os.environ.get("SLACK_BOT_TOKEN", "xoxb-floor"),
                           base_url=os.environ.get("SLACK_API_URL", WebClient.BASE_URL))
        handler = SlackRequestHandler(floor_app(os.environ["SLACK_SIGNING_SECRET"], workers,
                                                client))

        def wsgi(environ: dict[str, Any], start_response: Any) -> Any:
            if environ.get("PATH_INFO") == "/healthz":
                start_response("200 OK", [("Content-Type", "text/plain"),
                                          ("Content-Length", "2")])
                return [b"ok"]
            return handler(environ, start_response)

        tune_interpreter()  # the interpreter as `bot serve` sets it
        return wsgi

    server.serve_forever(build, port=port, threads=workers, processes=processes, ident="floor")


class FloorProcess:
    """`python -m bench.floor` as a child process (the benchmark's A side)."""

    def __init__(self, signing_secret: str, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.events_url = f"http://127.0.0.1:{self.port}/slack/events"
        self.env = {**os.environ, "SLACK_SIGNING_SECRET": signing_secret, **(env or {})}
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def __enter__(self) -> FloorProcess:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "bench.floor", "--port", str(self.port)], env=self.env,
            cwd=ROOT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"bench.floor exited with {self._process.returncode}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=1):
                    return self
            except OSError:
                time.sleep(0.1)
        self.__exit__()
        raise RuntimeError("bench.floor did not start in 30 s")

    def __exit__(self, *exc: object) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            self._process.wait(10)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.floor", description=__doc__)
    parser.add_argument("--port", type=int, default=3001)
    serve(parser.parse_args(argv).port)


if __name__ == "__main__":
    main()
