"""Slack listeners of lead down: DM replies, the Answer, Commit and Away buttons and modals."""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.models.views import View

from bot.core.blocks import Message
from bot.core.forms import ref_of, selected_date, value
from bot.core.replies import ephemeral, explain, modal_opener, modal_submitter, record_id
from bot.core.schedule_form import Pick, read_schedule
from bot.lead_down import devplan, devplan_flows, service, views, workflows
from bot.lead_down.ids import Action, BlockId, Callback
from bot.lead_down.service import CheckinError
from bot.org.context import ContextFactory, RequestContext
from bot.org.workflows import refresh_homes, tell

COMMAND = "/devplan"


def register(app: App, contexts: ContextFactory) -> None:
    """Attach lead down's listeners to `app`."""
    register_devplans(app, contexts)

    @app.event("message")
    def direct_message(ack: Ack, event: dict, context: BoltContext, client: WebClient) -> None:
        ack()
        in_dm = event.get("channel_type") == "im" or str(event.get("channel", "")).startswith("D")
        if not in_dm:
            return
        author = event.get("user") or (event.get("message") or {}).get("user") or \
            (event.get("previous_message") or {}).get("user")
        if author and author != context.bot_user_id:
            workflows.record_reply(contexts(context, client, author), event)

    def open_modal(build: Callable[[RequestContext, int], View]) -> Callable[..., None]:
        return modal_opener(contexts, lambda ctx, ref: build(ctx, ref_of(ref)), (CheckinError,))

    app.action(Action.ANSWER)(open_modal(workflows.answer_modal))
    app.action(Action.COMMIT)(open_modal(workflows.commit_modal))

    def answer(ctx: RequestContext, view: dict) -> Callable[[], None]:
        text = value(view["state"]["values"], BlockId.TEXT, Action.TEXT,
                     service.LIMITS["answer"])
        manager_id = workflows.submit_answer(ctx, record_id(view), text)
        return lambda: refresh_homes(ctx, [ctx.actor_id, manager_id])

    app.view(Callback.ANSWER)(modal_submitter(contexts, answer, (CheckinError,), BlockId.TEXT))

    @app.view(Callback.COMMIT)
    def submit_commit(ack: Ack, body: dict, view: dict, context: BoltContext,
                      client: WebClient) -> None:
        ctx = contexts(context, client, body["user"]["id"])
        values = view["state"]["values"]
        try:
            note = workflows.submit_commit(ctx, record_id(view),
                                           value(values, BlockId.TEXT, Action.TEXT,
                                                 service.LIMITS["commitment"]),
                                           selected_date(values, BlockId.DUE, Action.DUE))
        except CheckinError as error:
            field = BlockId.DUE if "date" in str(error) else BlockId.TEXT
            ack(response_action="errors", errors={field: str(error)[:150]})
            return
        ack()
        tell(ctx, ctx.actor_id, note)
        refresh_homes(ctx, [ctx.actor_id])

    @app.action(Action.COMMITMENT_DONE)
    def commitment_done(ack: Ack, body: dict, action: dict, context: BoltContext,
                        client: WebClient, respond: Respond) -> None:
        ack()
        ctx = contexts(context, client, body["user"]["id"])
        try:
            outcome = workflows.complete(ctx, ref_of(action.get("value")))
        except CheckinError as error:
            outcome = str(error)
        except ValueError:
            outcome = "That button is out of date."
        explain(client, body, respond, outcome)

    @app.action(Action.AWAY)
    def open_away(ack: Ack, body: dict, context: BoltContext, client: WebClient) -> None:
        ack()
        ctx = contexts(context, client, body["user"]["id"])
        with ctx.sessions.begin() as session:
            today = ctx.today(session)
        client.views_open(trigger_id=body["trigger_id"], view=views.away_modal(today).to_dict())

    @app.view(Callback.AWAY)
    def submit_away(ack: Ack, body: dict, view: dict, context: BoltContext,
                    client: WebClient) -> None:
        ctx = contexts(context, client, body["user"]["id"])
        until = selected_date(view["state"]["values"], BlockId.UNTIL, Action.UNTIL)
        try:
            with ctx.sessions.begin() as session:
                service.set_away(session, ctx.team_id, ctx.actor_id, until, ctx.today(session))
        except CheckinError as error:
            ack(response_action="errors", errors={BlockId.UNTIL: str(error)[:150]})
            return
        ack()
        refresh_homes(ctx, [ctx.actor_id])


def register_devplans(app: App, contexts: ContextFactory) -> None:
    """`/devplan`, its modals and the Edit, Review and Comment buttons."""

    @app.command(COMMAND)
    def devplan_command(ack: Ack, command: dict, respond: Respond, context: BoltContext,
                        client: WebClient) -> None:
        text = (command.get("text") or "").strip()
        if text.lower() == "help":
            ack(**ephemeral(Message(text=devplan_flows.HELP)))
            return
        ack()
        ctx = contexts(context, client, command["user_id"])
        try:
            if text.lower() == "settings":
                answer: Message | View = devplan_flows.settings_modal(ctx)
            else:
                answer = devplan_flows.command(ctx, text)
        except CheckinError as error:
            respond(**ephemeral(Message(text=str(error))))
            return
        if isinstance(answer, View):
            client.views_open(trigger_id=command["trigger_id"], view=answer.to_dict())
        else:
            respond(**ephemeral(answer))

    def open_modal(build: Callable[[RequestContext, str], View]) -> Callable[..., None]:
        return modal_opener(contexts, build, (CheckinError,))

    app.action(Action.EDIT_PLAN)(open_modal(devplan_flows.edit_modal))
    app.action(Action.REVIEW)(open_modal(
        lambda ctx, plan_id: devplan_flows.review_modal(ctx, int(plan_id))))
    app.action(Action.COMMENT)(open_modal(
        lambda ctx, plan_id: devplan_flows.comment_modal(ctx, int(plan_id))))

    @app.view(Callback.DEVPLAN)
    def submit_plan(ack: Ack, body: dict, view: dict, context: BoltContext,
                    client: WebClient) -> None:
        ctx = contexts(context, client, body["user"]["id"])
        report_id, draft = devplan_flows.read_plan_form(view)
        try:
            errors = devplan_flows.save(ctx, report_id, draft)
        except CheckinError as error:
            errors = {BlockId.ROLE: str(error)[:150]}
        if errors:
            ack(response_action="errors", errors=errors)
            return
        ack()
        devplan_flows.announce_saved(ctx, report_id)

    @app.view(Callback.REVIEW)
    def submit_review(ack: Ack, body: dict, view: dict, context: BoltContext,
                      client: WebClient) -> None:
        ctx = contexts(context, client, body["user"]["id"])
        try:
            report_id, summary = devplan_flows.log_review(
                ctx, record_id(view), view["state"]["values"])
        except CheckinError as error:
            ack(response_action="clear")
            tell(ctx, ctx.actor_id, Message(text=str(error)))
            return
        ack()
        tell(ctx, report_id, summary)
        refresh_homes(ctx, [ctx.actor_id, report_id])

    def comment(ctx: RequestContext, view: dict) -> Callable[[], None]:
        text = value(view["state"]["values"], BlockId.TEXT, Action.TEXT,
                     devplan.LIMITS["comment"])
        other, message = devplan_flows.comment(ctx, record_id(view), text)
        return lambda: tell(ctx, other, message)

    app.view(Callback.COMMENT)(modal_submitter(contexts, comment, (CheckinError,),
                                               BlockId.TEXT))

    @app.view(Callback.SETTINGS)
    def submit_settings(ack: Ack, body: dict, view: dict, context: BoltContext,
                        client: WebClient) -> None:
        schedule = read_schedule(view["state"]["values"])
        if schedule is None:
            ack(response_action="errors", errors={Pick.ORDINAL: "Pick a week, day and hour."})
            return
        devplan_flows.save_settings(contexts(context, client, body["user"]["id"]), *schedule)
        ack()
