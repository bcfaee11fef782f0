"""OAuth mode end to end: a real `bot serve` installed in two workspaces whose user ids collide,
each answered and scheduled with its own token, then one uninstalled."""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography.fernet import Fernet
from sqlalchemy.engine import Engine

from bot.core.db import make_engine, make_sessions
from bot.core.uninstall import count_rows
from bot.testing import SlackClient, SlackEmulator
from bot.testing.process import BotProcess
from tests.e2e import Live, live  # noqa: F401
from tests.test_install import CLIENT_ID, CLIENT_SECRET, plaintext

pytestmark = pytest.mark.e2e
SECRET = "e2e-oauth-signing-secret-0123"
USERS = ("UANN", "UBOB")


@dataclass
class Answer:
    status: int
    location: str
    cookie: str
    body: str


def get(url: str, cookie: str = "") -> Answer:
    """A browser's GET, without following redirects."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=15)
    connection.request("GET", f"{parts.path}?{parts.query}",
                       headers={"Cookie": cookie} if cookie else {})
    response = connection.getresponse()
    answer = Answer(response.status, response.getheader("Location") or "",
                    (response.getheader("Set-Cookie") or "").split(";")[0],
                    response.read().decode())
    connection.close()
    return answer


@dataclass
class Distributed:
    t1: SlackEmulator
    t2: SlackEmulator
    bot: BotProcess
    engine: Engine

    def slack(self, ws: SlackEmulator) -> SlackClient:
        return SlackClient(self.bot.events_url, SECRET, ws)

    def install(self, ws: SlackEmulator) -> Answer:
        """The installing admin's browser: /slack/install, Slack's Allow, back to the bot."""
        start = get(f"{self.bot.url}/slack/install")
        assert start.status == 302 and start.cookie.startswith("slack-app-oauth-state=")
        query = parse_qs(urlsplit(start.location).query)
        assert start.location.startswith(ws.url + "oauth/v2/authorize")
        assert query["client_id"] == [CLIENT_ID] and "chat:write" in query["scope"][0]
        assert query["state"][0] == start.cookie.split("=", 1)[1]
        return get(ws.approve_install(start.location, "UANN"), start.cookie)

    def rows(self, team_id: str) -> dict[str, int]:
        with make_sessions(self.engine).begin() as session:
            return count_rows(session, team_id)

    def tokens_used(self, ws: SlackEmulator) -> set[str]:
        return {c["token"] for c in ws.calls() if c["method"] != "oauth.v2.access"}


@pytest.fixture
def distributed(database_url: str) -> Iterator[Distributed]:
    with SlackEmulator(team_id="T1", team_name="Acme") as t1:
        t2 = t1.add_workspace("T2", "Globex")
        for ws in (t1, t2):
            for user_id in USERS:
                ws.add_user(user_id, user_id[1:].lower(), tz="UTC")
        bot = BotProcess(emulator=t1, database_url=database_url, signing_secret=SECRET)
        redirect = f"{bot.url}/slack/oauth_redirect"
        t1.enable_oauth(CLIENT_ID, CLIENT_SECRET, redirect_urls=(redirect,))
        bot.env.update({"SLACK_BOT_TOKEN": "", "SLACK_CLIENT_ID": CLIENT_ID,
                        "SLACK_CLIENT_SECRET": CLIENT_SECRET, "SLACK_OAUTH_REDIRECT_URL": redirect,
                        "LEADWELL_ENCRYPTION_KEYS": Fernet.generate_key().decode()})
        engine = make_engine(database_url)
        with bot:
            yield Distributed(t1, t2, bot, engine)
        engine.dispose()


def test_install_refusals_store_nothing(distributed: Distributed) -> None:
    dist = distributed
    start = get(f"{dist.bot.url}/slack/install")
    back = dist.t1.approve_install(start.location, "UANN")
    assert get(back).status == 400  # no state cookie: another browser
    assert get(back, "slack-app-oauth-state=forged").status == 400
    forged = back.replace("state=", "state=x")
    assert get(forged, start.cookie).status in (400, 401)
    denied = get(dist.t1.deny_install(start.location), start.cookie)
    assert denied.status == 200 and "access_denied" in denied.body
    assert dist.rows("T1") == {} and dist.t1.issued_tokens() == []
    assert get(f"{dist.bot.url}/slack/oauth_redirect?code=nope&state=x").status == 400


def test_two_workspaces_each_with_its_own_token_then_one_uninstalls(
        distributed: Distributed) -> None:
    dist = distributed
    for ws in (dist.t1, dist.t2):
        done = dist.install(ws)
        assert done.status == 200, done.body
        assert len(ws.issued_tokens()) == 1
    issued = dist.t1.issued_tokens() + dist.t2.issued_tokens()
    assert plaintext(dist.engine, issued) == []
    replay = get(dist.t1.approve_install(get(f"{dist.bot.url}/slack/install").location, "UBOB"))
    assert replay.status == 400  # a code without the browser that started the install

    # the same user ids in both workspaces; each request is served with its own token
    for ws in (dist.t1, dist.t2):
        response = dist.slack(ws).command("/team", "add <@UBOB>", user="UANN")
        assert response.status == 200
        ws.wait_for(lambda ws=ws: ws.find_message("UBOB", "would like to add you"), 15)
        assert dist.tokens_used(ws) == set(ws.issued_tokens())

    # the scheduler: a day later each reminder goes out with its workspace's token
    later = (datetime.now(UTC) + timedelta(days=1, hours=1)).isoformat()
    tick = dist.bot.cli("tick", "--at", later)
    assert tick.returncode == 0 and ": 2 newly due, 2 sent" in tick.stdout, tick.stderr
    for ws in (dist.t1, dist.t2):
        assert [m for m in ws.dm_messages("UBOB") if m["text"].startswith("Reminder")]
        assert dist.tokens_used(ws) == set(ws.issued_tokens())

    # T1 removes the app: every T1 row goes, T2 keeps working
    before = dist.rows("T2")
    assert dist.rows("T1") == before and {"slack_installations", "slack_bots", "people",
                                          "proposals", "deliveries"} <= set(before)
    assert dist.slack(dist.t1).event(dist.t1.uninstall()).status == 200
    dist.t1.wait_for(lambda: dist.rows("T1") == {}, 15)
    assert dist.rows("T2") == before
    response = dist.slack(dist.t2).command("/team", "add <@UBOB>", user="UANN")
    answer = dist.t2.wait_for(lambda: dist.t2.responses(response.response_url), 15)
    assert "<@UBOB>" in answer[-1]["text"] and "reinstall" not in answer[-1]["text"]
    assert dist.tokens_used(dist.t2) == set(dist.t2.issued_tokens())
    refused = dist.slack(dist.t1).command("/team", "", user="UANN")
    said = dist.t1.wait_for(lambda: dist.t1.responses(refused.response_url), 15)
    assert "reinstall this app" in said[-1]["text"]
    assert dist.slack(dist.t1).event(dist.t1.revoke_bot_tokens()).status == 200  # Slack's too
    dist.t1.wait_for(lambda: dist.rows("T1") == {}, 15)
    assert not [t for t in issued if t in dist.bot.log()]

    # T2's admin revokes the bot token: it is deleted, the workspace's data stays
    assert dist.slack(dist.t2).event(dist.t2.revoke_bot_tokens()).status == 200
    dist.t2.wait_for(lambda: "slack_bots" not in dist.rows("T2"), 15)
    assert {"people", "proposals", "slack_installations"} <= set(dist.rows("T2"))
    refused = dist.slack(dist.t2).command("/team", "", user="UANN")
    said = dist.t2.wait_for(lambda: dist.t2.responses(refused.response_url), 15)
    assert "reinstall this app" in said[-1]["text"]


def test_rotating_tokens_are_refreshed_and_stored_encrypted(distributed: Distributed) -> None:
    dist = distributed
    dist.t1.enable_oauth(CLIENT_ID, CLIENT_SECRET, rotation=True, expires_in=3600,
                         redirect_urls=(f"{dist.bot.url}/slack/oauth_redirect",))
    assert dist.install(dist.t2).status == 200
    for _ in range(2):  # expiring within two hours: each request refreshes it first
        response = dist.slack(dist.t2).command("/team", "", user="UANN")
        dist.t2.wait_for(lambda r=response: dist.t2.responses(r.response_url), 15)
    issued = dist.t2.issued_tokens()
    assert len(issued) == 3 and dist.t2.issued_tokens("refresh")
    used = {c["token"] for c in dist.t2.calls() if c["method"] == "users.info"}
    assert used and used <= set(issued[1:])  # only refreshed tokens serve the commands
    assert plaintext(dist.engine, issued + dist.t2.issued_tokens("refresh")) == []


def test_single_token_mode_uninstall_deletes_the_workspace(live: Live) -> None:  # noqa: F811
    assert get(f"{live.bot.url}/slack/install").status == 404  # no install flow
    assert live.slack.command("/team", "add <@UBOB>", user="UANN").status == 200
    live.dm("UBOB", "would like to add you")
    engine = make_engine(live.bot.env["DATABASE_URL"])
    sessions = make_sessions(engine)
    with sessions.begin() as session:
        assert {"people", "proposals", "workspaces"} <= set(count_rows(session, "T0001"))
    assert live.slack.event({"type": "app_uninstalled"}).status == 200

    def gone() -> bool:
        with sessions.begin() as session:
            return count_rows(session, "T0001") == {}

    live.emu.wait_for(gone, 15)
    engine.dispose()
