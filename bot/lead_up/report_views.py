"""Block Kit for metric reports: the report and settings modals, the boss's DM, history."""

from __future__ import annotations

import json

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    InputBlock,
    PlainTextInputElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.core.blocks import Message, button, context, header, markdown
from bot.core.forms import select_input, text_input
from bot.core.replies import escape
from bot.lead_up import periods
from bot.lead_up.ids import SALES_REPORT, Action, BlockId, Callback, metric_block
from bot.lead_up.models import LeadUpSettings, MetricReport
from bot.lead_up.reports import LIMITS, Metric, attainment, fmt, metric_values

HELP = f"""*`{SALES_REPORT}`: report sales, pipeline and key metrics to your manager*
• `{SALES_REPORT}`: this period's report (or `{SALES_REPORT} 2026-11`, `{SALES_REPORT} 2026-W48`)
• `{SALES_REPORT} history`: your last reports; `{SALES_REPORT} history @manager` for a manager
  who reports to you
• `{SALES_REPORT} settings`: weekly or monthly, your key metrics, reminder and debrief times
• `{SALES_REPORT} help`: this message
When sales are below target or below the previous period, the report needs an explanation and
your strategies. Reports are private to you and your manager."""
HOURS = {str(h): f"{h:02d}:00" for h in range(24)}
CADENCE_NAMES = {periods.MONTHLY: "Monthly", periods.WEEKLY: "Weekly"}
NUMBER_HINT = "A number, e.g. 125,000 or 125000.50"


def report_modal(*, period: str, choices: list[str], metrics: list[Metric], boss_id: str,
                 report: MetricReport | None, previous: MetricReport | None) -> View:
    """The report form for `period`, prefilled from its saved numbers (or last target)."""
    values = metric_values(report) if report else {}
    initial = {
        BlockId.SALES: fmt(report.sales) if report else "",
        BlockId.TARGET: fmt(report.target) if report else (fmt(previous.target) if previous
                                                            else ""),
        BlockId.PIPELINE: fmt(report.pipeline) if report else "",
    }
    lead = f"Goes to <@{boss_id}>, your manager, with a chart of the last 12 periods."
    if report is not None and report.submitted_at is None:
        lead += f" Numbers from your CRM ({report.source}) are filled in: check them."
    blocks: list[Block] = [
        context(lead),
        select_input(BlockId.PERIOD, Action.PERIOD, "Period",
                     {p: periods.label(p) for p in choices}, period),
        _number(BlockId.SALES, "Sales", initial[BlockId.SALES]),
        _number(BlockId.TARGET, "Target", initial[BlockId.TARGET]),
        _number(BlockId.PIPELINE, "Pipeline value", initial[BlockId.PIPELINE]),
    ]
    for index, metric in enumerate(metrics):
        value = values.get(metric.name)
        blocks.append(_number(metric_block(index), metric.title(),
                              "" if value is None else fmt(value), optional=True))
    blocks += [
        header("If sales are down"),
        context("Below target or below the previous period? Then explain what happened and "
                "how you will raise sales: the report is not sent without both."),
        text_input(BlockId.EXPLANATION, Action.TEXT, "What happened", LIMITS["explanation"],
                   report.explanation if report else "", multiline=True),
        text_input(BlockId.STRATEGIES, Action.TEXT, "Strategies to increase performance",
                   LIMITS["strategies"], report.strategies if report else "", multiline=True),
    ]
    return View(type="modal", callback_id=Callback.REPORT, title="Sales report",
                submit="Send report", close="Cancel", blocks=blocks,
                private_metadata=json.dumps({"metrics": [m.name for m in metrics]}))


def _number(block_id: str, label: str, initial: str, *, optional: bool = False) -> InputBlock:
    return InputBlock(block_id=block_id, label=label, optional=optional,
                      hint=None if optional else NUMBER_HINT,
                      element=PlainTextInputElement(action_id=Action.NUMBER,
                                                    max_length=LIMITS["number"],
                                                    initial_value=initial or None))


def settings_modal(settings: LeadUpSettings, metrics: list[Metric]) -> View:
    lines = "\n".join(m.title() for m in metrics)
    blocks: list[Block] = [
        select_input(BlockId.CADENCE, Action.CADENCE, "Report", CADENCE_NAMES, settings.cadence),
        text_input(BlockId.METRICS, Action.METRICS, "Your team's key metrics, one per line",
                   LIMITS["metrics"], lines, multiline=True),
        context("For example `Win rate (%)`, `Meetings held`, `Average deal size ($)`. "
                "Sales, target and pipeline are always there."),
        select_input(BlockId.HOUR, Action.HOUR, "Reminder when a report is missing", HOURS,
                     str(settings.reminder_hour)),
        select_input(BlockId.DEBRIEF_HOUR, Action.DEBRIEF_HOUR,
                     "Monthly debrief agenda (first business day)", HOURS,
                     str(settings.debrief_hour)),
        context("Times are in your own time zone."),
    ]
    return View(type="modal", callback_id=Callback.SETTINGS, title="Reports and debriefs",
                submit="Save", close="Cancel", blocks=blocks)


def change(current: float, before: float | None, what: str) -> str:
    """`+12.5% vs October 2026` (or nothing to compare with)."""
    if before is None:
        return f"no {what} to compare with"
    if before == 0:
        return f"{what}: 0"
    delta = (current - before) / before * 100
    arrow = ":arrow_up_small:" if delta > 0 else ":arrow_down_small:" if delta < 0 else "="
    return f"{arrow} {delta:+.1f}% vs {what}"


def figures_blocks(report: MetricReport, previous: MetricReport | None,
                   metrics: list[Metric]) -> list[Block]:
    """The figures with their change against the previous period and the target."""
    before = periods.label(previous.period) if previous else "the previous period"
    fields = [
        f"*Sales*\n{fmt(report.sales)}  ({attainment(report)})\n"
        f"{change(report.sales, previous.sales if previous else None, before)}",
        f"*Target*\n{fmt(report.target)}",
        f"*Pipeline*\n{fmt(report.pipeline)}\n"
        f"{change(report.pipeline, previous.pipeline if previous else None, before)}",
    ]
    values = metric_values(report)
    old = metric_values(previous) if previous else {}
    for metric in metrics:
        if metric.name in values:
            unit = f" {metric.unit}" if metric.unit else ""
            fields.append(f"*{escape(metric.name)}*\n{fmt(values[metric.name])}{escape(unit)}\n"
                          f"{change(values[metric.name], old.get(metric.name), before)}")
    blocks: list[Block] = [SectionBlock(fields=fields[i:i + 10]) for i in range(0, len(fields), 10)]
    if report.explanation:
        blocks.append(markdown(f"*Why sales are down*\n{escape(report.explanation)}"))
    if report.strategies:
        blocks.append(markdown(f"*Strategies to increase performance*\n"
                               f"{escape(report.strategies)}"))
    return blocks


def boss_message(report: MetricReport, previous: MetricReport | None, metrics: list[Metric], *,
                 resent: bool) -> Message:
    """The DM to the manager's manager."""
    what = "an updated sales report" if resent else "their sales report"
    text = f"<@{report.manager_id}> sent you {what} for {periods.label(report.period)}."
    return Message(text=text, blocks=[
        markdown(text), *figures_blocks(report, previous, metrics),
        context(f"Private to you and <@{report.manager_id}>. The chart follows."),
    ])


def sent_notice(report: MetricReport, *, resent: bool) -> Message:
    verb = "updated report" if resent else "report"
    return Message(text=f"Your {verb} for {periods.label(report.period)} went to "
                        f"<@{report.boss_id}>, with the chart.")


def history_message(owner_id: str, reports: list[MetricReport], *, own: bool) -> Message:
    whose = "Your" if own else f"<@{owner_id}>'s"
    if not reports:
        return Message(text=f"{whose} sales reports: none yet. Start with `{SALES_REPORT}`.")
    lines = []
    for report in reports:
        state = "" if report.submitted_at else " _(numbers only, not sent)_"
        note = " :memo: explained" if report.explanation else ""
        lines.append(f"• *{periods.label(report.period)}*: sales {fmt(report.sales)} "
                     f"({attainment(report)} {fmt(report.target)}), pipeline "
                     f"{fmt(report.pipeline)}{note}{state}")
    text = f"{whose} sales reports, newest first"
    return Message(text=text, blocks=[markdown(f"*{text}*\n" + "\n".join(lines))])


def reminder_message(period: str, imported: MetricReport | None) -> Message:
    """The DM when a finished period's report is missing."""
    extra = " Numbers from your CRM are already in: check them and send." if imported else ""
    text = f"Your sales report for {periods.label(period)} is not sent yet.{extra}"
    return Message(text=text, blocks=[
        markdown(text),
        ActionsBlock(block_id="up.reminder", elements=[
            button("Write the report", Action.OPEN_REPORT, period, style="primary")]),
    ])
