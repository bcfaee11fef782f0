"""The HTTP server stack: waitress threads, in one process or in WEB_CONCURRENCY processes.

One Python process runs one thread at a time (the interpreter lock), so on a machine with
several cores `bot serve` can start several worker processes. The parent binds the port once,
then starts each worker as a fresh interpreter (`sys.orig_argv` again, never a bare fork) with
the listening socket inherited as LEADWELL_LISTEN_FD; the kernel hands each new connection to
whichever worker accepts it first. The parent only supervises: it restarts a worker that dies,
and passes SIGTERM / SIGINT on to all of them. Workers share nothing but the database, which
is the truth for everything they do (caches are per process: docs/architecture.md).
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

log = logging.getLogger(__name__)

LISTEN_FD = "LEADWELL_LISTEN_FD"
SUPERVISOR_PID = "LEADWELL_SUPERVISOR_PID"
RESTART_DELAY = 1.0  # seconds between two starts of the same worker slot
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def is_worker() -> bool:
    """This process is a worker started by `serve_forever`'s parent (it must not start the
    scheduler: the parent runs it once for all workers)."""
    return LISTEN_FD in os.environ


def serve_forever(build: Callable[[], WSGIApp], *, port: int, threads: int, processes: int,
                  ident: str, supervising: Callable[[], None] | None = None) -> None:
    """Serve `build()` on `port` with `threads` waitress threads in each of `processes`
    processes. With more than one, this process becomes their supervisor and calls
    `supervising` (e.g. to start the scheduler) once they are started."""
    inherited = os.environ.get(LISTEN_FD)
    if inherited is not None:
        _exit_with_parent()
        _waitress(build(), threads, ident, sockets=[socket.socket(fileno=int(inherited))])
    elif processes <= 1:
        _waitress(build(), threads, ident, host="0.0.0.0", port=port)
    else:
        with listening_socket(port) as sock:
            Supervisor(sock, processes).run(supervising)


def _exit_with_parent() -> None:
    """End this worker when its supervisor is gone (killed without passing the signal on), so
    no orphan keeps serving the port. The supervisor's pid comes from the environment: by the
    time a worker has imported the bot its parent may already be gone and `getppid()` would
    name whichever process adopted it."""
    parent = int(os.environ.get(SUPERVISOR_PID) or os.getppid())

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def listening_socket(port: int) -> socket.socket:
    """A TCP socket listening on `port` (all interfaces) that child processes can inherit."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("0.0.0.0", port))
    sock.listen(1024)
    sock.set_inheritable(True)
    return sock


def _waitress(wsgi: WSGIApp, threads: int, ident: str, **where: Any) -> None:
    import waitress

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "task queue depth" lines
    waitress.serve(wsgi, threads=threads, ident=ident, _quiet=True, **where)


class Supervisor:
    """Keeps `processes` workers running on `sock` until SIGTERM or SIGINT."""

    def __init__(self, sock: socket.socket, processes: int) -> None:
        self.sock, self.processes = sock, processes
        self.workers: list[subprocess.Popen[bytes] | None] = [None] * processes
        self.started = [float("-inf")] * processes
        self.stopping = False

    def command(self) -> list[str]:
        """The command line this process was started with, to start a worker the same way."""
        return [sys.executable, *sys.orig_argv[1:]]

    def start(self, slot: int) -> None:
        env = {**os.environ, LISTEN_FD: str(self.sock.fileno()),
               SUPERVISOR_PID: str(os.getpid())}
        worker = subprocess.Popen(self.command(), env=env, pass_fds=(self.sock.fileno(),))
        self.workers[slot], self.started[slot] = worker, time.monotonic()
        if self.stopping:  # a signal came while it started
            worker.terminate()

    def stop(self, signum: int, _frame: Any = None) -> None:
        self.stopping = True
        for worker in self.workers:
            if worker is not None and worker.poll() is None:
                worker.send_signal(signum)

    def run(self, supervising: Callable[[], None] | None = None) -> None:
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self.stop)
        for slot in range(self.processes):
            self.start(slot)
        log.info("%d worker processes started", self.processes)
        if supervising is not None:
            supervising()
        while not self.stopping:
            for slot, worker in enumerate(self.workers):
                if worker is not None and worker.poll() is not None and not self.stopping:
                    log.warning("worker process %d exited with %s; starting another",
                                worker.pid, worker.returncode)
                    time.sleep(max(0.0, self.started[slot] + RESTART_DELAY - time.monotonic()))
                    self.start(slot)
            time.sleep(0.2)
        for worker in self.workers:
            if worker is not None:
                try:
                    worker.wait(30)
                except subprocess.TimeoutExpired:
                    worker.kill()
