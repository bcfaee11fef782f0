"""Settings: one object, read once from the environment."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_API_URL = "https://slack.com/api/"
DEFAULT_DATABASE_URL = "sqlite:///var/leadwell.db"

WHERE_TO_GET = {
    "SLACK_BOT_TOKEN": "OAuth & Permissions > Bot User OAuth Token",
    "SLACK_SIGNING_SECRET": "Basic Information > App Credentials > Signing Secret",
    "SLACK_APP_TOKEN": "Basic Information > App-Level Tokens (scope connections:write)",
}


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
    tick_seconds: int = 60
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
            tick_seconds=_int(env, "TICK_SECONDS", 60),
            secrets=tuple(v for v in tokens.values() if v),
        )

    def require(self, names: Iterable[str]) -> None:
        """Raise SettingsError naming the first missing variable and where to find it."""
        values = {
            "SLACK_BOT_TOKEN": self.bot_token,
            "SLACK_SIGNING_SECRET": self.signing_secret,
            "SLACK_APP_TOKEN": self.app_token,
        }
        for name in names:
            if not values[name]:
                raise SettingsError(
                    f"{name} is not set: create the Slack app from manifest.yml, then copy it "
                    f"from the app's settings ({WHERE_TO_GET[name]})"
                )


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) <= 0:
        raise SettingsError(f"{name}={raw!r} must be a positive whole number")
    return int(raw)


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
