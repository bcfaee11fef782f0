"""What each CLI command starts: the server, Socket Mode, the scheduler, a tick, an import,
an API token."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from datetime import UTC, datetime

from slack_sdk import WebClient
from sqlalchemy.orm import sessionmaker

from bot.core import migrate
from bot.core.config import Settings
from bot.core.db import make_engine, make_sessions
from bot.core.leader import leadership_for
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
                       seconds=settings.tick_seconds,
                       leadership=leadership_for(settings.database_url)).start()
    log.info("serving on port %s (scheduler %s)", port, "on" if scheduler else "off")
    waitress.serve(create_wsgi(app, sessions, signing_secret=settings.signing_secret or "",
                               default_tz=settings.default_timezone),
                   host="0.0.0.0", port=port, threads=settings.workers, ident="leadwell",
                   _quiet=True)


def socket(settings: Settings, *, scheduler: bool) -> None:
    """The same app over Socket Mode."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.app import JOBS, create_app

    sessions = open_database(settings)
    client = build_client(settings)
    if scheduler:
        make_scheduler(sessions=sessions, client=client, jobs=JOBS,
                       seconds=settings.tick_seconds,
                       leadership=leadership_for(settings.database_url)).start()
    SocketModeHandler(create_app(settings, sessions, client), settings.app_token).start()


def scheduler(settings: Settings) -> None:
    from bot.app import JOBS

    sessions = open_database(settings)
    log.info("scheduler running every %ss", settings.tick_seconds)
    make_scheduler(sessions=sessions, client=build_client(settings), jobs=JOBS,
                   seconds=settings.tick_seconds, blocking=True,
                   leadership=leadership_for(settings.database_url)).start()


def tick_once(settings: Settings, at: datetime) -> TickSummary:
    from bot.app import JOBS

    sessions = open_database(settings)
    return tick(at.astimezone(UTC), sessions=sessions, client=build_client(settings), jobs=JOBS)


def deliveries(settings: Settings, statuses: list[str], limit: int) -> int:
    """Print the outbox as a table (database only, no Slack token)."""
    from bot.core.deliveries import latest, table

    with open_database(settings).begin() as session:
        rows = latest(session, statuses, limit)
    print("\n".join(table(rows)))
    return 0


def import_team(settings: Settings, path: str) -> int:
    from bot.org.importer import import_team_csv

    def load(sessions: sessionmaker, client: WebClient) -> tuple[list[str], str]:
        report = import_team_csv(path, sessions=sessions, client=client, now=datetime.now(UTC),
                                 default_tz=settings.default_timezone)
        return report.rejected, report.summary()

    return run_import(settings, load)


def import_metrics(settings: Settings, path: str) -> int:
    from bot.lead_up.importer import import_metrics_csv

    def load(sessions: sessionmaker, client: WebClient) -> tuple[list[str], str]:
        outcome = import_metrics_csv(path, sessions=sessions, client=client,
                                     now=datetime.now(UTC), default_tz=settings.default_timezone)
        return outcome.lines(), outcome.summary()

    return run_import(settings, load)


def run_import(settings: Settings,
               load: Callable[[sessionmaker, WebClient], tuple[list[str], str]]) -> int:
    """Rejected rows to stderr, the summary to stdout; exit 2 if the file is unusable."""
    from bot.org.importer import ImportFileError

    sessions = open_database(settings)
    try:
        rejected, summary = load(sessions, build_client(settings))
    except ImportFileError as error:
        print(f"bot: error: {error}", file=sys.stderr)
        return 2
    for line in rejected:
        print(line, file=sys.stderr)
    print(summary)
    return 1 if rejected else 0


def api_token(settings: Settings) -> int:
    """Create or rotate the workspace's token for `POST /api/metrics` and print it once."""
    from bot.lead_up.api import create_token

    sessions = open_database(settings)
    team_id = build_client(settings).auth_test()["team_id"]
    print(create_token(sessions, team_id, datetime.now(UTC)))
    print(f"the API token of workspace {team_id} (shown once; any earlier token no longer "
          "works)", file=sys.stderr)
    return 0
