"""What each CLI command starts: the server, Socket Mode, the scheduler, a tick, an import,
an API token."""

from __future__ import annotations

import logging
import signal
import sys
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from slack_sdk import WebClient
from sqlalchemy.orm import sessionmaker

from bot.core import followups, migrate
from bot.core.config import Settings, sqlite_path
from bot.core.db import make_engine, make_sessions
from bot.core.followups import FollowUpProcess
from bot.core.leader import leadership_for
from bot.core.scheduler import TickSummary, make_scheduler, tick
from bot.core.slack import build_client

if TYPE_CHECKING:
    from bot.core.install import Workspaces

log = logging.getLogger("bot")
JSON = "application/json"


def open_database(settings: Settings) -> sessionmaker:
    """Apply pending migrations, then hand out sessions (a pool for the request threads, the
    scheduler's sender threads and a spare)."""
    from bot.core.senders import SENDERS

    engine = make_engine(settings.database_url, pool_size=settings.workers + SENDERS + 2)
    migrate.upgrade(engine)
    return make_sessions(engine)


def workspaces(settings: Settings, sessions: sessionmaker, client: WebClient) -> Workspaces:
    """Each workspace's client: `client` (SLACK_BOT_TOKEN's), or in OAuth mode each
    installation's (bot/core/install.py)."""
    from bot.core.install import workspaces_for

    return workspaces_for(settings, sessions.kw["bind"], client)


def _jobs(settings: Settings) -> tuple:
    """The scheduled jobs (bot/app.py, imported only by the commands that run them)."""
    from bot.app import scheduled_jobs

    return scheduled_jobs(settings)


def db_command(settings: Settings, action: str) -> int:
    engine = make_engine(settings.database_url)
    if action == "upgrade":
        migrate.upgrade(engine)
    database, code = migrate.current(engine)
    state = "up to date" if database == code else f"behind: the code is at {code}"
    print(f"database revision: {database or 'none'} ({state})")
    return 0


def serve(settings: Settings, *, port: int, scheduler: bool) -> None:
    """Slack's HTTP requests on waitress threads, in WEB_CONCURRENCY processes
    (bot/core/server.py); the scheduler runs once, in the process that started them."""
    from bot.core import server

    sessions = open_database(settings)  # migrated before any worker starts
    client = build_client(settings)
    clients = workspaces(settings, sessions, client)

    def start_scheduler() -> None:
        make_scheduler(sessions=sessions, client=clients, jobs=_jobs(settings),
                       seconds=settings.tick_seconds,
                       leadership=leadership_for(settings.database_url)).start()

    def build() -> server.WSGIApp:
        from bot.app import create_app, create_wsgi
        from bot.core.acks import tune_interpreter

        child = follow_up_process(settings)
        app = create_app(settings, sessions, client, workspaces=clients, followups=child)
        if scheduler and not server.is_worker():
            start_scheduler()
        wsgi = create_wsgi(app, sessions, signing_secret=settings.signing_secret or "",
                           default_tz=settings.default_timezone, clients=clients,
                           events_to=child)
        if child is not None:
            child.start()
        tune_interpreter()
        return wsgi

    if settings.web_concurrency > 1 and sqlite_path(settings.database_url) is not None \
            and not server.is_worker():
        log.warning("WEB_CONCURRENCY=%d on SQLite: one process writes at a time, so the "
                    "workers wait for each other's writes; use PostgreSQL, or 1",
                    settings.web_concurrency)
    if not server.is_worker():
        log.info("serving on port %s (%d process%s, scheduler %s%s)", port,
                 settings.web_concurrency, "es" if settings.web_concurrency > 1 else "",
                 "on" if scheduler else "off", ", OAuth mode" if settings.oauth else "")
    server.serve_forever(build, port=port, threads=settings.workers,
                         processes=settings.web_concurrency, ident="leadwell",
                         supervising=start_scheduler if scheduler else None)


def socket(settings: Settings, *, scheduler: bool) -> None:
    """The same app over Socket Mode."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.app import create_app
    from bot.core.acks import tune_interpreter

    sessions = open_database(settings)
    client = build_client(settings)
    clients = workspaces(settings, sessions, client)
    if scheduler:
        make_scheduler(sessions=sessions, client=clients, jobs=_jobs(settings),
                       seconds=settings.tick_seconds,
                       leadership=leadership_for(settings.database_url)).start()
    child = follow_up_process(settings)
    app = create_app(settings, sessions, client, workspaces=clients, followups=child)
    tune_interpreter()
    handler = SocketModeHandler(app, settings.app_token)
    handler.connect()
    if child is not None:  # connected: started now, not for a failed start
        child.start()
    log.info("connected over Socket Mode")
    threading.Event().wait()  # as SocketModeHandler.start(): the handler's threads serve


def follow_up_process(settings: Settings) -> FollowUpProcess | None:
    """The serving process's follow-up process (`bot followups`), unless FOLLOW_UP_PROCESS=0."""
    if not settings.follow_up_process:
        return None
    return FollowUpProcess([sys.executable, "-m", "bot", "followups"])


def follow_ups(settings: Settings) -> int:
    """`bot followups`: the DMs, App Home refreshes and events its parent, a serving process,
    pipes to its standard input (bot/core/followups.py), until that ends. Events go to this
    process's own Bolt app, whose listeners' follow-ups run here at once."""
    from slack_bolt import BoltRequest

    from bot import home
    from bot.app import create_app
    from bot.core.coalesce import Coalescer
    from bot.core.home import REFRESH_INTERVAL

    followups.lower_priority()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C: the parent stops, then this drains
    sessions = make_sessions(make_engine(settings.database_url, pool_size=settings.workers))
    client = build_client(settings)
    clients = workspaces(settings, sessions, client)
    run_now = followups.RunNow(sessions, Coalescer(REFRESH_INTERVAL), home.publish)
    app = create_app(settings, sessions, client, workspaces=clients, followups=run_now,
                     verify=False)  # its parent checked the signatures

    def run(work: followups.FollowUp) -> None:
        if isinstance(work, followups.Event):
            app.dispatch(BoltRequest(body=work.body, headers={"content-type": JSON}))
        else:
            run_now(clients(work.team_id), work)

    followups.work_from(sys.stdin.buffer, run)
    return 0


def scheduler(settings: Settings) -> None:
    sessions = open_database(settings)
    log.info("scheduler running every %ss", settings.tick_seconds)
    make_scheduler(sessions=sessions, client=workspaces(settings, sessions, build_client(settings)),
                   jobs=_jobs(settings), seconds=settings.tick_seconds, blocking=True,
                   leadership=leadership_for(settings.database_url)).start()


def tick_once(settings: Settings, at: datetime) -> TickSummary:
    sessions = open_database(settings)
    return tick(at.astimezone(UTC), sessions=sessions, jobs=_jobs(settings),
                client=workspaces(settings, sessions, build_client(settings)))


def deliveries(settings: Settings, statuses: list[str], limit: int) -> int:
    """Print the outbox as a table (database only, no Slack token)."""
    from bot.core.deliveries import latest, table

    with open_database(settings).begin() as session:
        rows = latest(session, statuses, limit)
    print("\n".join(table(rows)))
    return 0


def command_client(settings: Settings, sessions: sessionmaker, team_id: str | None) -> WebClient:
    """SLACK_BOT_TOKEN's client, or (OAuth mode, `--team`) that installation's."""
    from bot.core.config import SettingsError
    from bot.core.slack import NotInstalled

    client = build_client(settings)
    if team_id is None:
        return client
    try:
        return workspaces(settings, sessions, client)(team_id)
    except NotInstalled as error:
        raise SettingsError(str(error)) from None


def import_team(settings: Settings, path: str, team_id: str | None = None) -> int:
    from bot.org.importer import import_team_csv

    def load(sessions: sessionmaker, client: WebClient) -> tuple[list[str], str]:
        report = import_team_csv(path, sessions=sessions, client=client, now=datetime.now(UTC),
                                 default_tz=settings.default_timezone)
        return report.rejected, report.summary()

    return run_import(settings, load, team_id)


def import_metrics(settings: Settings, path: str, team_id: str | None = None) -> int:
    from bot.lead_up.importer import import_metrics_csv

    def load(sessions: sessionmaker, client: WebClient) -> tuple[list[str], str]:
        outcome = import_metrics_csv(path, sessions=sessions, client=client,
                                     now=datetime.now(UTC), default_tz=settings.default_timezone)
        return outcome.lines(), outcome.summary()

    return run_import(settings, load, team_id)


def run_import(settings: Settings,
               load: Callable[[sessionmaker, WebClient], tuple[list[str], str]],
               team_id: str | None = None) -> int:
    """Rejected rows to stderr, the summary to stdout; exit 2 if the file is unusable."""
    from bot.org.importer import ImportFileError

    sessions = open_database(settings)
    try:
        rejected, summary = load(sessions, command_client(settings, sessions, team_id))
    except ImportFileError as error:
        print(f"bot: error: {error}", file=sys.stderr)
        return 2
    for line in rejected:
        print(line, file=sys.stderr)
    print(summary)
    return 1 if rejected else 0


def api_token(settings: Settings, team: str | None = None) -> int:
    """Create or rotate the workspace's token for `POST /api/metrics` and print it once."""
    from bot.lead_up.api import create_token

    sessions = open_database(settings)
    team_id = command_client(settings, sessions, team).auth_test()["team_id"]
    print(create_token(sessions, team_id, datetime.now(UTC)))
    print(f"the API token of workspace {team_id} (shown once; any earlier token no longer "
          "works)", file=sys.stderr)
    return 0


def personal_data(settings: Settings, action: str, user_id: str, team_id: str | None, *,
                  out: str | None = None, yes: bool = False) -> int:
    """`bot data export|delete`: one person's records as JSON, or deleted in one transaction
    (bot/personal_data.py); without `yes`, deleting only says what it would change."""
    import json

    from bot import personal_data as data

    sessions = open_database(settings)
    try:
        with sessions.begin() as session:
            team_id = data.only_team(session, team_id)
            if action == "export":
                text = json.dumps(data.export_user(session, team_id, user_id), indent=2,
                                  ensure_ascii=False)
            elif yes:
                counts = data.delete_user(session, team_id, user_id)
            else:
                counts = data.plan_deletion(session, team_id, user_id)
    except data.PersonalDataError as error:
        print(f"bot: error: {error}", file=sys.stderr)
        return 2
    if action == "export":
        return _write_export(text, out, f"{user_id} in {team_id}")
    print("\n".join(f"{table}: {n}" for table, n in sorted(counts.items())) or "nothing stored")
    total = f"{sum(counts.values())} rows about {user_id} in {team_id}"
    if not yes:
        print(f"bot: error: this would delete or anonymise {total}; run again with --yes to "
              "do it", file=sys.stderr)
        return 1
    print(f"deleted or anonymised {total}", file=sys.stderr)
    return 0


def _write_export(text: str, out: str | None, who: str) -> int:
    """The export to stdout, or to `out` readable by its owner only."""
    import os

    if out is None:
        print(text)
        return 0
    try:
        descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(text + "\n")
    except OSError as error:
        print(f"bot: error: cannot write {out}: {error.strerror}", file=sys.stderr)
        return 2
    print(f"exported the records of {who} to {out}", file=sys.stderr)
    return 0


def rotate_keys(settings: Settings) -> int:
    """Re-encrypt every stored Slack token with the first key of LEADWELL_ENCRYPTION_KEYS."""
    from bot.core.tokens import Cipher, UnreadableToken
    from bot.core.tokens import rotate_keys as rotate

    sessions = open_database(settings)
    try:
        count = rotate(sessions.kw["bind"], Cipher(settings.encryption_keys))
    except UnreadableToken as error:
        print(f"bot: error: {error}", file=sys.stderr)
        return 1
    print(f"re-encrypted {count} stored tokens with the first key of LEADWELL_ENCRYPTION_KEYS")
    return 0
