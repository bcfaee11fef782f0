"""What each CLI command starts: the server, Socket Mode, the scheduler, a tick, an import."""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime

from sqlalchemy.orm import sessionmaker

from bot.core import migrate
from bot.core.config import Settings
from bot.core.db import make_engine, make_sessions
from bot.core.scheduler import TickSummary, make_scheduler, tick
from bot.core.slack import build_client

log = logging.getLogger("bot")


def open_database(settings: Settings) -> sessionmaker:
    """Apply pending migrations, then hand out sessions."""
    engine = make_engine(settings.database_url, pool_size=settings.workers + 2)
    migrate.upgrade(engine)
    return make_sessions(engine)


def db_command(settings: Settings, action: str) -> int:
    engine = make_engine(settings.database_url)
    if action == "upgrade":
        migrate.upgrade(engine)
    database, code = migrate.current(engine)
    state = "up to date" if database == code else f"behind: the code is at {code}"
    print(f"database revision: {database or 'none'} ({state})")
    return 0


def serve(settings: Settings, *, port: int, scheduler: bool) -> None:
    """Slack's HTTP requests on a multi-threaded WSGI server (waitress)."""
    import waitress

    from bot.app import JOBS, create_app, create_wsgi

    sessions = open_database(settings)
    client = build_client(settings)
    app = create_app(settings, sessions, client)
    if scheduler:
        make_scheduler(sessions=sessions, client=client, jobs=JOBS,
                       seconds=settings.tick_seconds).start()
    log.info("serving on port %s (scheduler %s)", port, "on" if scheduler else "off")
    waitress.serve(create_wsgi(app, sessions), host="0.0.0.0", port=port,
                   threads=settings.workers, ident="leadwell", _quiet=True)


def socket(settings: Settings, *, scheduler: bool) -> None:
    """The same app over Socket Mode."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.app import JOBS, create_app

    sessions = open_database(settings)
    client = build_client(settings)
    if scheduler:
        make_scheduler(sessions=sessions, client=client, jobs=JOBS,
                       seconds=settings.tick_seconds).start()
    SocketModeHandler(create_app(settings, sessions, client), settings.app_token).start()


def scheduler(settings: Settings) -> None:
    from bot.app import JOBS

    sessions = open_database(settings)
    log.info("scheduler running every %ss", settings.tick_seconds)
    make_scheduler(sessions=sessions, client=build_client(settings), jobs=JOBS,
                   seconds=settings.tick_seconds, blocking=True).start()


def tick_once(settings: Settings, at: datetime) -> TickSummary:
    from bot.app import JOBS

    sessions = open_database(settings)
    return tick(at.astimezone(UTC), sessions=sessions, client=build_client(settings), jobs=JOBS)


def import_team(settings: Settings, path: str) -> int:
    from bot.org.importer import ImportFileError, import_team_csv

    sessions = open_database(settings)
    try:
        report = import_team_csv(path, sessions=sessions, client=build_client(settings),
                                 now=datetime.now(UTC), default_tz=settings.default_timezone)
    except ImportFileError as error:
        print(f"bot: error: {error}", file=sys.stderr)
        return 2
    for line in report.rejected:
        print(line, file=sys.stderr)
    print(report.summary())
    return 1 if report.rejected else 0
