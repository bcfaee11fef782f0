"""Slack listeners of the org: /team, the confirmation buttons and the team modals."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.core.blocks import Message
from bot.core.forms import ref_of, selected_user, selected_users
from bot.core.mentions import MentionError, parse_mentions
from bot.core.replies import ephemeral, explain
from bot.core.slack import send_dm
from bot.org import views, workflows
from bot.org.context import ContextFactory, RequestContext
from bot.org.ids import COMMAND, Action, BlockId, Callback
from bot.org.people import OrgError, update_from_profile

log = logging.getLogger(__name__)

TeamSubcommand = Callable[[RequestContext, list[str]], Message]


def register(app: App, org: ContextFactory, *, extra: dict[str, TeamSubcommand] | None = None,
             extra_help: str = "") -> None:
    """Attach the org's listeners to `app`; practices may add `/team` subcommands (`extra`)."""
    extra = extra or {}
    register_profile_updates(app, org)

    @app.command(COMMAND)
    def team_command(ack: Ack, command: dict, respond: Respond, context: BoltContext,
                     client: WebClient) -> None:
        words = command.get("text", "").split()
        sub = words[0].lower() if words else ""
        if sub == "help":
            ack(**ephemeral(views.help_message(extra_help)))
            return
        ack()
        ctx = org(context, client, command["user_id"])
        try:
            if sub in extra:
                reply = extra[sub](ctx, words[1:])
            else:
                reply = run_subcommand(ctx, sub, words[1:])
        except (OrgError, MentionError) as error:
            reply = Message(text=str(error))
        respond(**ephemeral(reply))

    @app.action(Action.CONFIRM)
    @app.action(Action.DECLINE)
    def decide(ack: Ack, body: dict, action: dict, context: BoltContext, client: WebClient,
               respond: Respond) -> None:
        ack()
        ctx = org(context, client, body["user"]["id"])
        try:
            proposal_id = ref_of(action.get("value"))
            workflows.decide(ctx, proposal_id, confirm=action["action_id"] == Action.CONFIRM)
        except ValueError:
            explain(client, body, respond, "That button is out of date.")
        except OrgError as error:
            explain(client, body, respond, str(error))

    @app.action(Action.OPEN_ADD_REPORTS)
    def open_add_reports(ack: Ack, body: dict, client: WebClient) -> None:
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=views.add_reports_modal().to_dict())

    @app.action(Action.OPEN_SET_MANAGER)
    def open_set_manager(ack: Ack, body: dict, client: WebClient) -> None:
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=views.set_manager_modal().to_dict())

    @app.view(Callback.ADD_REPORTS)
    def submit_reports(ack: Ack, body: dict, view: dict, context: BoltContext,
                       client: WebClient) -> None:
        user_id = body["user"]["id"]
        report_ids = selected_users(view["state"]["values"], BlockId.REPORTS, Action.PICK_REPORTS)
        if not report_ids or user_id in report_ids:
            ack(response_action="errors", errors={BlockId.REPORTS: "Pick one or more people."
                                                  if not report_ids else
                                                  "You can't be your own direct report."})
            return
        ack()
        lines = workflows.add_reports(org(context, client, user_id), report_ids)
        send_dm(client, user_id, text="\n".join(lines))

    @app.view(Callback.SET_MANAGER)
    def submit_manager(ack: Ack, body: dict, view: dict, context: BoltContext,
                       client: WebClient) -> None:
        user_id = body["user"]["id"]
        manager_id = selected_user(view["state"]["values"], BlockId.MANAGER, Action.PICK_MANAGER)
        if not manager_id or manager_id == user_id:
            ack(response_action="errors",
                errors={BlockId.MANAGER: "Pick someone other than yourself."})
            return
        ack()
        send_dm(client, user_id, text=workflows.set_manager(org(context, client, user_id),
                                                            manager_id))


def run_subcommand(ctx: RequestContext, sub: str, args: list[str]) -> Message:
    """Parse `/team` words and run the matching workflow; raise OrgError/MentionError if bad."""
    if sub in ("", "list", "show"):
        return workflows.show_team(ctx)
    users = parse_mentions(args)
    if sub == "add":
        need(users, "`/team add @someone` (one or more people)")
        return lines(workflows.add_reports(ctx, users))
    if sub == "manager":
        need(users, "`/team manager @someone` (exactly one person)", exactly_one=True)
        return lines([workflows.set_manager(ctx, users[0])])
    if sub == "remove":
        need(users, "`/team remove @someone` (exactly one person)", exactly_one=True)
        return lines([workflows.remove(ctx, users[0])])
    if sub == "set":
        if len(users) < 2:
            raise OrgError("Usage: `/team set @manager @report…` (admins only).")
        return lines(workflows.admin_set(ctx, users[0], users[1:]))
    raise OrgError(f"I don't know `/team {sub[:30]}`. Try `/team help`.")


def need(users: list[str], usage: str, *, exactly_one: bool = False) -> None:
    if not users or (exactly_one and len(users) != 1):
        raise OrgError(f"Usage: {usage}.")


def lines(outcomes: list[str]) -> Message:
    return Message(text="\n".join(f"• {line}" if len(outcomes) > 1 else line
                                  for line in outcomes))


def register_profile_updates(app: App, org: ContextFactory) -> None:
    """Keep names, time zones and deactivations fresh from `user_change` events."""

    @app.event("user_change")
    def user_change(ack: Ack, event: dict, context: BoltContext) -> None:
        ack()
        with org.sessions.begin() as session:
            update_from_profile(session, context.team_id or "", event.get("user") or {},
                                now=org.clock(), default_tz=org.default_tz)
