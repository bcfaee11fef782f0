"""Slack tokens at rest (OAuth mode): slack-sdk's installation tables with every token column
encrypted by Fernet. LEADWELL_ENCRYPTION_KEYS holds one or more keys: the first encrypts, all
decrypt (MultiFernet), and `rotate_keys` re-encrypts every stored token with the first one.
See docs/security-tokens.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Dialect, MetaData, Table, Text, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.types import TypeDecorator, TypeEngine

from bot.core.db import Base

INSTALLATIONS, BOTS, OAUTH_STATES = "slack_installations", "slack_bots", "slack_oauth_states"
# every column of slack-sdk's tables that holds a credential (a webhook URL is one too)
TOKEN_COLUMNS = ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token",
                 "incoming_webhook_url")


class UnreadableToken(Exception):
    """A stored token that no key of LEADWELL_ENCRYPTION_KEYS decrypts."""


class Cipher:
    """Fernet over LEADWELL_ENCRYPTION_KEYS: the first key encrypts, every key decrypts."""

    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise ValueError("at least one encryption key is needed")
        self._fernet = MultiFernet([Fernet(key.encode()) for key in keys])

    def encrypt(self, value: str) -> str:
        return self._fernet.encrypt(value.encode()).decode()

    def decrypt(self, value: str) -> str:
        try:
            return self._fernet.decrypt(value.encode()).decode()
        except InvalidToken:
            raise UnreadableToken("a stored Slack token can't be decrypted with any key of "
                                  "LEADWELL_ENCRYPTION_KEYS (was its key removed too early?)"
                                  ) from None

    def rotate(self, value: str) -> str:
        """The same secret, encrypted again with the first key."""
        try:
            return self._fernet.rotate(value.encode()).decode()
        except InvalidToken:
            raise UnreadableToken("a stored Slack token can't be decrypted with any key of "
                                  "LEADWELL_ENCRYPTION_KEYS; nothing was changed") from None


class EncryptedText(TypeDecorator[str]):
    """A text column whose values are Fernet-encrypted on the way in, decrypted on the way out."""

    impl = Text
    cache_ok = True

    def __init__(self, cipher: Cipher) -> None:
        super().__init__()
        self.cipher = cipher

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else self.cipher.encrypt(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else self.cipher.decrypt(value)


def installation_tables(metadata: MetaData, token_type: TypeEngine[Any]) -> tuple[Table, Table]:
    """slack-sdk's installations and bots tables, token columns typed `token_type` (Text
    in the migrations' metadata: ciphertext is longer than slack-sdk's String(200))."""
    installations = SQLAlchemyInstallationStore.build_installations_table(metadata, INSTALLATIONS)
    bots = SQLAlchemyInstallationStore.build_bots_table(metadata, BOTS)
    for table in (installations, bots):
        for name in TOKEN_COLUMNS:
            if name in table.c:
                table.c[name].type = token_type
    return installations, bots


# The tables as stored (ciphertext), for migrations, key rotation and deletion.
INSTALLATIONS_TABLE, BOTS_TABLE = installation_tables(Base.metadata, Text())
OAUTH_STATES_TABLE = SQLAlchemyOAuthStateStore.build_oauth_states_table(Base.metadata,
                                                                         OAUTH_STATES)


def rotate_keys(engine: Engine, cipher: Cipher) -> int:
    """Re-encrypt every stored token with the first key, in one transaction; how many.

    Raises UnreadableToken (and changes nothing) if a token is under none of the keys.
    """
    count = 0
    with engine.begin() as connection:
        for table in (INSTALLATIONS_TABLE, BOTS_TABLE):
            columns = [table.c[name] for name in TOKEN_COLUMNS if name in table.c]
            for row in connection.execute(select(table.c.id, *columns)).mappings().all():
                values = {c.name: cipher.rotate(row[c.name]) for c in columns if row[c.name]}
                if values:
                    connection.execute(update(table).where(table.c.id == row["id"])
                                       .values(**values))
                    count += len(values)
    return count
