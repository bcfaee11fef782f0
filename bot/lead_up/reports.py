"""Metric reports: settings, strict numbers, the rule for explanations, saving, who may read."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.lead_up import periods
from bot.lead_up.models import LeadUpSettings, MetricReport
from bot.org import access
from bot.org.access import Action
from bot.org.service import boss_of

SENT_TO = "Reports go to"
MAX_METRICS = 6
MAX_NUMBER = 1e13
LIMITS = {"explanation": 2000, "strategies": 2000, "metric_name": 40, "unit": 12,
          "number": 30, "metrics": 500}
_NUMBER = re.compile(r"^[$€£]?\s*(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*%?$", re.ASCII)


class ReportError(Exception):
    """A request about metric reports that cannot be done; the message is shown to the user."""


class AccessDenied(ReportError, access.Denied):
    """The person may not read or change these reports."""


class ExplanationNeeded(ReportError):
    """Sales are down and the explanation or strategies are blank: `errors` by field."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class Metric:
    """A key metric the manager reports each period, e.g. Win rate in %."""

    name: str
    unit: str = ""

    def title(self) -> str:
        return f"{self.name} ({self.unit})" if self.unit else self.name


@dataclass
class Figures:
    """One period's numbers, validated."""

    period: str
    sales: float
    target: float
    pipeline: float
    metrics: dict[str, float] = field(default_factory=dict)


def parse_number(text: str) -> float:
    """`12500`, `12,500.50`, `$12,500` or `31.5%` as a number; ValueError otherwise."""
    match = _NUMBER.match(text.strip())
    if not match:
        raise ValueError(f"`{text.strip()[:30]}` is not a number (e.g. 12500 or 12,500.50)")
    number = float(match[1].replace(",", "") + (match[2] or ""))
    if number > MAX_NUMBER:
        raise ValueError("That number is too large.")
    return number


def fmt(number: float) -> str:
    """`12,500` or `12,500.5`: what people type, back."""
    return f"{number:,.2f}".rstrip("0").rstrip(".")


# settings ------------------------------------------------------------------------------


def settings_of(session: Session, team_id: str, manager_id: str) -> LeadUpSettings:
    """The manager's settings (the defaults, unsaved, when they never changed them)."""
    return session.get(LeadUpSettings, (team_id, manager_id)) or default_settings(team_id,
                                                                                  manager_id)


def default_settings(team_id: str, manager_id: str) -> LeadUpSettings:
    """The settings of a manager who never changed them (unsaved)."""
    return LeadUpSettings(team_id=team_id, manager_id=manager_id, cadence=periods.MONTHLY,
                          metrics="[]", reminder_hour=9, debrief_hour=9)


def metrics_of(settings: LeadUpSettings) -> list[Metric]:
    return [Metric(m["name"], m.get("unit", "")) for m in json.loads(settings.metrics or "[]")]


def parse_metric_lines(text: str) -> list[Metric]:
    """One metric per line, `Name` or `Name (unit)`; ValueError for too many or too long."""
    metrics: list[Metric] = []
    for line in (raw.strip() for raw in text.splitlines()):
        if not line:
            continue
        unit_match = re.match(r"^(.*?)\s*\(([^()]*)\)$", line)
        name, unit = (unit_match[1].strip(), unit_match[2].strip()) if unit_match else (line, "")
        if not name or len(name) > LIMITS["metric_name"] or len(unit) > LIMITS["unit"]:
            raise ValueError(f"`{line[:60]}`: a name up to {LIMITS['metric_name']} characters, "
                             f"then an optional (unit) up to {LIMITS['unit']}.")
        if name.lower() in {m.name.lower() for m in metrics} | {"sales", "target", "pipeline"}:
            raise ValueError(f"`{name}` is listed twice (sales, target and pipeline are built in).")
        metrics.append(Metric(name, unit))
    if len(metrics) > MAX_METRICS:
        raise ValueError(f"Up to {MAX_METRICS} metrics, one per line.")
    return metrics


def save_settings(session: Session, team_id: str, manager_id: str, *, cadence: str,
                  metrics: list[Metric], reminder_hour: int, debrief_hour: int) -> None:
    hours_ok = 0 <= reminder_hour <= 23 and 0 <= debrief_hour <= 23
    if cadence not in periods.CADENCES or not hours_ok:
        raise ReportError("Pick a cadence and hours from the lists.")
    row = session.get(LeadUpSettings, (team_id, manager_id))
    if row is None:
        row = LeadUpSettings(team_id=team_id, manager_id=manager_id)
        session.add(row)
    row.cadence, row.reminder_hour, row.debrief_hour = cadence, reminder_hour, debrief_hour
    row.metrics = json.dumps([{"name": m.name, "unit": m.unit} for m in metrics])


# figures -------------------------------------------------------------------------------


def read_figures(period: str, raw: dict[str, str], metrics: list[Metric]) -> tuple[
        Figures | None, dict[str, str]]:
    """Figures from typed text (`raw` keyed by sales/target/pipeline/metric name), or the
    errors keyed the same way. Sales, target and pipeline are required; metrics optional."""
    errors: dict[str, str] = {}
    numbers: dict[str, float] = {}
    for key in ("sales", "target", "pipeline", *(m.name for m in metrics)):
        text = (raw.get(key) or "").strip()
        if not text:
            if key in ("sales", "target", "pipeline"):
                errors[key] = f"Enter the {key} for this period (0 if none)."
            continue
        try:
            numbers[key] = parse_number(text)
        except ValueError as error:
            errors[key] = str(error)
    if errors:
        return None, errors
    return Figures(period=period, sales=numbers.pop("sales"), target=numbers.pop("target"),
                   pipeline=numbers.pop("pipeline"), metrics=numbers), {}


def shortfalls(figures: Figures, previous: MetricReport | None) -> list[str]:
    """Why an explanation is needed: sales below target, below the previous period, or both."""
    reasons = []
    if figures.sales < figures.target:
        reasons.append(f"below target ({fmt(figures.sales)} against {fmt(figures.target)})")
    if previous is not None and figures.sales < previous.sales:
        reasons.append(f"below {periods.label(previous.period)} ({fmt(previous.sales)})")
    return reasons


# records -------------------------------------------------------------------------------


def report_for(session: Session, team_id: str, manager_id: str, period: str) -> MetricReport | None:
    return session.scalar(select(MetricReport).where(
        MetricReport.team_id == team_id, MetricReport.manager_id == manager_id,
        MetricReport.period == period))


def previous_report(session: Session, team_id: str, manager_id: str,
                    period: str) -> MetricReport | None:
    return report_for(session, team_id, manager_id, periods.previous(period))


def metric_values(report: MetricReport) -> dict[str, float]:
    return json.loads(report.metrics or "{}")


def store(session: Session, team_id: str, manager_id: str, figures: Figures, now: datetime, *,
          source: str) -> MetricReport:
    """Insert or update the period's numbers (not yet sent to anyone)."""
    report = report_for(session, team_id, manager_id, figures.period)
    if report is None:
        report = MetricReport(team_id=team_id, manager_id=manager_id, period=figures.period,
                              created_at=now)
        session.add(report)
    report.sales, report.target, report.pipeline = figures.sales, figures.target, figures.pipeline
    report.metrics = json.dumps(figures.metrics)
    report.source, report.updated_at = source, now
    session.flush()
    return report


def submit(session: Session, team_id: str, manager_id: str, figures: Figures, *,
           explanation: str, strategies: str, now: datetime) -> tuple[MetricReport, bool]:
    """Save the report as sent to the manager's manager; returns it and whether it replaces one
    already sent. Nothing is written when there is no boss (ReportError) or when sales are down
    without an explanation and strategies (ExplanationNeeded)."""
    boss_id = boss_of(session, team_id, manager_id, purpose=SENT_TO, error=ReportError)
    reasons = shortfalls(figures, previous_report(session, team_id, manager_id, figures.period))
    errors = missing_explanations(reasons, explanation, strategies)
    if errors:
        raise ExplanationNeeded(errors)
    existing = report_for(session, team_id, manager_id, figures.period)
    resent = existing is not None and existing.submitted_at is not None
    report = store(session, team_id, manager_id, figures, now, source="slack")
    report.explanation, report.strategies = explanation.strip(), strategies.strip()
    report.boss_id, report.submitted_at = boss_id, now
    return report, resent


def missing_explanations(reasons: list[str], explanation: str, strategies: str) -> dict[str, str]:
    """Field -> message when sales are down and the explanation or strategies are blank."""
    if not reasons:
        return {}
    why = "Sales are " + " and ".join(reasons) + "."
    errors = {}
    if not explanation.strip():
        errors["explanation"] = f"{why} Explain what happened."
    if not strategies.strip():
        errors["strategies"] = "Say what you will do to raise sales."
    return errors


def series(session: Session, team_id: str, manager_id: str, period: str,
           count: int = 12) -> list[tuple[str, MetricReport | None]]:
    """The last `count` periods up to `period`, each with its report if there is one."""
    wanted = periods.recent(period, count)
    rows = {r.period: r for r in session.scalars(select(MetricReport).where(
        MetricReport.team_id == team_id, MetricReport.manager_id == manager_id,
        MetricReport.period.in_(wanted)))}
    return [(p, rows.get(p)) for p in wanted]


def history(session: Session, team_id: str, manager_id: str, limit: int = 12) -> list[MetricReport]:
    return list(session.scalars(select(MetricReport).where(
        MetricReport.team_id == team_id, MetricReport.manager_id == manager_id)
        .order_by(MetricReport.period.desc()).limit(limit)))


def check_reader(session: Session, team_id: str, owner_id: str, reader_id: str) -> None:
    """The owner and their current manager may read the owner's reports; others may not."""
    access.require(session, reader_id, Action.SALES_REPORT_READ, access.Record(team_id, owner_id),
                   message=f"Sales reports are private: only <@{owner_id}> and their manager "
                           "can read them.", error=AccessDenied)


def check_period(text: str, cadence: str, today: date, *, manager_id: str | None = None) -> str:
    """The period typed (or the current one): in the manager's cadence, not in the future.
    Refusals speak to the manager, or about `manager_id` (imports)."""
    current = periods.current_period(cadence, today)
    if not text.strip():
        return current
    try:
        period = periods.parse_period(text)
    except ValueError as error:
        raise ReportError(str(error)) from None
    if periods.cadence_of(period) != cadence:
        who = f"<@{manager_id}> reports" if manager_id else "You report"
        hint = "" if manager_id else " (or change it with `/salesreport settings`)"
        raise ReportError(f"{who} {cadence}: use a period like `{current}`, not "
                          f"`{period}`{hint}")
    if periods.start_of(period) > periods.start_of(current):
        raise ReportError(f"{periods.label(period)} has not started yet.")
    return period


def attainment(report: MetricReport) -> str:
    """`80% of target`."""
    return f"{report.sales / report.target * 100:.0f}% of target" if report.target \
        else "no target"


def period_choices(cadence: str, today: date, count: int = 6) -> list[str]:
    """The current period and the ones before it, newest first (for the modal's select)."""
    return list(reversed(periods.recent(periods.current_period(cadence, today), count)))
