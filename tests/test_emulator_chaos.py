"""The emulator's probabilistic fault mode: off by default, seeded, counted, thread-safe."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request

import pytest

from bot.testing import SlackEmulator


def call(emu: SlackEmulator, method: str, **params: str) -> tuple[int, dict[str, str]]:
    """One raw Web API call (no client retries): (HTTP status, headers)."""
    request = urllib.request.Request(
        emu.api_url + method, data=json.dumps(params).encode(), method="POST",
        headers={"Authorization": f"Bearer {emu.bot_token}",
                 "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


def post_many(emu: SlackEmulator, count: int) -> list[int]:
    return [call(emu, "chat.postMessage", channel="UANN", text=f"m{i}")[0] for i in range(count)]


def test_off_by_default_and_switched_off_by_rate_zero(emu: SlackEmulator) -> None:
    assert set(post_many(emu, 30)) == {200}
    emu.chaos(rate=1.0, statuses=(503,), seed=1)
    assert set(post_many(emu, 5)) == {503}
    emu.chaos(rate=0)
    assert set(post_many(emu, 10)) == {200}
    assert emu.chaos_injected() == 5  # switching off keeps the count
    with pytest.raises(ValueError):
        emu.chaos(rate=1.5)


def test_share_statuses_count_and_methods(emu: SlackEmulator) -> None:
    emu.chaos(rate=0.25, statuses=(429, 500, 503), retry_after=3, seed=42)
    statuses = post_many(emu, 400)
    failed = [s for s in statuses if s != 200]
    assert 60 <= len(failed) <= 140  # ~100 expected
    assert set(failed) == {429, 500, 503}
    assert emu.chaos_injected("chat.postMessage") == emu.chaos_injected() == len(failed)
    assert len(emu.dm_messages("UANN")) == statuses.count(200)  # a faulted call posts nothing
    assert all(call(emu, "auth.test")[0] == 200 for _ in range(50))  # not a chaos method
    emu.chaos(rate=1.0, statuses=(429,), retry_after=3, seed=0)
    status, headers = call(emu, "conversations.open", users="UANN")
    assert (status, headers["Retry-After"]) == (429, "3")
    assert emu.chaos_injected("conversations.open") == 1


def test_a_seed_repeats_the_same_faults(emu: SlackEmulator) -> None:
    emu.chaos(rate=0.3, seed=7)
    first = post_many(emu, 100)
    emu.reset_faults()
    assert emu.chaos_injected() == 0
    emu.chaos(rate=0.3, seed=7)
    assert post_many(emu, 100) == first
    emu.fail("chat.postMessage", status=500, times=2)  # explicit rules come first
    emu.chaos(rate=0.0)
    assert post_many(emu, 3) == [500, 500, 200]


def test_thread_safe_under_concurrent_calls(emu: SlackEmulator) -> None:
    emu.chaos(rate=0.2, statuses=(500,), seed=3)
    results: list[int] = []
    lock = threading.Lock()

    def worker() -> None:
        statuses = post_many(emu, 40)
        with lock:
            results.extend(statuses)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 320
    assert emu.chaos_injected() == results.count(500) > 0
    assert len(emu.dm_messages("UANN")) == results.count(200)
    assert len(emu.calls("chat.postMessage")) == 320
