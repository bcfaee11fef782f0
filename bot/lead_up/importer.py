"""Sales figures from a CRM: `bot import-metrics FILE.csv` and the record that it and
`POST /api/metrics` both apply. Each record is its own transaction; a bad one stores nothing."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.lead_up import periods
from bot.lead_up.models import MetricReport
from bot.lead_up.reports import (
    ReportError,
    check_period,
    metrics_of,
    read_figures,
    report_for,
    settings_of,
    store,
)
from bot.org.importer import ImportFileError, plain, resolve
from bot.org.people import OrgError, ensure_people

BUILT_IN = ("sales", "target", "pipeline")
COLUMNS = ("manager", "period", *BUILT_IN)
HEADER = ",".join(COLUMNS)


@dataclass(frozen=True)
class Record:
    """One manager's figures for one period as received: `raw` holds the typed text of sales,
    target, pipeline and metrics by name; `problem` rejects it before anything is looked up."""

    key: int  # the CSV line number or the API item index
    where: str  # "line 3" or "item 0"
    manager: str  # a Slack user id or an email
    period: str
    raw: dict[str, str] = field(default_factory=dict)
    problem: str = ""


@dataclass(frozen=True)
class Rejection:
    key: int
    where: str
    reason: str


@dataclass
class Outcome:
    stored: int = 0
    rejected: list[Rejection] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [f"{r.where}: {r.reason}" for r in self.rejected]

    def summary(self) -> str:
        return f"stored {self.stored} reports, {len(self.rejected)} rows rejected"


def record_figures(session: Session, team_id: str, manager_id: str, period_text: str,
                   raw: dict[str, str], now: datetime, source: str) -> MetricReport:
    """Store one period's figures for a manager (unsent, for them to review in Slack);
    ReportError says why not: bad or off-cadence period, unknown metric, bad number, or a
    report already sent to the boss."""
    settings = settings_of(session, team_id, manager_id)
    if not period_text.strip():
        raise ReportError("the period is missing: YYYY-MM (a month) or YYYY-Www (a week)")
    period = check_period(period_text, settings.cadence, now.date(), manager_id=manager_id)
    metrics = metrics_of(settings)
    names = [m.name for m in metrics]
    for name, value in raw.items():
        if name not in BUILT_IN and name not in names and value.strip():
            tracked = ", ".join(names) or "none"
            raise ReportError(f"`{name}` is not one of <@{manager_id}>'s metrics "
                              f"(they track: {tracked})")
    figures, errors = read_figures(period, raw, metrics)
    if figures is None:
        raise ReportError("; ".join(f"{key}: {message}" for key, message in errors.items()))
    existing = report_for(session, team_id, manager_id, period)
    if existing is not None and existing.submitted_at is not None:
        raise ReportError(f"the report for {periods.label(period)} was already sent to "
                          f"<@{existing.boss_id}>: correct it in Slack with `/salesreport`")
    return store(session, team_id, manager_id, figures, now, source=source)


def apply_records(records: Iterable[Record], *, sessions: sessionmaker, client: WebClient,
                  team_id: str, now: datetime, source: str, default_tz: str) -> Outcome:
    """Apply each record in its own transaction; later duplicates of a manager and period
    are rejected."""
    outcome = Outcome()
    emails: dict[str, str] = {}
    seen: dict[tuple[str, str], str] = {}
    for record in records:
        try:
            _apply(record, sessions=sessions, client=client, team_id=team_id, now=now,
                   source=source, default_tz=default_tz, emails=emails, seen=seen)
            outcome.stored += 1
        except (OrgError, ReportError) as error:
            outcome.rejected.append(Rejection(record.key, record.where, plain(str(error))))
        except SlackApiError as error:
            reason = error.response.get("error") or error.response.status_code
            outcome.rejected.append(Rejection(record.key, record.where,
                                              f"Slack answered {reason}"))
        except IntegrityError:  # the same report was created concurrently
            outcome.rejected.append(Rejection(record.key, record.where,
                                              "updated by another request at the same time: "
                                              "send it again"))
    return outcome


def _apply(record: Record, *, sessions: sessionmaker, client: WebClient, team_id: str,
           now: datetime, source: str, default_tz: str, emails: dict[str, str],
           seen: dict[tuple[str, str], str]) -> None:
    if record.problem:
        raise ReportError(record.problem)
    if not record.manager:
        raise ReportError("the manager is missing: a Slack user id or an email")
    manager_id = resolve(client, record.manager, emails)
    try:
        key = (manager_id, periods.parse_period(record.period))
    except ValueError:
        pass  # record_figures says why
    else:
        if key in seen:
            raise ReportError(f"{manager_id} {key[1]} is a duplicate of {seen[key]}")
        seen[key] = record.where
    with sessions.begin() as session:
        person = ensure_people(session, client, team_id, [manager_id], now=now,
                               default_tz=default_tz)[manager_id]
        if person.is_bot or person.deleted:
            raise ReportError(f"<@{manager_id}> is a bot or deactivated")
        record_figures(session, team_id, manager_id, record.period, record.raw, now, source)


# the CSV file ------------------------------------------------------------------------


def import_metrics_csv(path: str, *, sessions: sessionmaker, client: WebClient, now: datetime,
                       default_tz: str) -> Outcome:
    """Store every valid row of the file as an unsent report (source `csv`)."""
    records = read_records(Path(path))
    team_id = client.auth_test()["team_id"]
    return apply_records(records, sessions=sessions, client=client, team_id=team_id, now=now,
                         source="csv", default_tz=default_tz)


def read_records(path: Path) -> list[Record]:
    """A record per data row; ImportFileError if the file is unreadable or the header wrong."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise ImportFileError(f"cannot read {path}: {error.__class__.__name__}") from None
    reader = csv.reader(text.splitlines())
    header = [h.strip() for h in next(reader, [])]
    extra = header[len(COLUMNS):]
    if [h.lower() for h in header[:len(COLUMNS)]] != list(COLUMNS):
        raise ImportFileError(f"{path}: the first line must be the header `{HEADER}`, "
                              "then optional columns named like the managers' metrics")
    reserved = {c.lower() for c in COLUMNS}
    if any(not name or name.lower() in reserved for name in extra) or len(
            {name.lower() for name in extra}) < len(extra):
        raise ImportFileError(f"{path}: after `{HEADER}` each column must be a metric's name, "
                              "once")
    records = []
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        where = f"line {reader.line_num}"
        if len(values) != len(header):
            records.append(Record(reader.line_num, where, "", "", problem=(
                f"expected {len(header)} columns like the header, found {len(values)}")))
            continue
        cells = [v.strip() for v in values]
        records.append(Record(reader.line_num, where, cells[0], cells[1],
                              dict(zip((*BUILT_IN, *extra), cells[2:], strict=True))))
    return records
