"""What makes the fan-out fast at the gateway: one rate-limit pause per workspace, the refused
calls first; keep-alive connections; DMs without conversations.open; the emulator's
workspace-wide limit."""

from __future__ import annotations

import threading

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core import ratelimit, webclient
from bot.core.config import Settings
from bot.core.ratelimit import REFUSED_FIRST, Gate
from bot.core.slack import build_client, dm_channel, send_dm
from bot.testing import SlackEmulator


class FakeTime:
    """A clock that moves only when slept on; `during` runs once, inside the first sleep."""

    def __init__(self) -> None:
        self.now, self.slept, self.during = 100.0, [], None

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 3))
        self.now += seconds
        during, self.during = self.during, None
        if during:
            during()


def test_a_pause_holds_new_calls_a_moment_longer_than_refused_ones() -> None:
    time = FakeTime()
    gate = Gate(clock=time.clock, sleep=time.sleep)
    assert gate.wait() == 0 and time.slept == []  # never paused: no wait at all
    gate.pause(1)
    gate.pause(0.5)  # a shorter pause does not shorten it
    assert gate.wait(refused=True) == pytest.approx(1.0)
    time.now -= 1.0
    assert gate.wait() == pytest.approx(1.0 + REFUSED_FIRST)
    assert gate.wait() == 0  # the pause is over for everyone


def test_a_pause_extended_while_waiting_is_waited_for() -> None:
    time = FakeTime()
    gate = Gate(clock=time.clock, sleep=time.sleep)
    gate.pause(1)
    time.during = lambda: gate.pause(2)  # another 429 arrives meanwhile: 2 s from then
    assert gate.wait(refused=True) == pytest.approx(3.0)
    assert time.slept == [1.0, 2.0]


def test_retry_after_is_read_whatever_its_form() -> None:
    assert ratelimit.retry_after({"Retry-After": ["7"]}) == 7
    assert ratelimit.retry_after({"retry-after": "0"}) == 0
    assert ratelimit.retry_after({"Retry-After": "soon"}) == 1
    assert ratelimit.retry_after({}) == 1


def gateway(emu: SlackEmulator) -> WebClient:
    return build_client(Settings.from_env({"SLACK_BOT_TOKEN": emu.bot_token,
                                           "SLACK_API_URL": emu.api_url}))


def test_one_429_pauses_every_thread_of_the_workspace(emu: SlackEmulator) -> None:
    client = gateway(emu)
    users = ["UANN", "UBOB", "UCAT", "UDAN"]
    emu.delay("chat.postMessage", 0.05, times=4)  # the first four are in flight together
    emu.fail("chat.postMessage", status=429, retry_after=1, times=1)

    def post(user: str) -> None:
        for n in range(3):
            client.chat_postMessage(channel=user, text=f"{user} {n}")

    threads = [threading.Thread(target=post, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    calls = emu.calls("chat.postMessage")
    [refused] = [c["at"] for c in calls if c["http_status"] == 429]
    paused = [c for c in calls if refused + 0.1 < c["at"] < refused + 0.95]
    assert paused == []  # nobody hammered the workspace during its Retry-After
    assert sum(c["ok"] for c in calls) == 12
    for user in users:
        assert sorted(m["text"] for m in emu.dm_messages(user)) == [f"{user} {n}" for n in range(3)]


def test_rate_limit_retries_still_give_up_after_three(emu: SlackEmulator) -> None:
    emu.fail("chat.postMessage", status=429, retry_after=0, times=4)
    with pytest.raises(SlackApiError) as refused:
        gateway(emu).chat_postMessage(channel="UANN", text="hi")
    assert refused.value.response.status_code == 429
    assert len(emu.calls("chat.postMessage")) == 4


def open_connections(emu: SlackEmulator) -> list[object]:
    """This thread's connections to the emulator."""
    netloc = emu.url.split("/")[2]
    return [c for key, c in webclient._connections().items() if key[1] == netloc]


def test_calls_share_one_kept_alive_connection_per_thread(emu: SlackEmulator) -> None:
    client = gateway(emu)
    client.auth_test()
    [connection] = open_connections(emu)
    client.users_info(user="UANN")
    assert open_connections(emu) == [connection]
    connection.sock.close()  # as if the server had dropped it: retried on a new connection
    assert client.chat_postMessage(channel="UANN", text="still there")["ok"]
    assert open_connections(emu) not in ([], [connection])
    emu.fail("users.info", status=500, times=3)  # 5xx as before: retried twice, then raised
    with pytest.raises(SlackApiError) as failed:
        client.users_info(user="UANN")
    assert failed.value.response.status_code == 500
    assert client.users_info(user="UANN")["ok"]  # the connection survives an error answer


def test_a_dm_needs_no_conversations_open(emu: SlackEmulator) -> None:
    client = gateway(emu)
    posted = send_dm(client, "UBOB", text="Monday")
    assert posted.channel == emu.im_channel("UBOB")
    assert dm_channel(client, "UBOB") == posted.channel  # learnt from the answer
    send_dm(client, "UBOB", text="again")
    assert emu.calls("conversations.open") == []
    assert [c["params"]["channel"] for c in emu.calls("chat.postMessage")] == [
        "UBOB", posted.channel]


def test_the_emulator_limits_the_whole_workspace_and_counts(emu: SlackEmulator) -> None:
    plain = WebClient(base_url=emu.api_url, token=emu.bot_token)  # no retries
    emu.rate_limit("*", 3)
    plain.auth_test()
    plain.users_info(user="UANN")
    plain.chat_postMessage(channel="UANN", text="one")
    with pytest.raises(SlackApiError) as refused:
        plain.chat_postMessage(channel="UANN", text="two")
    assert refused.value.response.status_code == 429
    assert refused.value.response.headers["Retry-After"] == "1"
    assert (emu.rate_limited(), emu.rate_limited("chat.postMessage")) == (1, 1)
    assert [m["text"] for m in emu.dm_messages("UANN")] == ["one"]
    emu.reset_faults()
    assert emu.rate_limited() == 0 and plain.chat_postMessage(channel="UANN", text="x")["ok"]
