"""The composition root: the Bolt app with every practice's listeners, and its WSGI wrapper."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from slack_bolt import Ack, App, BoltContext, BoltResponse, Respond
from slack_sdk import WebClient
from sqlalchemy.orm import sessionmaker

from bot import home
from bot.core import acks, bodies, events, faults, install, limits, matching, ops, uninstall
from bot.core.coalesce import Coalescer
from bot.core.config import Settings
from bot.core.followups import FollowUps, RunNow, event_of
from bot.core.home import REFRESH_INTERVAL
from bot.core.replies import explain
from bot.core.scheduler import Job
from bot.core.slack import Clients, for_request
from bot.lead_down import commands as lead_down_commands
from bot.lead_down import jobs as lead_down_jobs
from bot.lead_down import listeners as lead_down
from bot.lead_down.retention import AnswerRetention
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
JOBS: tuple[Job, ...] = (*org_jobs.JOBS, *career_jobs.JOBS, *lead_down_jobs.JOBS,
                         *lead_up_jobs.JOBS, *talk_jobs.JOBS)


def scheduled_jobs(settings: Settings) -> tuple[Job, ...]:
    """JOBS, plus the Monday answers' retention (MONDAY_ANSWER_RETENTION_DAYS)."""
    return (*JOBS, AnswerRetention(settings.monday_answer_retention_days))


def create_app(settings: Settings, sessions: sessionmaker, client: WebClient,
               clock: Callable[[], datetime] = lambda: datetime.now(UTC), *,
               workspaces: install.Workspaces | None = None,
               refreshes: Coalescer | None = None,
               followups: FollowUps | None = None, verify: bool = True) -> App:
    """The Bolt app: signature checks, a sized listener pool, every practice registered.

    In OAuth mode (bot/core/install.py) it serves the install flow and authorizes each
    request with its workspace's stored token; `workspaces` (the scheduler's too) is made
    here when not given. `followups` takes the DMs and App Home refreshes listeners ask for
    after their ack (`bot serve`: a follow-up process, bot/core/followups.py); by default they
    run in the listener's thread, App Home builds coalescing in `refreshes`: a person's home
    rebuilt at most every REFRESH_INTERVAL seconds, deferred rebuilds in the listener pool's
    follow-up slots (`bot demo`, a month in seconds, passes one without a wait). `verify`
    False skips the signature check: for the follow-up process, whose events its parent
    checked.
    """
    workspaces = workspaces or install.workspaces_for(settings, sessions.kw["bind"], client)
    oauth = install.bolt_oauth(settings, workspaces) \
        if isinstance(workspaces, install.InstalledWorkspaces) else {}
    listeners = acks.AckFirstExecutor(settings.workers)
    app = App(
        client=client,
        signing_secret=settings.signing_secret,
        token_verification_enabled=False,
        request_verification_enabled=verify,
        listener_executor=listeners,
        **oauth,
    )
    followups = followups or RunNow(
        sessions, refreshes or Coalescer(REFRESH_INTERVAL, later=listeners.later), home.publish)
    contexts = ContextFactory(sessions, settings.default_timezone, followups, clock)
    org.register(app, contexts, extra=lead_down_commands.TEAM_SUBCOMMANDS,
                 extra_help=lead_down_commands.HELP)
    home.register(app, contexts)
    lead_yourself.register(app, contexts)
    lead_down.register(app, contexts)
    lead_up.register(app, contexts)
    talk_flows.register(app, contexts)
    uninstall.register(app, sessions, workspaces)

    app.middleware(limits.command_length)

    @app.middleware
    def sticky_ack(context: BoltContext, body: dict, next_: Callable[[], None]) -> None:
        """Install an ack() that stays acknowledged when the listener fails afterwards, and
        after which the listener waits for its turn to follow up (bot/core/acks.py); and the
        gateway's client for the listener (bot/core/slack.py)."""
        context["ack"] = listeners.ack_for(body)
        context["client"] = for_request(context.client)
        next_()

    @app.error
    def on_error(error: Exception, body: dict, ack: Ack, response: BoltResponse | None,
                 respond: Respond, client: WebClient) -> BoltResponse | None:
        """Log the failure and tell the person to try again in a minute: in the answer to
        Slack if the listener had not acknowledged, else with respond() or a DM."""
        refusal = faults.form_refusal(error, body) if ack.response is None else None
        if refusal is not None:  # a modal's input refused: shown under it, nothing written
            log.info("modal refused: %s", error)
            return refusal
        if faults.database_down(error):  # one line each: an outage fails every request
            log.warning("listener failed, database unavailable: %s",
                        str(error).splitlines()[0][:200])
        else:
            log.error("listener failed: %s", error, exc_info=error)
        text = faults.apology(error)
        unacknowledged = ack.response is None and response is not None
        answer = faults.unacknowledged_answer(body, text) if unacknowledged else None
        if answer is not None:
            return answer
        if body.get("response_url") or isinstance(body.get("user"), dict):  # someone to tell
            try:
                explain(client, body, respond, text)
            except Exception:  # Slack itself may be what failed
                log.warning("could not tell the user about the failure")
        return BoltResponse(status=200, body="") if unacknowledged else None

    matching.fast_matchers(app)  # after every listener is registered
    return app


def create_wsgi(app: App, sessions: sessionmaker, *, signing_secret: str,
                default_tz: str = "UTC", clients: Clients | None = None,
                events_to: FollowUps | None = None) -> ops.WSGIApp:
    """`POST /slack/events` to Bolt (a signed event already processed is answered at once; a
    new one, with `events_to`, goes to the follow-up process's app, acknowledged at once),
    in OAuth mode `GET /slack/install` and `/slack/oauth_redirect` (Bolt's install flow),
    `POST /api/metrics` for CRMs (with `clients`' client of the token's workspace),
    `GET /healthz` (alive), `/readyz` (database reachable and migrated) and `/metrics`
    (Prometheus), 404 elsewhere; every request timed and tagged with a request id
    (bot/core/ops.py)."""
    from bot.lead_up import api

    slack = bodies.ParsedRequestHandler(app)
    engine = sessions.kw["bind"]
    ledger = events.EventLedger(sessions, signing_secret)
    readiness = ops.Readiness(engine)

    def route(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO")
        if path == "/healthz":
            return ops.plain(start_response, "200 OK", "ok")
        if path == "/readyz":
            return readiness(environ, start_response)
        if path == "/metrics":
            return ops.metrics_page(engine, start_response)
        if path == api.PATH:  # answers 413 itself, in JSON, after the token
            environ[ops.KIND] = "api"
            return api.metrics_api(environ, start_response, sessions=sessions,
                                   client=clients or app.client,
                                   max_bytes=MAX_BODY_BYTES, default_tz=default_tz)
        length = environ.get("CONTENT_LENGTH") or "0"
        if not length.isdigit() or int(length) > MAX_BODY_BYTES:
            return ops.plain(start_response, "413 Payload Too Large", "request body too large")
        body = ops.read_body(environ)
        parsed = environ[bodies.PARSED] = bodies.parse(body, environ.get("CONTENT_TYPE"))
        environ[ops.KIND] = ops.request_kind(parsed)
        if environ.get("REQUEST_METHOD") == "POST" and not limits.well_formed(parsed):
            if not ledger.signed(body, environ):  # Bolt would fail
                return ops.plain(start_response, "401 Unauthorized", "invalid request")
            return ops.plain(start_response, "400 Bad Request", "malformed request")
        forward = None if events_to is None else (
            lambda event: events_to(app.client, event_of(event.team_id, parsed)))
        repeat = events.answer_event(ledger, body, parsed.payload, environ, start_response,
                                      forward)
        return repeat if repeat is not None else slack(environ, start_response)

    return ops.observed(route)
