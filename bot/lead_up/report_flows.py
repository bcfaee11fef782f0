"""Metric-report operations that talk to Slack: the modal, the boss's DM with its chart."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View
from sqlalchemy.orm import Session

from bot.core.blocks import Message
from bot.core.forms import FormErrors, metadata, selected_option, value
from bot.core.slack import dm_channel, send_dm
from bot.lead_up import chart, periods, report_views, reports
from bot.lead_up.ids import Action, BlockId, metric_block
from bot.lead_up.models import MetricReport
from bot.lead_up.reports import ExplanationNeeded, Metric, ReportError
from bot.org import service as org
from bot.org.context import RequestContext
from bot.org.workflows import refresh_homes, tell

log = logging.getLogger(__name__)
FIELD_BLOCKS = {"sales": BlockId.SALES, "target": BlockId.TARGET, "pipeline": BlockId.PIPELINE,
                "explanation": BlockId.EXPLANATION, "strategies": BlockId.STRATEGIES}


def report_modal(ctx: RequestContext, period_text: str = "") -> View:
    """The report form for a period (default: the current one) of the actor."""
    with ctx.sessions.begin() as session:
        boss_id = org.boss_of(session, ctx.team_id, ctx.actor_id, purpose=reports.SENT_TO,
                              error=ReportError)
        settings = reports.settings_of(session, ctx.team_id, ctx.actor_id)
        today = ctx.today(session)
        period = reports.check_period(period_text, settings.cadence, today)
        choices = reports.period_choices(settings.cadence, today)
        return report_views.report_modal(
            period=period, choices=choices if period in choices else [period, *choices],
            metrics=reports.metrics_of(settings), boss_id=boss_id,
            report=reports.report_for(session, ctx.team_id, ctx.actor_id, period),
            previous=reports.previous_report(session, ctx.team_id, ctx.actor_id, period))


def read_form(view: dict[str, Any]) -> tuple[str, dict[str, str], list[Metric], str, str]:
    """(period, typed numbers by field, metrics shown, explanation, strategies)."""
    values = (view.get("state") or {}).get("values") or {}
    listed = metadata(view).get("metrics")
    names = [n for n in listed if isinstance(n, str)][:reports.MAX_METRICS] \
        if isinstance(listed, list) else []
    number = reports.LIMITS["number"]
    raw = {key: value(values, block, Action.NUMBER, number)
           for key, block in FIELD_BLOCKS.items() if key in ("sales", "target", "pipeline")}
    for index, name in enumerate(names):
        raw[name] = value(values, metric_block(index), Action.NUMBER, number)
    period = selected_option(values, BlockId.PERIOD, Action.PERIOD) or ""
    return (period, raw, [Metric(n) for n in names],
            value(values, BlockId.EXPLANATION, Action.TEXT, reports.LIMITS["explanation"]),
            value(values, BlockId.STRATEGIES, Action.TEXT, reports.LIMITS["strategies"]))


def submit(ctx: RequestContext, view: dict[str, Any]) -> tuple[int, bool]:
    """Validate and save the report (database only); FormErrors keep the modal open.
    Returns the report id and whether it replaces one already sent."""
    period, raw, metrics, explanation, strategies = read_form(view)
    names = [m.name for m in metrics]

    def block_of(field: str) -> str:
        return FIELD_BLOCKS.get(field) or metric_block(names.index(field))

    with ctx.sessions.begin() as session:
        cadence = reports.settings_of(session, ctx.team_id, ctx.actor_id).cadence
        try:
            period = reports.check_period(period, cadence, ctx.today(session))
        except ReportError as error:
            raise FormErrors({BlockId.PERIOD: str(error)}) from None
        figures, errors = reports.read_figures(period, raw, metrics)
        if figures is None:
            raise FormErrors({block_of(field): text for field, text in errors.items()})
        try:
            report, resent = reports.submit(session, ctx.team_id, ctx.actor_id, figures,
                                            explanation=explanation, strategies=strategies,
                                            now=ctx.now)
        except ExplanationNeeded as needed:
            raise FormErrors({block_of(f): text for f, text in needed.errors.items()}) from None
        except ReportError as error:
            raise FormErrors({BlockId.SALES: str(error)}) from None
        return report.id, resent


def deliver(ctx: RequestContext, report_id: int, *, resent: bool) -> None:
    """After the modal closed: the figures and the chart to the boss, a receipt to the manager."""
    with ctx.sessions.begin() as session:
        report = session.get_one(MetricReport, report_id)
        message = boss_message(session, report, resent=resent)
        png = report_chart(session, report)
        boss_id = report.boss_id or ""
    try:
        send_dm(ctx.client, boss_id, text=message.text, blocks=message.blocks_dicts())
        upload_chart(ctx.client, dm_channel(ctx.client, boss_id), report, png)
    except SlackApiError as error:
        log.warning("report %s not delivered: %s", report_id, error.response.get("error"))
        tell(ctx, ctx.actor_id, Message(text=f"I saved your report but could not DM <@{boss_id}> "
                                             "just now. Send it again in a minute."))
        return
    tell(ctx, ctx.actor_id, report_views.sent_notice(report, resent=resent))
    refresh_homes(ctx, [ctx.actor_id, boss_id])


def boss_message(session: Session, report: MetricReport, *, resent: bool = False) -> Message:
    previous = reports.previous_report(session, report.team_id, report.manager_id, report.period)
    metrics = reports.metrics_of(reports.settings_of(session, report.team_id, report.manager_id))
    return report_views.boss_message(report, previous, metrics, resent=resent)


def report_chart(session: Session, report: MetricReport) -> bytes:
    """Sales against target and pipeline over the 12 periods up to the report's."""
    points = chart.chart_points(reports.series(session, report.team_id, report.manager_id,
                                               report.period))
    return chart.sales_chart(points, title=f"Sales, target and pipeline to "
                                           f"{periods.label(report.period)}")


def upload_chart(client: WebClient, channel: str, report: MetricReport, png: bytes) -> None:
    client.files_upload_v2(channel=channel, content=png, filename=f"sales-{report.period}.png",
                           title=f"Sales to {periods.label(report.period)}")


def history(ctx: RequestContext, owner_id: str | None) -> Message:
    """The last reports of the actor, or of a manager who reports to them."""
    owner = owner_id or ctx.actor_id
    with ctx.sessions.begin() as session:
        reports.check_reader(session, ctx.team_id, owner, ctx.actor_id)
        rows = reports.history(session, ctx.team_id, owner)
    return report_views.history_message(owner, rows, own=owner == ctx.actor_id)


def settings_modal(ctx: RequestContext) -> View:
    with ctx.sessions.begin() as session:
        settings = reports.settings_of(session, ctx.team_id, ctx.actor_id)
        return report_views.settings_modal(settings, reports.metrics_of(settings))


def save_settings(ctx: RequestContext, view: dict[str, Any]) -> None:
    values = (view.get("state") or {}).get("values") or {}
    try:
        metrics = reports.parse_metric_lines(value(values, BlockId.METRICS, Action.METRICS,
                                                   reports.LIMITS["metrics"]))
    except ValueError as error:
        raise FormErrors({BlockId.METRICS: str(error)}) from None
    hours = [selected_option(values, b, a) or "" for b, a in
             ((BlockId.HOUR, Action.HOUR), (BlockId.DEBRIEF_HOUR, Action.DEBRIEF_HOUR))]
    if not all(h.isdigit() for h in hours):
        raise FormErrors({BlockId.HOUR: "Pick the hours from the lists."})
    with ctx.sessions.begin() as session:
        try:
            reports.save_settings(
                session, ctx.team_id, ctx.actor_id,
                cadence=selected_option(values, BlockId.CADENCE, Action.CADENCE) or "",
                metrics=metrics, reminder_hour=int(hours[0]), debrief_hour=int(hours[1]))
        except ReportError as error:
            raise FormErrors({BlockId.CADENCE: str(error)}) from None
