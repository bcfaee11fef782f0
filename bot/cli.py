"""The `bot` command: serve, socket, scheduler, tick, db, import-team, import-metrics and
api-token."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
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
    commands.add_parser("followups", help="work the DMs, App Home refreshes and events a "
                                          "serving process pipes in (started by `bot serve`)")
    tick = commands.add_parser("tick", help="run once all scheduled work due at an instant")
    tick.add_argument("--at", type=instant, required=True, help="ISO 8601 instant")
    db = commands.add_parser("db", help="database migrations")
    db.add_argument("action", choices=["upgrade", "current"])
    team = commands.add_parser("import-team", help="load reporting lines from a CSV file")
    team.add_argument("file", help="CSV with columns manager,report (Slack ids or emails)")
    figures = commands.add_parser("import-metrics", help="load sales figures from a CSV file")
    figures.add_argument("file", help="CSV with columns manager,period,sales,target,pipeline "
                         "then optional metric columns")
    api_token = commands.add_parser("api-token",
                                    help="create or rotate the token of POST /api/metrics")
    for command in (team, figures, api_token):
        command.add_argument("--team", type=slack_id("team"),
                             help="OAuth mode: the installed workspace T… (its stored token)")
    commands.add_parser("rotate-keys", help="re-encrypt the stored Slack tokens with the first "
                        "key of LEADWELL_ENCRYPTION_KEYS")
    outbox = commands.add_parser("deliveries", help="list scheduled deliveries, newest first")
    outbox.add_argument("--failed", action="store_true", help="only failed ones")
    outbox.add_argument("--pending", action="store_true", help="only pending ones")
    outbox.add_argument("--limit", type=int, default=50, help="at most N lines (default 50)")
    data = commands.add_parser("data", help="one person's records: export or delete them")
    data.add_argument("action", choices=["export", "delete"])
    data.add_argument("--user", type=slack_id("user"), required=True, help="Slack user id U…")
    data.add_argument("--team", type=slack_id("team"),
                      help="workspace id T… (needed when the database holds several)")
    data.add_argument("--out", help="export: write the JSON to this file (default: stdout)")
    data.add_argument("--yes", action="store_true", help="delete: really delete")
    demo = commands.add_parser("demo", help="play a month of Leadwell against a local Slack "
                               "emulator and write what everyone saw as web pages")
    demo.add_argument("--out", default="leadwell-demo", metavar="DIR",
                      help="folder for the pages (default: ./leadwell-demo)")
    demo.add_argument("--open", action="store_true", help="open index.html in a browser")
    demo.add_argument("--short", action="store_true",
                      help="a shorter run with every key moment (for tests)")
    return parser


def slack_id(kind: str) -> Callable[[str], str]:
    """An argparse type for a Slack user ("user") or workspace ("team") id."""

    def parse(value: str) -> str:
        from bot.personal_data import PersonalDataError, check_id

        try:
            return check_id(kind, value.strip())
        except PersonalDataError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    return parse


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
    "followups": [BOT_TOKEN],
    "tick": [BOT_TOKEN],
    "import-team": [BOT_TOKEN],
    "import-metrics": [BOT_TOKEN],
    "api-token": [BOT_TOKEN],
    "rotate-keys": ["LEADWELL_ENCRYPTION_KEYS"],
    "db": [],
    "deliveries": [],
    "data": [],
    "demo": [],  # makes its own workspace, tokens and database
}


# In OAuth mode these use each installation's stored token, not SLACK_BOT_TOKEN.
OAUTH_COMMANDS = {"serve", "socket", "scheduler", "followups", "tick"}
TEAM_COMMANDS = {"import-team", "import-metrics", "api-token"}  # --team: one installation's


def required(args: argparse.Namespace, settings: Settings) -> list[str]:
    """The variables the command needs; SLACK_BOT_TOKEN not in OAuth mode's commands."""
    team = args.command in TEAM_COMMANDS and args.team
    if team and not settings.oauth:
        raise SettingsError("--team needs OAuth mode (SLACK_CLIENT_ID and SLACK_CLIENT_SECRET); "
                            "without it the workspace is SLACK_BOT_TOKEN's")
    if settings.oauth and (args.command in OAUTH_COMMANDS or team):
        return [name for name in REQUIRED[args.command] if name != BOT_TOKEN]
    return REQUIRED[args.command]


def run(args: argparse.Namespace, settings: Settings) -> int:
    settings.require(required(args, settings))
    from bot import runtime

    if args.command == "db":
        return runtime.db_command(settings, args.action)
    if args.command == "deliveries":
        statuses = [s for s in ("failed", "pending") if getattr(args, s)]
        return runtime.deliveries(settings, statuses, max(args.limit, 1))
    if args.command == "demo":
        from bot.demo import command

        return command(args.out, open_browser=args.open, full=not args.short)
    if args.command == "data":
        return runtime.personal_data(settings, args.action, args.user, args.team,
                                     out=args.out, yes=args.yes)
    if args.command == "serve":
        runtime.serve(settings, port=args.port or settings.port, scheduler=not args.no_scheduler)
    elif args.command == "socket":
        runtime.socket(settings, scheduler=not args.no_scheduler)
    elif args.command == "scheduler":
        runtime.scheduler(settings)
    elif args.command == "followups":
        return runtime.follow_ups(settings)
    elif args.command == "tick":
        print(runtime.tick_once(settings, args.at).line())
    elif args.command == "import-team":
        return runtime.import_team(settings, args.file, args.team)
    elif args.command == "import-metrics":
        return runtime.import_metrics(settings, args.file, args.team)
    elif args.command == "api-token":
        return runtime.api_token(settings, args.team)
    elif args.command == "rotate-keys":
        return runtime.rotate_keys(settings)
    return 0
