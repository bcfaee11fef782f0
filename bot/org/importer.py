"""`bot import-team FILE.csv`: load an org chart; each bad row is reported and changes nothing."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import sessionmaker

from bot.org import service
from bot.org.people import OrgError, ensure_people

USER_ID = re.compile(r"^[UW][A-Z0-9]{2,31}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|[^>]*)?>")
COLUMNS = ("manager", "report")


class ImportFileError(Exception):
    """The file as a whole cannot be read; nothing was imported."""


@dataclass
class ImportReport:
    imported: int = 0
    unchanged: int = 0
    rejected: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (f"imported {self.imported} reporting lines, {self.unchanged} already in place, "
                f"{len(self.rejected)} rows rejected")


def import_team_csv(path: str, *, sessions: sessionmaker, client: WebClient, now: datetime,
                    default_tz: str) -> ImportReport:
    """Apply every valid `manager,report` row; rows are independent (one transaction each)."""
    rows = read_rows(Path(path))
    team_id = client.auth_test()["team_id"]
    report = ImportReport()
    emails: dict[str, str] = {}
    for line_number, manager_cell, report_cell in rows:
        try:
            manager_id = resolve(client, manager_cell, emails)
            report_id = resolve(client, report_cell, emails)
            with sessions.begin() as session:
                people = ensure_people(session, client, team_id, [manager_id, report_id],
                                       now=now, default_tz=default_tz)
                if service.manager_of(session, team_id, report_id) == manager_id:
                    report.unchanged += 1
                    continue
                service.set_line(session, team_id, manager=people[manager_id],
                                 report=people[report_id], now=now)
            report.imported += 1
        except OrgError as error:
            report.rejected.append(f"line {line_number}: {plain(str(error))}")
        except SlackApiError as error:
            reason = error.response.get("error") or error.response.status_code
            report.rejected.append(f"line {line_number}: Slack answered {reason}")
    return report


def read_rows(path: Path) -> list[tuple[int, str, str]]:
    """(line number, manager, report) for each data row; raise ImportFileError if unreadable."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise ImportFileError(f"cannot read {path}: {error.__class__.__name__}") from None
    reader = csv.reader(text.splitlines())
    header = [h.strip().lower() for h in next(reader, [])]
    if header != list(COLUMNS):
        raise ImportFileError(f"{path}: the first line must be the header `manager,report`")
    rows = []
    for values in reader:
        line_number = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(values) != 2:
            rows.append((line_number, "", ""))  # rejected by resolve() with its line number
        else:
            rows.append((line_number, values[0].strip(), values[1].strip()))
    return rows


def resolve(client: WebClient, cell: str, emails: dict[str, str]) -> str:
    """A Slack user id from an id or an email address (users.lookupByEmail)."""
    if USER_ID.match(cell):
        return cell
    if not EMAIL.match(cell):
        raise OrgError(f"`{cell[:60]}` is neither a Slack user id nor an email address"
                       if cell else "expected two columns: manager,report")
    key = cell.lower()
    if key not in emails:
        try:
            emails[key] = client.users_lookupByEmail(email=cell)["user"]["id"]
        except SlackApiError as error:
            if error.response.get("error") != "users_not_found":
                raise
            raise OrgError(f"no Slack user has the email {cell}") from None
    return emails[key]


def plain(text: str) -> str:
    """Slack mentions and markup as plain text for the terminal."""
    return MENTION.sub(r"\1", text).replace("`", "")
