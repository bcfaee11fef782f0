"""Slack listeners of lead up: /salesreport, /debrief, their modals and buttons."""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.models.views import View

from bot.core.blocks import Message
from bot.core.forms import FormErrors, ref_of
from bot.core.mentions import MentionError, parse_mentions
from bot.core.replies import ephemeral, explain, modal_opener, modal_submitter
from bot.lead_up import debrief_flows, debrief_views, report_flows, report_views, talk_flows
from bot.lead_up.debrief import DebriefError
from bot.lead_up.ids import DEBRIEF, SALES_REPORT, Action, BlockId, Callback, slot_block
from bot.lead_up.plan import PlanError
from bot.lead_up.reports import ReportError
from bot.lead_up.talks import TalkError
from bot.org.context import ContextFactory, RequestContext
from bot.org.people import OrgError

REFUSALS = (ReportError, PlanError, DebriefError, TalkError, OrgError, MentionError)
Answer = View | Message
Handler = Callable[[RequestContext, list[str]], Answer]


def one_person(words: list[str]) -> str | None:
    """The person a subcommand names (`@ann`), or None; MentionError for anything else."""
    people = parse_mentions(words)
    if len(people) > 1:
        raise MentionError("Name one person at most.")
    return people[0] if people else None


def without_words(build: Callable[[RequestContext], Answer]) -> Handler:
    """A handler for a subcommand that takes no words."""
    return lambda ctx, _: build(ctx)


SALES_REPORT_COMMANDS: dict[str, Handler] = {
    "": lambda ctx, words: report_flows.report_modal(ctx, " ".join(words)),
    "history": lambda ctx, words: report_flows.history(ctx, one_person(words)),
    "settings": lambda ctx, _: report_flows.settings_modal(ctx),
}
DEBRIEF_COMMANDS: dict[str, Handler] = {
    "": lambda ctx, words: debrief_flows.record_modal(ctx, one_person(words)),
    "history": lambda ctx, words: debrief_flows.history(ctx, one_person(words)),
    "plan": lambda ctx, _: debrief_flows.plan_modal(ctx),
    "settings": lambda ctx, _: report_flows.settings_modal(ctx),
    **{name: without_words(build)
       for name, build in {**talk_flows.MODALS, **talk_flows.REPLIES}.items()},
}


def register(app: App, contexts: ContextFactory) -> None:
    """Attach lead up's listeners to `app` (the talks register their own)."""

    def command(commands: dict[str, Handler], help_text: str,
                default: Callable[[str], bool]) -> Callable[..., None]:
        """A slash command: `sub words…`; words that are not a subcommand go to the default."""

        def handle(ack: Ack, command: dict, respond: Respond, context: BoltContext,
                   client: WebClient) -> None:
            words = (command.get("text") or "").split()
            sub = words[0].lower() if words else ""
            if sub in commands and sub:
                words = words[1:]
            elif words and not default(words[0]):
                prefix = "" if sub == "help" else f"I don't know `{command['command']} " \
                                                  f"{sub[:30]}`.\n"
                ack(**ephemeral(Message(text=prefix + help_text)))
                return
            else:
                sub = ""
            ack()
            ctx = contexts(context, client, command["user_id"])
            try:
                answer = commands[sub](ctx, words)
            except REFUSALS as error:
                answer = Message(text=str(error))
            if isinstance(answer, View):
                client.views_open(trigger_id=command["trigger_id"], view=answer.to_dict())
            else:
                respond(**ephemeral(answer))

        return handle

    app.command(SALES_REPORT)(command(SALES_REPORT_COMMANDS, report_views.HELP,
                                      lambda word: word[:1].isdigit()))
    app.command(DEBRIEF)(command(DEBRIEF_COMMANDS, debrief_views.HELP,
                                 lambda word: word.startswith("<@")))

    def opener(build: Callable[[RequestContext, str], View]) -> Callable[..., None]:
        return modal_opener(contexts, build, REFUSALS)

    app.action(Action.OPEN_REPORT)(opener(report_flows.report_modal))
    app.action(Action.EDIT_PLAN)(opener(lambda ctx, _: debrief_flows.plan_modal(ctx)))
    app.action(Action.SUGGEST_CHANGES)(opener(
        lambda ctx, ref: debrief_flows.suggestion_modal(ctx, ref_of(ref))))
    app.action(Action.RECORD_DEBRIEF)(opener(
        lambda ctx, ref: debrief_flows.record_modal_by_id(ctx, ref_of(ref))))

    @app.action(Action.AGREE_PLAN)
    def agree(ack: Ack, body: dict, action: dict, context: BoltContext, client: WebClient,
              respond: Respond) -> None:
        ack()
        ctx = contexts(context, client, body["user"]["id"])
        try:
            answered = debrief_flows.agree(ctx, ref_of(action.get("value")))
        except PlanError as error:
            explain(client, body, respond, str(error))
            return
        except ValueError:
            explain(client, body, respond, "That button is out of date.")
            return
        respond(text=answered.text, blocks=answered.blocks_dicts(), replace_original=True)

    def report_submitted(ctx: RequestContext, view: dict) -> Callable[[], None]:
        report_id, resent = report_flows.submit(ctx, view)
        return lambda: report_flows.deliver(ctx, report_id, resent=resent)

    submitters = {
        Callback.REPORT: (report_submitted, BlockId.SALES),
        Callback.SETTINGS: (report_flows.save_settings, BlockId.METRICS),
        Callback.PLAN: (debrief_flows.save_plan, slot_block("goal", 0)),
        Callback.SUGGESTION: (debrief_flows.suggest, BlockId.SUGGESTION),
        Callback.DEBRIEF: (debrief_flows.save_debrief, BlockId.GOING_WELL),
    }
    for callback, (work, error_block) in submitters.items():
        app.view(callback)(modal_submitter(contexts, work, (FormErrors, *REFUSALS),
                                           error_block))
