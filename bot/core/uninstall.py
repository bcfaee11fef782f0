"""Uninstall and token revocation: Slack's `app_uninstalled` and `tokens_revoked` events.

`app_uninstalled` deletes every row of the workspace, in one transaction: each table with a
`team_id` column (the installation and its tokens included), and the rows of tables without
one that hang off those (a plan's actions, a debrief's versions …), children first.
`tokens_revoked` deletes the revoked tokens: the bot's (the workspace stays, but nothing can be
sent until it is installed again) and those of the users listed. Slack sends both events on an
uninstall, in no set order: a `tokens_revoked` after the workspace is gone leaves no row either.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any, Protocol

from slack_bolt import App, BoltContext
from sqlalchemy import ColumnElement, Table, delete, func, select, tuple_, update
from sqlalchemy.orm import Session, sessionmaker

from bot.core.db import Base, import_models
from bot.core.tokens import BOTS_TABLE, INSTALLATIONS_TABLE

log = logging.getLogger(__name__)

LEDGER = "processed_events"  # event ids (bot/core/events.py), this event's among them
BOT_TOKEN_COLUMNS = ("bot_token", "bot_refresh_token", "bot_token_expires_at")
USER_TOKEN_COLUMNS = ("user_token", "user_refresh_token", "user_token_expires_at")


def owned_by(table: Table, team_id: str) -> ColumnElement[bool] | None:
    """The condition selecting the workspace's rows of `table`: its `team_id`, or a foreign
    key to a table whose rows are the workspace's; None if the table holds none."""
    if "team_id" in table.c:
        return table.c.team_id == team_id
    for key in table.foreign_key_constraints:
        parent = owned_by(key.referred_table, team_id)
        if parent is None:
            continue
        mine = [element.parent for element in key.elements]
        theirs = [element.column for element in key.elements]
        if len(mine) == 1:
            return mine[0].in_(select(theirs[0]).where(parent))
        return tuple_(*mine).in_(select(*theirs).where(parent))
    return None


def workspace_tables() -> list[Table]:
    """Every table holding rows of workspaces, children before parents."""
    import_models()
    return [t for t in reversed(Base.metadata.sorted_tables) if owned_by(t, "") is not None]


def count_rows(session: Session, team_id: str) -> dict[str, int]:
    """How many rows each table holds for the workspace (tables with none left out)."""
    counts = {}
    for table in workspace_tables():
        number = session.scalar(select(func.count()).select_from(table)
                                .where(owned_by(table, team_id)))
        if number:
            counts[table.name] = number
    return counts


def delete_workspace(session: Session, team_id: str) -> dict[str, int]:
    """Delete every row of the workspace, children first; rows deleted per table."""
    counts = {}
    for table in workspace_tables():
        result = session.execute(delete(table).where(owned_by(table, team_id))
                                 .execution_options(synchronize_session=False))
        if result.rowcount:
            counts[table.name] = result.rowcount
    return counts


def revoke_tokens(session: Session, team_id: str, *, bot: bool,
                  user_ids: Iterable[str]) -> int:
    """Delete revoked tokens: the workspace's bot tokens (if `bot`) and those of `user_ids`;
    how many installation and bot rows changed."""
    changed = 0
    if bot:
        changed += session.execute(delete(BOTS_TABLE).where(BOTS_TABLE.c.team_id == team_id)
                                   ).rowcount
        changed += session.execute(
            update(INSTALLATIONS_TABLE).where(INSTALLATIONS_TABLE.c.team_id == team_id)
            .values(dict.fromkeys(BOT_TOKEN_COLUMNS))).rowcount
    users = set(user_ids)
    if users:
        c = INSTALLATIONS_TABLE.c
        changed += session.execute(
            update(INSTALLATIONS_TABLE).where(c.team_id == team_id, c.user_id.in_(users))
            .values(dict.fromkeys(USER_TOKEN_COLUMNS))).rowcount
    return changed


class Forgetful(Protocol):
    """What caches a workspace's client (bot/core/install.py `InstalledWorkspaces`)."""

    def forget(self, team_id: str) -> None:
        """Drop what is cached about the workspace."""


def register(app: App, sessions: sessionmaker, workspaces: Forgetful) -> None:
    """The `app_uninstalled` and `tokens_revoked` listeners."""

    @app.event("app_uninstalled")
    def uninstalled(context: BoltContext) -> None:
        team_id = context.team_id
        if not team_id:
            return
        with sessions.begin() as session:
            counts = delete_workspace(session, team_id)
        workspaces.forget(team_id)
        log.info("workspace %s uninstalled the app: deleted %s rows (%s)", team_id,
                 sum(counts.values()), ", ".join(f"{t} {n}" for t, n in sorted(counts.items())))

    @app.event("tokens_revoked")
    def revoked(event: dict[str, Any], context: BoltContext) -> None:
        team_id = context.team_id
        listed = event.get("tokens") or {}
        if not team_id or not isinstance(listed, dict):
            return
        users = [u for u in listed.get("oauth") or [] if isinstance(u, str)]
        with sessions.begin() as session:
            changed = revoke_tokens(session, team_id, bot=bool(listed.get("bot")), user_ids=users)
            if set(count_rows(session, team_id)) <= {LEDGER}:  # came after app_uninstalled
                delete_workspace(session, team_id)
        workspaces.forget(team_id)
        log.info("workspace %s revoked tokens (bot: %s, users: %s): %s rows changed", team_id,
                 bool(listed.get("bot")), len(users), changed)
