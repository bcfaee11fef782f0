"""Slack listeners of the career plan: /careerplan, its modals and buttons."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View

from bot.core.blocks import Message
from bot.core.forms import FormErrors, ref_of, ref_or_none, selected_date, value
from bot.core.replies import ephemeral, explain, modal_opener, modal_submitter, record_id
from bot.core.schedule_form import Pick, read_schedule
from bot.lead_yourself import forms, modals, views, workflows
from bot.lead_yourself.ids import COMMAND, Action, BlockId, Callback, aspiration_block
from bot.lead_yourself.service import LIMITS, PlanError
from bot.org.context import ContextFactory, RequestContext
from bot.org.people import OrgError
from bot.org.workflows import refresh_homes, tell

log = logging.getLogger(__name__)

SUBCOMMANDS: dict[str, Callable[[RequestContext], Message | str]] = {
    "show": workflows.show,
    "share": workflows.share,
    "unshare": workflows.unshare,
    "history": workflows.history,
    "export": workflows.export,
}


BUTTONS: dict[str, Callable[[RequestContext, int], Message | str]] = {
    Action.MARK_DONE: workflows.mark_done,
    Action.SNOOZE: workflows.snooze,
    Action.ACKNOWLEDGE: workflows.acknowledge,
    Action.ASK_FEEDBACK: workflows.ask_feedback,
}


def register(app: App, contexts: ContextFactory) -> None:
    """Attach the career plan's listeners to `app`."""

    @app.command(COMMAND)
    def careerplan(ack: Ack, command: dict, respond: Respond, context: BoltContext,
                   client: WebClient) -> None:
        sub = (command.get("text") or "").strip().lower()
        if sub not in ("", "edit", "settings", *SUBCOMMANDS):
            unknown = f"I don't know `{COMMAND} {sub[:30]}`.\n" if sub != "help" else ""
            ack(**ephemeral(views.help_message(prefix=unknown)))
            return
        ack()
        ctx = contexts(context, client, command["user_id"])
        try:
            if sub in ("", "edit", "settings"):
                build = workflows.settings_modal if sub == "settings" else workflows.plan_modal
                workflows.open_modal(ctx, command["trigger_id"], build)
                return
            reply = SUBCOMMANDS[sub](ctx)
        except (PlanError, OrgError) as error:
            reply = str(error)
        respond(**ephemeral(reply if isinstance(reply, Message) else Message(text=reply)))

    @app.action(Action.EDIT)
    def edit(ack: Ack, body: dict, context: BoltContext, client: WebClient) -> None:
        ack()
        ctx = contexts(context, client, body["user"]["id"])
        workflows.open_modal(ctx, body["trigger_id"], workflows.plan_modal)

    @app.action(Action.ADD_ACTION)
    def add_action(ack: Ack, body: dict, action: dict, client: WebClient) -> None:
        """One more action slot for a horizon, keeping everything typed so far."""
        ack()
        view = body.get("view")
        if not isinstance(view, dict):
            return
        try:
            draft = forms.read_plan(view)
        except FormErrors:  # more than an input allows: only a crafted request sends that
            return
        slots = forms.slots_of(draft, grow=ref_or_none(action.get("value")) or 1)
        try:
            client.views_update(view_id=view.get("id"), hash=view.get("hash"),
                                view=modals.plan_modal(draft, slots).to_dict())
        except SlackApiError as error:  # a double click (hash_conflict) or a closed modal
            log.info("action slot not added: %s", error.response.get("error"))

    @app.view(Callback.PLAN)
    def submit_plan(ack: Ack, body: dict, view: dict, context: BoltContext,
                    client: WebClient) -> None:
        ctx = contexts(context, client, body["user"]["id"])
        try:
            errors, saved = workflows.save(ctx, forms.read_plan(view))
        except OrgError as error:
            errors, saved = {aspiration_block(1): str(error)[:150]}, None
        if saved is None:
            ack(response_action="errors", errors=errors)  # Slack keeps what was typed
            return
        ack()
        workflows.announce_saved(ctx, saved)

    @app.action(Action.SHARE)
    def share(ack: Ack, body: dict, context: BoltContext, client: WebClient,
              respond: Respond) -> None:
        ack()
        run(body, context, client, respond, workflows.share)

    def button(work: Callable[[RequestContext, int], Message | str]) -> Callable[..., None]:
        """A listener for a button whose value is the id of the record `work` acts on."""

        def clicked(ack: Ack, body: dict, action: dict, context: BoltContext, client: WebClient,
                    respond: Respond) -> None:
            ack()
            run(body, context, client, respond, lambda ctx: work(ctx, ref(action)))

        return clicked

    for action_id, work in BUTTONS.items():
        app.action(action_id)(button(work))

    def open_modal(build: Callable[[RequestContext, int], View]) -> Callable[..., None]:
        return modal_opener(contexts, lambda ctx, ref: build(ctx, ref_of(ref)), (PlanError,))

    app.action(Action.RESCHEDULE)(open_modal(workflows.reschedule_modal))
    app.action(Action.REPLY)(open_modal(
        lambda ctx, plan_id: workflows.manager_modal(ctx, plan_id, kind="reply")))
    app.action(Action.GIVE_FEEDBACK)(open_modal(
        lambda ctx, plan_id: workflows.manager_modal(ctx, plan_id, kind="feedback")))

    def reschedule(ctx: RequestContext, view: dict) -> Callable[[], None]:
        due = selected_date(view["state"]["values"], BlockId.NEW_DUE, Action.NEW_DUE)
        workflows.reschedule(ctx, record_id(view), due)
        return lambda: refresh_homes(ctx, [ctx.actor_id])

    app.view(Callback.RESCHEDULE)(modal_submitter(contexts, reschedule, (PlanError,),
                                                  BlockId.NEW_DUE))

    def manager_text(kind: str) -> Callable[..., None]:
        def work(ctx: RequestContext, view: dict) -> Callable[[], None]:
            text = value(view["state"]["values"], BlockId.TEXT, Action.TEXT, LIMITS["feedback"])
            message, owner_id = workflows.manager_feedback(ctx, record_id(view), kind, text)

            def follow_up() -> None:
                tell(ctx, owner_id, message)
                refresh_homes(ctx, [owner_id])

            return follow_up

        return modal_submitter(contexts, work, (PlanError,), BlockId.TEXT)

    app.view(Callback.REPLY)(manager_text("reply"))
    app.view(Callback.FEEDBACK)(manager_text("feedback"))

    @app.view(Callback.SETTINGS)
    def submit_settings(ack: Ack, body: dict, view: dict, context: BoltContext,
                        client: WebClient) -> None:
        schedule = read_schedule(view["state"]["values"])
        if schedule is None:
            ack(response_action="errors", errors={Pick.ORDINAL: "Pick a week, day and hour."})
            return
        ordinal, weekday, hour = schedule
        workflows.save_settings(contexts(context, client, body["user"]["id"]),
                                ordinal=ordinal, weekday=weekday, hour=hour)
        ack()

    def run(body: dict, context: BoltContext, client: WebClient, respond: Respond,
            work: Callable[[RequestContext], Message | str]) -> None:
        """Run a button's workflow and tell the clicker the outcome (or the refusal)."""
        ctx = contexts(context, client, body["user"]["id"])
        try:
            result = work(ctx)
            outcome = result.text if isinstance(result, Message) else result
        except (PlanError, OrgError) as error:
            outcome = str(error)
        except ValueError:
            outcome = "That button is out of date."
        explain(client, body, respond, outcome)


def ref(action: dict) -> int:
    """The record id a button carries in its value (ValueError if it carries none)."""
    return ref_of(action.get("value"))
