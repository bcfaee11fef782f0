"""Settings: one object, read once from the environment."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_API_URL = "https://slack.com/api/"
DEFAULT_DATABASE_URL = "sqlite:///var/leadwell.db"

WHERE_TO_GET = {
    "SLACK_BOT_TOKEN": "OAuth & Permissions > Bot User OAuth Token",
    "SLACK_SIGNING_SECRET": "Basic Information > App Credentials > Signing Secret",
    "SLACK_APP_TOKEN": "Basic Information > App-Level Tokens (scope connections:write)",
}
OAUTH_WHERE_TO_GET = {
    "SLACK_CLIENT_ID": "Basic Information > App Credentials > Client ID",
    "SLACK_CLIENT_SECRET": "Basic Information > App Credentials > Client Secret",
}
KEYS_HOWTO = "generate one as docs/security-tokens.md shows"
# The bot scopes of manifest.yml (tests/test_install.py keeps them in sync): what OAuth asks for.
BOT_SCOPES = ("commands", "chat:write", "im:write", "mpim:write", "users:read",
              "users:read.email", "files:write", "im:history", "mpim:history")
SCOPE = re.compile(r"[a-z][a-z0-9_.:-]*")


class SettingsError(Exception):
    """A setting is missing or malformed; the message is one line, safe to print."""


class Secret(str):
    """A string that never shows its value in repr() or str() formatting of containers."""

    def __repr__(self) -> str:
        return "Secret('***')"


@dataclass(frozen=True)
class Settings:
    """Everything the bot reads from its environment."""

    bot_token: Secret | None = None
    signing_secret: Secret | None = None
    app_token: Secret | None = None
    database_url: str = DEFAULT_DATABASE_URL
    slack_api_url: str = DEFAULT_API_URL
    port: int = 3000
    log_level: str = "INFO"
    log_format: str = "text"
    default_timezone: str = "UTC"
    workers: int = 16
    web_concurrency: int = 1  # `bot serve` processes (bot/core/server.py)
    follow_up_process: bool = True  # DMs and App Home refreshes in their own process
    tick_seconds: int = 60
    monday_answer_retention_days: int | None = 365  # None keeps Monday answers forever
    client_id: str | None = None
    client_secret: Secret | None = None
    encryption_keys: tuple[Secret, ...] = field(default=(), repr=False)
    scopes: tuple[str, ...] = BOT_SCOPES
    oauth_redirect_url: str | None = None
    install_path: str = "/slack/install"
    secrets: tuple[str, ...] = field(default=(), repr=False)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read settings from `env` (default: os.environ); raise SettingsError if malformed."""
        env = os.environ if env is None else env

        def secret(name: str) -> Secret | None:
            value = env.get(name, "").strip()
            return Secret(value) if value else None

        port = _int(env, "PORT", 3000)
        tz = env.get("DEFAULT_TIMEZONE", "UTC").strip() or "UTC"
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise SettingsError(
                f"DEFAULT_TIMEZONE={tz!r} is not an IANA time zone (e.g. Europe/Paris)"
            ) from None
        level = env.get("LOG_LEVEL", "INFO").strip().upper() or "INFO"
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise SettingsError(
                f"LOG_LEVEL={level!r} must be DEBUG, INFO, WARNING, ERROR or CRITICAL"
            )
        log_format = env.get("LOG_FORMAT", "text").strip().lower() or "text"
        if log_format not in {"text", "json"}:
            raise SettingsError(f"LOG_FORMAT={log_format!r} must be text or json")
        api_url = env.get("SLACK_API_URL", "").strip() or DEFAULT_API_URL
        if not api_url.startswith(("http://", "https://")):
            raise SettingsError("SLACK_API_URL must start with http:// or https://")
        tokens = {n: secret(n) for n in WHERE_TO_GET}
        oauth = _oauth_settings(env, secret("SLACK_CLIENT_SECRET"))
        return cls(
            bot_token=tokens["SLACK_BOT_TOKEN"],
            signing_secret=tokens["SLACK_SIGNING_SECRET"],
            app_token=tokens["SLACK_APP_TOKEN"],
            database_url=normalize_database_url(env.get("DATABASE_URL", "")),
            slack_api_url=api_url if api_url.endswith("/") else api_url + "/",
            port=port,
            log_level=level,
            log_format=log_format,
            default_timezone=tz,
            workers=_int(env, "WORKERS", 16),
            web_concurrency=_int(env, "WEB_CONCURRENCY", 1),
            follow_up_process=_switch(env, "FOLLOW_UP_PROCESS", True),
            tick_seconds=_int(env, "TICK_SECONDS", 60),
            monday_answer_retention_days=_retention_days(env),
            **oauth,
            secrets=(*(v for v in tokens.values() if v), *oauth["encryption_keys"],
                     *([oauth["client_secret"]] if oauth["client_secret"] else [])),
        )

    @property
    def oauth(self) -> bool:
        """OAuth mode (installs in many workspaces): SLACK_CLIENT_ID and SECRET are set."""
        return bool(self.client_id and self.client_secret)

    @property
    def authorization_url(self) -> str:
        """Slack's install page, beside SLACK_API_URL (https://slack.com/oauth/v2/authorize)."""
        base = self.slack_api_url.removesuffix("/").removesuffix("/api")
        return base + "/oauth/v2/authorize"

    def require(self, names: Iterable[str]) -> None:
        """Raise SettingsError naming the first missing variable and where to find it."""
        values = {
            "SLACK_BOT_TOKEN": self.bot_token,
            "SLACK_SIGNING_SECRET": self.signing_secret,
            "SLACK_APP_TOKEN": self.app_token,
            "SLACK_CLIENT_ID": self.client_id,
            "SLACK_CLIENT_SECRET": self.client_secret,
            "LEADWELL_ENCRYPTION_KEYS": self.encryption_keys,
        }
        where = WHERE_TO_GET | OAUTH_WHERE_TO_GET
        for name in names:
            if not values[name] and name not in where:
                raise SettingsError(f"{name} is not set: {KEYS_HOWTO}")
            if not values[name]:
                raise SettingsError(
                    f"{name} is not set: create the Slack app from manifest.yml, then copy it "
                    f"from the app's settings ({where[name]})"
                )


def _oauth_settings(env: Mapping[str, str], client_secret: Secret | None) -> dict[str, Any]:
    """OAuth mode's settings: both client credentials or neither, and then encryption keys."""
    client_id = env.get("SLACK_CLIENT_ID", "").strip() or None
    if bool(client_id) != bool(client_secret):
        missing = "SLACK_CLIENT_SECRET" if client_id else "SLACK_CLIENT_ID"
        raise SettingsError(f"{missing} is not set: OAuth mode needs SLACK_CLIENT_ID and "
                            f"SLACK_CLIENT_SECRET ({OAUTH_WHERE_TO_GET[missing]})")
    keys = encryption_keys(env.get("LEADWELL_ENCRYPTION_KEYS", ""))
    if client_id and not keys:
        raise SettingsError("LEADWELL_ENCRYPTION_KEYS is not set: OAuth mode keeps Slack tokens "
                            f"encrypted with it; {KEYS_HOWTO}")
    scopes = tuple(s.strip() for s in env.get("SLACK_SCOPES", "").split(",") if s.strip())
    for scope in scopes:
        if not SCOPE.fullmatch(scope):
            raise SettingsError(f"SLACK_SCOPES: {scope[:40]!r} is not a Slack scope "
                                "(comma-separated, e.g. commands,chat:write)")
    redirect = env.get("SLACK_OAUTH_REDIRECT_URL", "").strip() or None
    if redirect and not redirect.startswith(("https://", "http://")):
        raise SettingsError("SLACK_OAUTH_REDIRECT_URL must start with https:// (or http://)")
    install_path = env.get("SLACK_INSTALL_PATH", "").strip() or "/slack/install"
    if not install_path.startswith("/") or install_path == "/slack/events":
        raise SettingsError(f"SLACK_INSTALL_PATH={install_path[:60]!r} must be a path such as "
                            "/slack/install")
    return {"client_id": client_id, "client_secret": client_secret, "encryption_keys": keys,
            "scopes": scopes or BOT_SCOPES, "oauth_redirect_url": redirect,
            "install_path": install_path}


def encryption_keys(raw: str) -> tuple[Secret, ...]:
    """Comma-separated Fernet keys (the first encrypts, all decrypt); SettingsError naming
    the position of a malformed one, never its value."""
    from cryptography.fernet import Fernet

    keys = tuple(Secret(k.strip()) for k in raw.split(",") if k.strip())
    for position, key in enumerate(keys, 1):
        try:
            Fernet(key.encode())
        except ValueError:
            raise SettingsError(
                f"LEADWELL_ENCRYPTION_KEYS: key {position} of {len(keys)} is not a Fernet key "
                "(32 url-safe base64-encoded bytes); " + KEYS_HOWTO) from None
    return keys


def _retention_days(env: Mapping[str, str]) -> int | None:
    """MONDAY_ANSWER_RETENTION_DAYS: 365 when unset, 0 for forever (None), else at least 7."""
    raw = env.get("MONDAY_ANSWER_RETENTION_DAYS", "").strip()
    if not raw:
        return 365
    if not raw.isdigit() or 0 < int(raw) < 7:
        raise SettingsError(f"MONDAY_ANSWER_RETENTION_DAYS={raw[:20]!r} must be 0 (keep "
                            "forever) or a whole number of days, at least 7")
    return int(raw) or None


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) <= 0:
        raise SettingsError(f"{name}={raw!r} must be a positive whole number")
    return int(raw)


def _switch(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw not in {"1", "0", "true", "false", "yes", "no", "on", "off"}:
        raise SettingsError(f"{name}={raw!r} must be 1 or 0 (true or false)")
    return raw in {"1", "true", "yes", "on"}


def normalize_database_url(url: str) -> str:
    """Default to SQLite under ./var/ and use the psycopg 3 driver for PostgreSQL URLs."""
    url = url.strip() or DEFAULT_DATABASE_URL
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL (None for in-memory or other databases)."""
    if not url.startswith("sqlite:///") or url in {"sqlite://", "sqlite:///:memory:"}:
        return None
    return Path(url.removeprefix("sqlite:///"))
