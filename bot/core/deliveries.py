"""The operator's view of the outbox: `bot deliveries [--failed] [--pending] [--limit N]`."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.models import Delivery

COLUMNS = ("id", "team", "recipient", "kind", "period", "status", "attempts", "error")


def latest(session: Session, statuses: Sequence[str] = (), limit: int = 50) -> list[Delivery]:
    """The newest deliveries, only those in `statuses` when given."""
    query = select(Delivery).order_by(Delivery.id.desc()).limit(limit)
    if statuses:
        query = query.where(Delivery.status.in_(statuses))
    return list(session.scalars(query))


def table(rows: Sequence[Delivery]) -> list[str]:
    """A header and one aligned line per delivery (errors on one line)."""
    cells = [COLUMNS, *[(str(d.id), d.team_id, d.recipient, d.kind, d.period, d.status,
                         str(d.attempts), " ".join((d.error or "").split())) for d in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(COLUMNS) - 1)]
    return ["  ".join([*(c.ljust(w) for c, w in zip(row, widths, strict=False)), row[-1]])
            .rstrip() for row in cells]
