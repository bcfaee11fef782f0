"""OAuth mode: settings, tokens encrypted at rest, key rotation, each workspace's client."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import yaml
from cryptography.fernet import Fernet
from slack_sdk.oauth.installation_store import Installation
from sqlalchemy import inspect, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.cli import build_parser, main, required
from bot.core.config import BOT_SCOPES, Settings, SettingsError
from bot.core.install import InstallationStore, InstalledWorkspaces, StateStore
from bot.core.models import Delivery
from bot.core.scheduler import Due, tick
from bot.core.slack import NotInstalled, build_client, send_dm
from bot.core.tokens import Cipher, UnreadableToken, rotate_keys
from bot.testing import SlackEmulator
from tests.factories import T0, person

CLIENT_ID, CLIENT_SECRET = "1111.2222", "oauth-client-secret"
REDIRECT = "https://leadwell.example.com/slack/oauth_redirect"
KEY_A, KEY_B = Fernet.generate_key().decode(), Fernet.generate_key().decode()
ROOT = Path(__file__).resolve().parents[1]


def oauth_env(emu: SlackEmulator | None = None, keys: tuple[str, ...] = (KEY_A,)) -> dict:
    env = {"SLACK_CLIENT_ID": CLIENT_ID, "SLACK_CLIENT_SECRET": CLIENT_SECRET,
           "LEADWELL_ENCRYPTION_KEYS": ",".join(keys), "SLACK_OAUTH_REDIRECT_URL": REDIRECT}
    return env | ({"SLACK_API_URL": emu.api_url} if emu else {})


def store_for(sessions: sessionmaker, *keys: str) -> InstallationStore:
    return InstallationStore(CLIENT_ID, sessions.kw["bind"], Cipher(keys or (KEY_A,)))


def installation(team_id: str, token: str, **fields) -> Installation:
    return Installation(app_id="A0001", team_id=team_id, team_name=team_id, bot_token=token,
                        bot_id="BBOT", bot_user_id="UBOT", bot_scopes="commands",
                        user_id="UANN", installed_at=time.time(), **fields)


def plaintext(engine: Engine, secrets: list[str]) -> list[str]:
    """Every table.column of the database holding one of `secrets` in clear."""
    hits = []
    with engine.connect() as connection:
        for table in inspect(engine).get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{table}"')).mappings():
                hits += [f"{table}.{column}" for column, value in row.items()
                         if value is not None and any(s in str(value) for s in secrets)]
    return hits


def install(ws: SlackEmulator, store: InstallationStore, settings: Settings) -> dict:
    """The OAuth flow as Bolt runs it: authorize, exchange the code, save; Slack's answer."""
    url = settings.authorization_url + "?" + urlencode(
        {"client_id": CLIENT_ID, "scope": ",".join(settings.scopes), "state": "s",
         "redirect_uri": REDIRECT})
    code = parse_qs(urlsplit(ws.approve_install(url, "UANN")).query)["code"][0]
    answer = build_client(settings).oauth_v2_access(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, code=code, redirect_uri=REDIRECT).data
    store.save(Installation(
        app_id=answer["app_id"], team_id=answer["team"]["id"], team_name=answer["team"]["name"],
        bot_token=answer["access_token"], bot_refresh_token=answer.get("refresh_token"),
        bot_token_expires_in=answer.get("expires_in"), bot_id="BBOT",
        bot_user_id=answer["bot_user_id"], bot_scopes=answer["scope"],
        user_id=answer["authed_user"]["id"], token_type="bot"))
    return answer


@pytest.fixture
def teams() -> Iterator[tuple[SlackEmulator, SlackEmulator]]:
    """Two workspaces on one emulator, with the same user ids in each."""
    with SlackEmulator(team_id="T1") as t1:
        t2 = t1.add_workspace("T2", "Globex")
        for ws in (t1, t2):
            for user_id in ("UANN", "UBOB"):
                ws.add_user(user_id, user_id[1:].lower())
        t1.enable_oauth(CLIENT_ID, CLIENT_SECRET, redirect_urls=(REDIRECT,))
        yield t1, t2


# -- settings ------------------------------------------------------------------------------


@pytest.mark.parametrize("keys", ["not-a-key", KEY_A + ",short", "x" * 44, KEY_A[:-2] + "!!"])
def test_malformed_keys_are_refused_in_one_line_without_the_key(keys: str) -> None:
    with pytest.raises(SettingsError) as refused:
        Settings.from_env({"LEADWELL_ENCRYPTION_KEYS": keys})
    message = str(refused.value)
    assert "LEADWELL_ENCRYPTION_KEYS" in message and "\n" not in message
    assert all(part not in message for part in keys.split(",") if len(part) > 6)


def test_oauth_mode_needs_both_credentials_and_a_key() -> None:
    assert not Settings.from_env({}).oauth
    with pytest.raises(SettingsError, match="SLACK_CLIENT_SECRET is not set"):
        Settings.from_env({"SLACK_CLIENT_ID": CLIENT_ID})
    with pytest.raises(SettingsError, match="LEADWELL_ENCRYPTION_KEYS is not set"):
        Settings.from_env({"SLACK_CLIENT_ID": CLIENT_ID, "SLACK_CLIENT_SECRET": CLIENT_SECRET})
    settings = Settings.from_env(oauth_env(keys=(KEY_B, KEY_A)))
    assert settings.oauth and settings.scopes == BOT_SCOPES
    assert {CLIENT_SECRET, KEY_A, KEY_B} <= set(settings.secrets)  # masked in logs
    assert KEY_A not in repr(settings) and CLIENT_SECRET not in repr(settings)


def test_oauth_mode_needs_no_bot_token_to_serve_or_tick() -> None:
    parser, oauth = build_parser(), Settings.from_env(oauth_env())
    assert required(parser.parse_args(["tick", "--at", "2026-11-30"]), oauth) == []
    assert "SLACK_BOT_TOKEN" not in required(parser.parse_args(["serve"]), oauth)
    assert "SLACK_BOT_TOKEN" in required(parser.parse_args(["serve"]), Settings.from_env({}))
    assert required(parser.parse_args(["api-token", "--team", "T1"]), oauth) == []
    with pytest.raises(SettingsError, match="--team needs OAuth mode"):
        required(parser.parse_args(["api-token", "--team", "T1"]), Settings.from_env({}))


def test_default_scopes_are_the_manifests() -> None:
    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text())
    assert list(BOT_SCOPES) == manifest["oauth_config"]["scopes"]["bot"]
    assert REDIRECT in manifest["oauth_config"]["redirect_urls"]


# -- tokens at rest ---------------------------------------------------------------------------


def test_tokens_are_encrypted_at_rest_and_read_back(sessions) -> None:
    store = store_for(sessions)
    secrets = ["xoxb-T1-bot-token-123456", "xoxe-1-refresh-654321", "xoxp-user-token-777",
               "xoxe-1-user-refresh-888"]
    store.save(installation("T1", secrets[0], bot_refresh_token=secrets[1],
                            bot_token_expires_in=43_200, user_token=secrets[2],
                            user_refresh_token=secrets[3], user_token_expires_in=43_200))
    assert plaintext(sessions.kw["bind"], secrets) == []
    found = store.find_installation(enterprise_id=None, team_id="T1")
    assert found is not None and found.bot_token == secrets[0]
    assert (found.bot_refresh_token, found.user_token) == (secrets[1], secrets[2])
    assert store.find_bot(enterprise_id=None, team_id="T1").bot_token == secrets[0]
    assert store.latest("T1").bot_token == secrets[0] and store.latest("T2") is None
    with sessions.kw["bind"].connect() as connection:  # what is stored is Fernet ciphertext
        stored = connection.execute(text("SELECT bot_token FROM slack_bots")).scalar_one()
    assert Fernet(KEY_A.encode()).decrypt(stored.encode()).decode() == secrets[0]


def test_old_key_still_decrypts_and_rotation_moves_every_token_to_the_new(sessions) -> None:
    engine = sessions.kw["bind"]
    store_for(sessions, KEY_A).save(installation("T1", "xoxb-old-key-token-1",
                                                 bot_refresh_token="xoxe-1-old-key-refresh"))
    both = Cipher([KEY_B, KEY_A])  # the new key first; the old one still decrypts
    assert store_for(sessions, KEY_B, KEY_A).latest("T1").bot_token == "xoxb-old-key-token-1"
    assert rotate_keys(engine, both) == 4  # bot token + refresh token, in both tables
    assert store_for(sessions, KEY_B).latest("T1").bot_token == "xoxb-old-key-token-1"
    with pytest.raises(UnreadableToken, match="LEADWELL_ENCRYPTION_KEYS"):
        store_for(sessions, KEY_A).latest("T1")
    with pytest.raises(UnreadableToken):  # a key that never encrypted them: nothing changes
        rotate_keys(engine, Cipher([Fernet.generate_key().decode()]))
    assert store_for(sessions, KEY_B).latest("T1").bot_refresh_token == "xoxe-1-old-key-refresh"


def test_rotate_keys_command(sessions, database_url, monkeypatch, capsys) -> None:
    store_for(sessions, KEY_A).save(installation("T1", "xoxb-cli-rotated-token"))
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("LEADWELL_ENCRYPTION_KEYS", f"{KEY_B},{KEY_A}")
    assert main(["rotate-keys"]) == 0
    assert "re-encrypted 2 stored tokens" in capsys.readouterr().out
    assert store_for(sessions, KEY_B).latest("T1").bot_token == "xoxb-cli-rotated-token"


def test_install_states_are_single_use_and_expire(sessions) -> None:
    states = StateStore(sessions.kw["bind"])
    state = states.issue()
    assert states.consume(state) and not states.consume(state)
    assert not states.consume("forged-state")


# -- each workspace's client ---------------------------------------------------------------


def test_each_workspace_is_reached_with_its_own_token(sessions, teams) -> None:
    t1 = teams[0]
    settings = Settings.from_env(oauth_env(t1))
    store = store_for(sessions)
    token1, token2 = (install(ws, store, settings)["access_token"] for ws in teams)
    workspaces = InstalledWorkspaces(settings, store)
    assert (workspaces("T1").token, workspaces("T2").token) == (token1, token2)
    assert workspaces("T2").auth_test()["team_id"] == "T2"
    assert workspaces("T1") is workspaces("T1")  # cached
    with pytest.raises(NotInstalled):
        workspaces("T3")
    assert plaintext(sessions.kw["bind"], [token1, token2]) == []


@dataclass
class Hello:
    """A job that DMs UANN of each workspace (the same user id in both)."""

    kind: str = "hello"

    def collect(self, session: Session, now: datetime) -> Iterator[Due]:
        for team_id in ("T1", "T2", "T3"):
            yield Due(team_id, "UANN", self.kind, "once")

    def send(self, session: Session, client, delivery: Delivery, now: datetime) -> bool:
        send_dm(client, delivery.recipient, text=f"hello from {delivery.team_id}")
        return True


def test_the_scheduler_sends_each_delivery_with_its_workspaces_token(sessions, teams) -> None:
    t1 = teams[0]
    settings = Settings.from_env(oauth_env(t1))
    store = store_for(sessions)
    for ws in teams:
        install(ws, store, settings)
    with sessions.begin() as session:
        for team_id in ("T1", "T2", "T3"):  # T3 never installed the app
            person(session, "UANN", team_id=team_id)
    summary = tick(T0, sessions=sessions, client=InstalledWorkspaces(settings, store),
                   jobs=[Hello()])
    assert (summary.due, summary.sent, summary.failed) == (3, 2, 1)
    for ws in teams:
        assert [m["text"] for m in ws.dm_messages("UANN")] == [f"hello from {ws.team_id}"]
        used = {c["token"] for c in ws.calls() if c["method"] != "oauth.v2.access"}
        assert used == set(ws.issued_tokens())
    with sessions.begin() as session:
        failed = session.scalars(select(Delivery).where(Delivery.team_id == "T3")).one()
    assert (failed.status, failed.error) == ("failed", "workspace not installed")


def test_an_expiring_token_is_rotated_and_saved_encrypted(sessions, teams) -> None:
    t1, _ = teams
    t1.enable_oauth(CLIENT_ID, CLIENT_SECRET, redirect_urls=(REDIRECT,), rotation=True,
                    expires_in=3600)  # within the 2 hours before expiry: rotate at once
    settings = Settings.from_env(oauth_env(t1))
    store = store_for(sessions)
    first = install(t1, store, settings)
    client = InstalledWorkspaces(settings, store)("T1")
    assert client.token != first["access_token"] and client.token == t1.issued_tokens()[-1]
    assert client.auth_test()["team_id"] == "T1"
    assert store.latest("T1").bot_token == client.token
    assert store.find_bot(enterprise_id=None, team_id="T1").bot_token == client.token
    secrets = [*t1.issued_tokens(), first["refresh_token"]]
    assert plaintext(sessions.kw["bind"], secrets) == []


def test_stale_install_states_are_purged(sessions) -> None:
    states = StateStore(sessions.kw["bind"])
    stale = datetime.now(UTC).replace(tzinfo=None) - timedelta(hours=1)  # naive UTC, as stored
    with sessions.kw["bind"].begin() as connection:
        connection.execute(states.oauth_states.insert(), {"state": "old", "expire_at": stale})
    states.issue()
    with sessions.kw["bind"].connect() as connection:
        left = connection.execute(select(states.oauth_states.c.state)).scalars().all()
    assert "old" not in left and len(left) == 1
