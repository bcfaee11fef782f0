"""Several workspaces on one emulator, and the OAuth install of a distributed app.

One HTTP server serves every workspace: a Web API call is answered by the workspace whose
token it carries (each workspace records its own calls, with the token used). The app's OAuth
flow: the test plays the installing user on Slack's authorize page (`approve_install`), the bot
exchanges the code with `oauth.v2.access` (HTTP Basic client credentials, as slack-sdk sends
them) for a bot token of that workspace; with rotation on, tokens expire and a refresh token
gets new ones. Uninstalling revokes the workspace's tokens and hands back the event to send.
"""

from __future__ import annotations

import base64
import itertools
import secrets
import threading
from dataclasses import dataclass, field
from email.message import Message
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlencode, urlsplit

from bot.testing.emulator_base import JsonDict
from bot.testing.emulator_state import EmulatorState

if TYPE_CHECKING:
    from bot.testing.emulator import SlackEmulator

CODE_TTL = 600.0
IDS_PER_WORKSPACE = 10_000_000  # each workspace numbers its files, views … from its own block


@dataclass
class OAuthApp:
    """The distributed app's credentials and settings, as on its Slack config pages."""

    client_id: str
    client_secret: str
    redirect_urls: tuple[str, ...] = ()
    rotation: bool = False
    expires_in: int = 43_200


@dataclass
class Issued:
    """A token the emulator issued: its workspace, kind, expiry and whether it was revoked."""

    state: EmulatorState
    kind: str  # "bot" or "refresh"
    expires_at: float | None = None
    revoked: bool = False


@dataclass
class Grant:
    """An authorization code: who approved, where, for which scopes."""

    state: EmulatorState
    user_id: str
    scopes: list[str]
    redirect_uri: str | None
    issued: float
    used: bool = False


@dataclass
class Directory:
    """Every workspace of one emulator server and the tokens that open each."""

    primary: EmulatorState
    states: list[EmulatorState] = field(default_factory=list)
    app: OAuthApp | None = None
    tokens: dict[str, Issued] = field(default_factory=dict)
    codes: dict[str, Grant] = field(default_factory=dict)
    revoked_static: set[str] = field(default_factory=set)
    lock: threading.RLock = field(default_factory=threading.RLock)

    def __post_init__(self) -> None:
        self.states.append(self.primary)

    def add(self, state: EmulatorState) -> None:
        with self.lock:
            state._ids = itertools.count(len(self.states) * IDS_PER_WORKSPACE + 1)
            state.base_url = self.primary.base_url
            self.states.append(state)

    def set_base_url(self, url: str) -> None:
        for state in self.states:
            with state.lock:
                state.base_url = url

    def state_for(self, token: str) -> tuple[EmulatorState | None, str]:
        """The workspace `token` opens, or None and the error Slack would answer."""
        with self.lock:
            for state in self.states:
                if token == state.bot_token and token not in self.revoked_static:
                    return state, ""
            issued = self.tokens.get(token)
            if issued is None or issued.kind != "bot":
                return None, "invalid_auth"
            if issued.revoked:
                return None, "token_revoked"
            if issued.expires_at is not None and self.primary.clock() >= issued.expires_at:
                return None, "token_expired"
            return issued.state, ""

    def holding(self, kind: str, key: str) -> EmulatorState:
        """The workspace that issued response URL or file `key` (else the first one)."""
        for state in self.states:
            with state.lock:
                found = state.response_urls if kind == "response" else state.files
                if key in found:
                    return state
        return self.primary

    # OAuth ---------------------------------------------------------------------------

    def authorize(self, state: EmulatorState, url: str, user_id: str) -> JsonDict:
        """Check an authorize URL as Slack's page would; the query and a new code."""
        query = {k: v[-1] for k, v in parse_qs(urlsplit(url).query).items()}
        with self.lock:
            app = self._app()
            if query.get("client_id") != app.client_id:
                raise AssertionError(f"Slack would refuse the install: client_id "
                                     f"{query.get('client_id')!r} is not the app's")
            redirect = query.get("redirect_uri")
            if redirect and app.redirect_urls and redirect not in app.redirect_urls:
                raise AssertionError(f"Slack would refuse the install: redirect_uri {redirect!r}"
                                     " is not one of the app's redirect URLs")
            if not (redirect or app.redirect_urls):
                raise AssertionError("Slack would refuse the install: no redirect URL")
            scopes = [s for s in query.get("scope", "").split(",") if s]
            code = f"{state.team_id}.{secrets.token_hex(12)}"
            self.codes[code] = Grant(state, user_id, scopes, redirect, self.primary.clock())
        return {**query, "code": code, "redirect_uri": redirect or app.redirect_urls[0]}

    def oauth_access(self, params: JsonDict, headers: Message) -> tuple[JsonDict, EmulatorState]:
        """oauth.v2.access: a code (or a refresh token) for a workspace's bot token."""
        with self.lock:
            if self.app is None:
                return {"ok": False, "error": "invalid_client_id"}, self.primary
            client_id, client_secret = _credentials(params, headers)
            if client_id != self.app.client_id:
                return {"ok": False, "error": "invalid_client_id"}, self.primary
            if client_secret != self.app.client_secret:
                return {"ok": False, "error": "bad_client_secret"}, self.primary
            if params.get("grant_type") == "refresh_token":
                return self._refresh(str(params.get("refresh_token") or ""))
            return self._exchange(params)

    def _exchange(self, params: JsonDict) -> tuple[JsonDict, EmulatorState]:
        grant = self.codes.get(str(params.get("code") or ""))
        now = self.primary.clock()
        if grant is None or grant.used or now - grant.issued > CODE_TTL:
            return {"ok": False, "error": "invalid_code"}, self.primary
        grant.used = True  # a code works once, even when the rest fails
        if grant.redirect_uri and params.get("redirect_uri") != grant.redirect_uri:
            return {"ok": False, "error": "bad_redirect_uri"}, grant.state
        state = grant.state
        body: JsonDict = {
            "ok": True, "app_id": state.app_id, "authed_user": {"id": grant.user_id},
            "scope": ",".join(grant.scopes), "token_type": "bot",
            "bot_user_id": state.bot_user_id, "team": {"id": state.team_id,
                                                       "name": state.team_name},
            "enterprise": None, "is_enterprise_install": False,
            **self._tokens(state),
        }
        return body, state

    def _refresh(self, refresh_token: str) -> tuple[JsonDict, EmulatorState]:
        issued = self.tokens.get(refresh_token)
        if issued is None or issued.kind != "refresh" or issued.revoked:
            return {"ok": False, "error": "invalid_refresh_token"}, self.primary
        state = issued.state
        tokens = self._tokens(state, refresh_token)
        return {"ok": True, "token_type": "bot", "app_id": state.app_id,
                "bot_user_id": state.bot_user_id, "team": {"id": state.team_id,
                                                           "name": state.team_name},
                "enterprise": None, "is_enterprise_install": False, **tokens}, state

    def _tokens(self, state: EmulatorState, refresh: str | None = None) -> JsonDict:
        """A new bot token for `state` (and with rotation its expiry and refresh token)."""
        app = self._app()
        now = self.primary.clock()
        token = f"xoxb-{state.team_id}-{len(self.tokens) + 1}-{secrets.token_hex(12)}"
        if not app.rotation:
            self.tokens[token] = Issued(state, "bot")
            return {"access_token": token}
        self.tokens[token] = Issued(state, "bot", expires_at=now + app.expires_in)
        refresh = refresh or f"xoxe-1-{state.team_id}-{secrets.token_hex(16)}"
        self.tokens.setdefault(refresh, Issued(state, "refresh"))
        return {"access_token": token, "refresh_token": refresh, "expires_in": app.expires_in}

    def revoke(self, state: EmulatorState) -> None:
        """Every token of the workspace stops working (an uninstall)."""
        with self.lock:
            self.revoked_static.add(state.bot_token)
            for issued in self.tokens.values():
                if issued.state is state:
                    issued.revoked = True

    def issued(self, state: EmulatorState, kind: str = "bot") -> list[str]:
        """The tokens (of `kind`: "bot" or "refresh") issued to the workspace, oldest first."""
        with self.lock:
            return [t for t, i in self.tokens.items() if i.state is state and i.kind == kind]

    def _app(self) -> OAuthApp:
        if self.app is None:
            raise AssertionError("call enable_oauth() on the emulator first")
        return self.app


def _credentials(params: JsonDict, headers: Message) -> tuple[str, str]:
    """client_id and client_secret from HTTP Basic auth, else from the parameters."""
    auth = headers.get("Authorization") or ""
    if auth.lower().startswith("basic "):
        try:
            client_id, _, client_secret = base64.b64decode(auth[6:]).decode().partition(":")
            return client_id, client_secret
        except ValueError:
            return "", ""
    return str(params.get("client_id") or ""), str(params.get("client_secret") or "")


class WorkspacesMixin:
    """SlackEmulator's part for several workspaces and the app's OAuth install."""

    _state: EmulatorState
    _directory: Directory
    _parent: SlackEmulator | None

    def add_workspace(self, team_id: str, team_name: str | None = None, *,
                      bot_user_id: str = "UBOT", bot_token: str | None = None) -> SlackEmulator:
        """Another workspace on the same server (same app), with its own users, messages and
        calls; user ids may be the same as in other workspaces."""
        root = self._parent or self
        primary = root._state
        other = type(root)(team_id=team_id, team_name=team_name or team_id,
                           bot_token=bot_token or f"xoxb-{team_id}-static-token",
                           bot_user_id=bot_user_id, bot_id=f"B{team_id}",
                           bot_name=primary.bot_name, app_id=primary.app_id,
                           clock=primary.clock)
        other._faults, other._directory, other._parent = root._faults, root._directory, root
        root._directory.add(other._state)
        return other

    def enable_oauth(self, client_id: str = "1111.2222", client_secret: str = "oauth-secret",
                     *, redirect_urls: tuple[str, ...] = (), rotation: bool = False,
                     expires_in: int = 43_200) -> None:
        """Make the app distributable: its client credentials, redirect URLs, and token
        rotation (tokens valid `expires_in` seconds, then refreshed)."""
        with self._directory.lock:
            self._directory.app = OAuthApp(client_id, client_secret, tuple(redirect_urls),
                                           rotation, expires_in)

    def approve_install(self, authorize_url: str, user_id: str) -> str:
        """`user_id` of this workspace clicks Allow on Slack's authorize page: the URL Slack
        redirects the browser to (`redirect_uri?code=…&state=…`)."""
        query = self._directory.authorize(self._state, authorize_url, user_id)
        answer = {"code": query["code"], "state": query.get("state", "")}
        return f"{query['redirect_uri']}?{urlencode(answer)}"

    def deny_install(self, authorize_url: str) -> str:
        """The user clicks Cancel: the redirect with `error=access_denied`."""
        query = {k: v[-1] for k, v in parse_qs(urlsplit(authorize_url).query).items()}
        app = self._directory._app()
        redirect = query.get("redirect_uri") or app.redirect_urls[0]
        answer = {"error": "access_denied", "state": query.get("state", "")}
        return f"{redirect}?{urlencode(answer)}"

    def issued_tokens(self, kind: str = "bot") -> list[str]:
        """Tokens oauth.v2.access issued for this workspace, oldest first: bot tokens, or
        with `kind="refresh"` refresh tokens."""
        return self._directory.issued(self._state, kind)

    def uninstall(self) -> JsonDict:
        """The workspace removes the app: its tokens stop working. The `app_uninstalled`
        event to deliver (SlackClient.event)."""
        self._directory.revoke(self._state)
        return {"type": "app_uninstalled", "event_ts": f"{self._state.clock():.6f}"}

    def revoke_bot_tokens(self) -> JsonDict:
        """An admin revokes the bot's tokens: the `tokens_revoked` event to deliver."""
        self._directory.revoke(self._state)
        tokens = {"oauth": [], "bot": [self._state.bot_user_id]}
        return {"type": "tokens_revoked", "tokens": tokens,
                "event_ts": f"{self._state.clock():.6f}"}
