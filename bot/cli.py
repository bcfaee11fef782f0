"""The `bot` command: serve, socket, scheduler, tick, db, import-team, import-metrics and
api-token."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import NoReturn

from slack_sdk.errors import SlackApiError

from bot.core.config import Settings, SettingsError

log = logging.getLogger("bot")
BOT_TOKEN, SIGNING_SECRET, APP_TOKEN = "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"


class Parser(argparse.ArgumentParser):
    """argparse that reports bad input in one line and exits 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"bot: error: {message} (see `bot --help`)\n")


def instant(value: str) -> datetime:
    """An ISO 8601 instant; without an offset it is taken as UTC."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not an ISO 8601 time, e.g. 2026-11-30T09:00:00Z"
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def build_parser() -> Parser:
    parser = Parser(prog="bot", description="Leadwell, a Slack bot for sales managers.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    serve = commands.add_parser("serve", help="serve Slack's HTTP requests (and the scheduler)")
    serve.add_argument("--port", type=int, help="port to listen on (default: $PORT or 3000)")
    serve.add_argument("--no-scheduler", action="store_true", help="do not run scheduled work")
    socket = commands.add_parser("socket", help="connect over Socket Mode (development)")
    socket.add_argument("--no-scheduler", action="store_true", help="do not run scheduled work")
    commands.add_parser("scheduler", help="run only the scheduler")
    tick = commands.add_parser("tick", help="run once all scheduled work due at an instant")
    tick.add_argument("--at", type=instant, required=True, help="ISO 8601 instant")
    db = commands.add_parser("db", help="database migrations")
    db.add_argument("action", choices=["upgrade", "current"])
    team = commands.add_parser("import-team", help="load reporting lines from a CSV file")
    team.add_argument("file", help="CSV with columns manager,report (Slack ids or emails)")
    figures = commands.add_parser("import-metrics", help="load sales figures from a CSV file")
    figures.add_argument("file", help="CSV with columns manager,period,sales,target,pipeline "
                         "then optional metric columns")
    commands.add_parser("api-token", help="create or rotate the token of POST /api/metrics")
    outbox = commands.add_parser("deliveries", help="list scheduled deliveries, newest first")
    outbox.add_argument("--failed", action="store_true", help="only failed ones")
    outbox.add_argument("--pending", action="store_true", help="only pending ones")
    outbox.add_argument("--limit", type=int, default=50, help="at most N lines (default 50)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env()
        from bot.core.logs import setup_logging

        setup_logging(settings.log_level, settings.secrets, settings.log_format)
        return run(args, settings)
    except SettingsError as error:
        print(f"bot: error: {error}", file=sys.stderr)
        return 2
    except SlackApiError as error:
        method = error.response.api_url.rsplit("/", 1)[-1]
        print(f"bot: error: Slack answered {error.response.get('error')!r} to {method}",
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        from bot.core.db import UNAVAILABLE

        if not isinstance(error, UNAVAILABLE):
            raise
        print(f"bot: error: the database is unavailable: {str(error).splitlines()[0][:200]}",
              file=sys.stderr)
        return 1


REQUIRED = {
    "serve": [BOT_TOKEN, SIGNING_SECRET],
    "socket": [BOT_TOKEN, APP_TOKEN],
    "scheduler": [BOT_TOKEN],
    "tick": [BOT_TOKEN],
    "import-team": [BOT_TOKEN],
    "import-metrics": [BOT_TOKEN],
    "api-token": [BOT_TOKEN],
    "db": [],
    "deliveries": [],
}


def run(args: argparse.Namespace, settings: Settings) -> int:
    settings.require(REQUIRED[args.command])
    from bot import runtime

    if args.command == "db":
        return runtime.db_command(settings, args.action)
    if args.command == "deliveries":
        statuses = [s for s in ("failed", "pending") if getattr(args, s)]
        return runtime.deliveries(settings, statuses, max(args.limit, 1))
    if args.command == "serve":
        runtime.serve(settings, port=args.port or settings.port, scheduler=not args.no_scheduler)
    elif args.command == "socket":
        runtime.socket(settings, scheduler=not args.no_scheduler)
    elif args.command == "scheduler":
        runtime.scheduler(settings)
    elif args.command == "tick":
        print(runtime.tick_once(settings, args.at).line())
    elif args.command == "import-team":
        return runtime.import_team(settings, args.file)
    elif args.command == "import-metrics":
        return runtime.import_metrics(settings, args.file)
    elif args.command == "api-token":
        return runtime.api_token(settings)
    return 0
