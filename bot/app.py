"""The composition root: the Bolt app with every practice's listeners, and its WSGI wrapper."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from slack_bolt import App, Respond
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from sqlalchemy import text
from sqlalchemy.orm import sessionmaker

from bot import home
from bot.core.config import Settings
from bot.core.scheduler import Job
from bot.lead_down import commands as lead_down_commands
from bot.lead_down import jobs as lead_down_jobs
from bot.lead_down import listeners as lead_down
from bot.lead_up import jobs as lead_up_jobs
from bot.lead_up import listeners as lead_up
from bot.lead_up import talk_flows, talk_jobs
from bot.lead_yourself import jobs as career_jobs
from bot.lead_yourself import listeners as lead_yourself
from bot.org import jobs as org_jobs
from bot.org import listeners as org
from bot.org.context import ContextFactory

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1_000_000
SORRY = "Sorry, something went wrong on our side. Please try again in a minute."
JOBS: tuple[Job, ...] = (*org_jobs.JOBS, *career_jobs.JOBS, *lead_down_jobs.JOBS,
                         *lead_up_jobs.JOBS, *talk_jobs.JOBS)


def create_app(settings: Settings, sessions: sessionmaker, client: WebClient,
               clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> App:
    """The Bolt app: signature checks, a sized listener pool, every practice registered."""
    app = App(
        client=client,
        signing_secret=settings.signing_secret,
        token_verification_enabled=False,
        listener_executor=ThreadPoolExecutor(max_workers=settings.workers,
                                             thread_name_prefix="listener"),
    )
    contexts = ContextFactory(sessions, settings.default_timezone, clock)
    org.register(app, contexts, extra=lead_down_commands.TEAM_SUBCOMMANDS,
                 extra_help=lead_down_commands.HELP)
    home.register(app, contexts)
    lead_yourself.register(app, contexts)
    lead_down.register(app, contexts)
    lead_up.register(app, contexts)
    talk_flows.register(app, contexts)

    @app.error
    def on_error(error: Exception, body: dict, respond: Respond | None) -> None:
        """Log the failure and, where Slack gave a response URL, tell the person."""
        log.error("listener failed: %s", error, exc_info=error)
        if respond is not None and body.get("response_url"):
            try:
                respond(text=SORRY, response_type="ephemeral", replace_original=False)
            except Exception:  # Slack itself may be what failed
                log.warning("could not tell the user about the failure")

    return app


WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def create_wsgi(app: App, sessions: sessionmaker, *, default_tz: str = "UTC") -> WSGIApp:
    """`POST /slack/events` to Bolt, `GET /healthz` for load balancers, `POST /api/metrics` for
    CRMs, 404 elsewhere."""
    from bot.lead_up import api

    slack = SlackRequestHandler(app)

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz":
            return _health(sessions, start_response)
        if environ.get("PATH_INFO") == api.PATH:  # answers 413 itself, in JSON, after the token
            return api.metrics_api(environ, start_response, sessions=sessions, client=app.client,
                                   max_bytes=MAX_BODY_BYTES, default_tz=default_tz)
        length = environ.get("CONTENT_LENGTH") or "0"
        if not length.isdigit() or int(length) > MAX_BODY_BYTES:
            return _plain(start_response, "413 Payload Too Large", "request body too large")
        return slack(environ, start_response)

    return application


def _health(sessions: sessionmaker, start_response: Callable[..., Any]) -> Iterable[bytes]:
    try:
        with sessions() as session:
            session.execute(text("SELECT 1"))
    except Exception as error:
        log.warning("health check failed: %s", type(error).__name__)
        return _plain(start_response, "503 Service Unavailable", "database unavailable")
    return _plain(start_response, "200 OK", "ok")


def _plain(start_response: Callable[..., Any], status: str, body: str) -> list[bytes]:
    data = body.encode()
    start_response(status, [("Content-Type", "text/plain; charset=utf-8"),
                            ("Content-Length", str(len(data)))])
    return [data]
