"""OAuth mode: Slack's install flow, the encrypted installation store and each workspace's client.

OAuth mode is on when SLACK_CLIENT_ID and SLACK_CLIENT_SECRET are set. `GET /slack/install`
redirects to Slack's authorize page with a one-time `state` (also in a cookie), and
`GET /slack/oauth_redirect` exchanges the code (oauth.v2.access) and saves the installation in
slack-sdk's tables on the app's database (migration 0006), every token encrypted
(bot/core/tokens.py). Bolt's authorize finds each request's token there; the scheduler asks
`InstalledWorkspaces` for each delivery's workspace. Tokens that expire (token rotation) are
refreshed with the refresh token and saved, encrypted, in both places.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from slack_bolt.authorization.authorize import InstallationStoreAuthorize
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from slack_sdk.oauth.token_rotation import TokenRotator
from sqlalchemy import MetaData, desc, select
from sqlalchemy.engine import Engine

from bot.core import tokens
from bot.core.config import Settings
from bot.core.slack import NotInstalled, SingleWorkspace, build_client

log = logging.getLogger(__name__)

STATE_SECONDS = 600  # an install must finish within 10 minutes of opening /slack/install
ROTATE_BEFORE_MINUTES = 120  # refresh a rotating token this long before it expires
CACHE_SECONDS = 300  # a workspace's client is looked up again after this long


class InstallationStore(SQLAlchemyInstallationStore):
    """slack-sdk's SQLAlchemy store on the app's own tables, every token column encrypted."""

    def __init__(self, client_id: str, engine: Engine, cipher: tokens.Cipher) -> None:
        super().__init__(client_id=client_id, engine=engine)
        self.metadata = MetaData()  # the same tables, read and written through the cipher
        self.installations, self.bots = tokens.installation_tables(
            self.metadata, tokens.EncryptedText(cipher))

    def create_tables(self) -> None:
        raise NotImplementedError("the tables come from the migrations (bot db upgrade)")

    def latest(self, team_id: str) -> Installation | None:
        """The workspace's newest installation that still has a bot token (any enterprise)."""
        c = self.installations.c
        query = (select(self.installations)
                 .where(c.client_id == self.client_id, c.team_id == team_id,
                        c.bot_token.is_not(None))
                 .order_by(desc(c.installed_at)).limit(1))
        with self.engine.connect() as connection:
            row = connection.execute(query).mappings().first()
        return None if row is None else self.build_installation_entity(row)


class StateStore(SQLAlchemyOAuthStateStore):
    """The install flow's one-time `state` values; expired ones are purged as new ones come."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(expiration_seconds=STATE_SECONDS, engine=engine,
                         table_name=tokens.OAUTH_STATES)

    def create_tables(self) -> None:
        raise NotImplementedError("the tables come from the migrations (bot db upgrade)")

    def issue(self, *args: Any, **kwargs: Any) -> str:
        now = datetime.now(UTC).replace(tzinfo=None)  # slack-sdk stores naive UTC
        with self.engine.begin() as connection:
            connection.execute(self.oauth_states.delete()
                               .where(self.oauth_states.c.expire_at < now))
        return super().issue(*args, **kwargs)


@dataclass(frozen=True)
class _Cached:
    client: WebClient
    until: float


class InstalledWorkspaces:
    """OAuth mode's clients: each workspace's bot token, decrypted from the store, rotated
    when it expires within ROTATE_BEFORE_MINUTES, cached for CACHE_SECONDS (and forgotten
    when the workspace uninstalls or its tokens are revoked)."""

    def __init__(self, settings: Settings, store: InstallationStore,
                 clock: Callable[[], float] = time.time) -> None:
        self.settings = settings
        self.store = store
        self.rotator = TokenRotator(client_id=settings.client_id or "",
                                    client_secret=settings.client_secret or "",
                                    client=build_client(settings, token=None))
        self.clock = clock
        self._cache: dict[str, _Cached] = {}
        self._lock, self._lookup = threading.Lock(), threading.Lock()

    def __call__(self, team_id: str) -> WebClient:
        """The client of `team_id`; NotInstalled if no bot token is stored for it."""
        now = self.clock()
        cached = self._cached(team_id, now)
        if cached is not None:
            return cached
        with self._lookup:  # sender threads look up (and rotate) one at a time
            return self._cached(team_id, now) or self._lookup_client(team_id, now)

    def _cached(self, team_id: str, now: float) -> WebClient | None:
        with self._lock:
            cached = self._cache.get(team_id)
        return cached.client if cached is not None and now < cached.until else None

    def _lookup_client(self, team_id: str, now: float) -> WebClient:
        installation = self.store.latest(team_id)
        if installation is None or not installation.bot_token:
            raise NotInstalled(team_id)
        if installation.bot_refresh_token or installation.user_refresh_token:
            refreshed = self.rotator.perform_token_rotation(
                installation=installation, minutes_before_expiration=ROTATE_BEFORE_MINUTES)
            if refreshed is not None:
                self.store.save(refreshed)  # both tables, encrypted
                log.info("workspace %s: bot token rotated", team_id)
                installation = refreshed
        until = now + CACHE_SECONDS
        if installation.bot_token_expires_at:
            until = min(until, installation.bot_token_expires_at - ROTATE_BEFORE_MINUTES * 60)
        client = build_client(self.settings, token=installation.bot_token)
        with self._lock:
            self._cache[team_id] = _Cached(client, until)
        return client

    def forget(self, team_id: str) -> None:
        """Drop the cached client (the workspace uninstalled, or its tokens were revoked)."""
        with self._lock:
            self._cache.pop(team_id, None)


Workspaces = SingleWorkspace | InstalledWorkspaces


def workspaces_for(settings: Settings, engine: Engine, client: WebClient) -> Workspaces:
    """OAuth mode: the installed workspaces' clients; else `client` for every workspace."""
    if not settings.oauth:
        return SingleWorkspace(client)
    store = InstallationStore(settings.client_id or "", engine,
                              tokens.Cipher(settings.encryption_keys))
    return InstalledWorkspaces(settings, store)


def bolt_oauth(settings: Settings, workspaces: InstalledWorkspaces) -> dict[str, Any]:
    """The App arguments of OAuth mode: the install flow and the per-team authorize."""
    redirect = settings.oauth_redirect_url
    oauth = OAuthSettings(
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        scopes=list(settings.scopes),
        user_scopes=[],
        redirect_uri=redirect,
        install_path=settings.install_path,
        redirect_uri_path=(urlsplit(redirect).path if redirect else "") or "/slack/oauth_redirect",
        install_page_rendering_enabled=False,  # /slack/install redirects to Slack at once
        authorization_url=settings.authorization_url,
        installation_store=workspaces.store,
        token_rotation_expiration_minutes=ROTATE_BEFORE_MINUTES,
        state_store=StateStore(workspaces.store.engine),
        state_expiration_seconds=STATE_SECONDS,
    )
    authorize = InstallationStoreAuthorize(  # Bolt's, remembering auth.test per token
        logger=log, installation_store=workspaces.store, client_id=settings.client_id,
        client_secret=settings.client_secret, client=workspaces.rotator.client,
        token_rotation_expiration_minutes=ROTATE_BEFORE_MINUTES, cache_enabled=True)
    return {"oauth_settings": oauth, "installation_store": workspaces.store,
            "authorize": authorize}
