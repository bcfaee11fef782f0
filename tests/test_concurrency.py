"""What keeps acknowledgements fast under load: the ack-first listener pool, coalesced App Home
refreshes, SQLite writers taking turns, and cheap listener matching (docs/benchmarks.md)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from slack_bolt import App
from slack_bolt.request import BoltRequest
from sqlalchemy import text

from bot.core.acks import AckFirstExecutor, FairSemaphore, FollowUpAck, opens_views, turn_lent
from bot.core.coalesce import Coalescer
from bot.core.db import make_engine
from bot.core.matching import BodyMatcher, fast_matchers


def test_an_ack_does_not_wait_for_the_follow_ups_of_others() -> None:
    pool = AckFirstExecutor(workers=2, follow_ups=1)
    running, most = [0], [0]
    lock = threading.Lock()

    def listener(ack: FollowUpAck, then: float) -> None:
        ack()
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(then)  # the follow-up work
        with lock:
            running[0] -= 1

    for _ in range(6):
        pool.submit(listener, FollowUpAck(pool), 0.1)
    started = time.monotonic()
    late = FollowUpAck(pool)  # Slack has its answer once ack() set it: the HTTP thread polls
    pool.submit(late)
    while late.response is None and time.monotonic() - started < 2:
        time.sleep(0.001)
    assert time.monotonic() - started < 0.1  # not behind 6 x 0.1 s of follow-up work
    pool.shutdown(wait=True)
    assert most[0] == 1  # one follow-up at a time


def test_deferred_work_waits_for_a_follow_up_slot() -> None:
    """A deferred App Home refresh takes its turn with the follow-ups, not beside them."""
    pool = AckFirstExecutor(workers=1, follow_ups=1)
    holding, release, order = threading.Event(), threading.Event(), []

    def listener(ack: FollowUpAck) -> None:
        ack()  # returns holding the only follow-up slot
        holding.set()
        release.wait(5)
        order.append("follow-up")

    pool.submit(listener, FollowUpAck(pool))
    assert holding.wait(5)
    timer = pool.later(0.0, lambda: order.append("deferred"))
    time.sleep(0.2)
    assert order == []  # due, but no slot free
    release.set()
    timer.join(5)
    pool.shutdown(wait=True)
    assert order == ["follow-up", "deferred"]


def test_a_listener_of_an_acknowledged_event_waits_for_a_follow_up_slot() -> None:
    """Bolt acks an event before its listener starts: all of the listener is follow-up."""
    pool = AckFirstExecutor(workers=1, follow_ups=1)
    holding, release, order = threading.Event(), threading.Event(), []

    def busy(ack: FollowUpAck) -> None:
        ack()
        holding.set()
        release.wait(5)
        order.append("follow-up")

    pool.submit(busy, FollowUpAck(pool))
    assert holding.wait(5)
    event = pool.ack_for({"type": "event_callback", "event": {"type": "message"}})
    event()  # on the request thread, as Bolt does for events
    pool.submit(lambda: order.append("event"))
    time.sleep(0.2)
    assert order == []  # no turn before an ack it no longer needs: it waits for the slot
    release.set()
    pool.shutdown(wait=True)
    assert order == ["follow-up", "event"]


def test_commands_and_clicks_run_whole_a_few_at_a_time() -> None:
    """Their follow-up may open a modal with the trigger id: it never waits after the ack."""
    pool = AckFirstExecutor(workers=1, follow_ups=1, urgent=2)
    busy = threading.Event()
    pool.ack_for({"type": "view_submission", "trigger_id": "1.2"})
    pool.submit(lambda: (FollowUpAck(pool)(), busy.wait(5)))  # holds the one follow-up slot
    running, most, done = [0], [0], []
    lock = threading.Lock()

    def listener(ack: FollowUpAck) -> None:
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        ack()
        time.sleep(0.05)  # views.open
        with lock:
            running[0] -= 1
            done.append(1)

    for body in [{"command": "/careerplan", "trigger_id": "1.2"},
                 {"type": "block_actions", "trigger_id": "1.2"}] * 3:
        ack = pool.ack_for(body)  # as the middleware does, on the HTTP thread
        pool.submit(listener, ack)
    started = time.monotonic()
    while len(done) < 6 and time.monotonic() - started < 3:
        time.sleep(0.01)
    assert len(done) == 6 and most[0] == 2  # all done, two at a time, no follow-up slot taken
    assert not opens_views({"type": "view_submission", "trigger_id": "1.2"})
    assert not opens_views({"type": "event_callback"})
    busy.set()
    pool.shutdown()


def test_the_part_before_the_ack_runs_a_few_at_a_time_in_turn() -> None:
    """A burst of submissions: each saves at full speed in its turn instead of all sharing the
    interpreter (and the last passing Slack's 3 seconds); acking or ending frees the turn."""
    pool = AckFirstExecutor(workers=1, follow_ups=8, before_ack=2)
    running, most, acked = [0], [0], []
    lock = threading.Lock()

    def listener(ack: FollowUpAck, n: int) -> None:
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.03)  # the save before the ack
        with lock:
            running[0] -= 1
        if n % 3:  # some fail or refuse before acking: their turn is freed all the same
            ack()
            acked.append(n)
            time.sleep(0.05)  # the follow-up, no longer counted

    for n in range(9):
        pool.submit(listener, pool.ack_for({"type": "view_submission"}), n)
    pool.shutdown(wait=True)
    assert most[0] == 2 and sorted(acked) == [1, 2, 4, 5, 7, 8]


def until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.001)


def test_turns_are_given_in_arrival_order_and_a_newcomer_queues() -> None:
    """The pool's semaphores hand a released permit to the oldest waiter: a thread arriving
    just after a release waits behind it (threading.Semaphore would let it take the permit)."""
    turns = FairSemaphore(1)
    turns.acquire()
    order: list[int] = []

    def waiter(n: int) -> None:
        turns.acquire()
        order.append(n)
        turns.release()

    threads = []
    for n in range(5):
        threads.append(threading.Thread(target=waiter, args=(n,)))
        threads[-1].start()
        until(lambda n=n: turns.waiting == n + 1)  # queued in this order
    turns.release()
    late = threading.Thread(target=waiter, args=(99,))
    late.start()  # arrives while the oldest waiter is being handed the permit
    for thread in [*threads, late]:
        thread.join(5)
    assert order == [0, 1, 2, 3, 4, 99]


def test_a_fair_semaphore_counts_its_permits() -> None:
    turns = FairSemaphore(2)
    turns.acquire()
    turns.acquire()  # two permits: neither waits
    assert turns.waiting == 0
    third = threading.Thread(target=turns.acquire)
    third.start()
    until(lambda: turns.waiting == 1)
    turns.release()
    third.join(5)
    assert not third.is_alive() and turns.waiting == 0
    turns.release()
    turns.release()
    turns.acquire()
    turns.acquire()  # both back: neither waits
    assert turns.waiting == 0


COMMAND = {"command": "/careerplan", "trigger_id": "1.2.3"}


def test_a_listener_waiting_for_slack_lends_its_turn_and_gets_it_back_first() -> None:
    """Turns bound the listeners sharing the interpreter, not those waiting for slack.com:
    meanwhile the next one runs; back, the lender goes ahead of listeners not yet started."""
    pool = AckFirstExecutor(workers=1, urgent=1)
    lending, b_ran, order = threading.Event(), threading.Event(), []

    def a() -> None:
        with turn_lent():
            lending.set()
            order.append(f"A saw B: {b_ran.wait(5)}")  # B runs while A waits
            until(lambda: pool._urgent.waiting == 1)  # C queued before A is back
        order.append("A")

    def b() -> None:
        b_ran.set()
        until(lambda: pool._urgent.waiting == 2)  # C and then A queue
        order.append("B")

    for listener in (a, b, lambda: order.append("C")):
        if listener is b:
            assert lending.wait(5)
        pool.ack_for(COMMAND)
        pool.submit(listener)
    pool.shutdown(wait=True)
    assert order == ["A saw B: True", "B", "A", "C"]


@pytest.mark.parametrize("slow", [True, False])
def test_the_gateway_lends_the_turn_only_while_slack_is_slow(emu, monkeypatch, slow) -> None:
    """A call Slack answers at once keeps the turn (handing it over costs more than the
    wait); one that takes longer than LEND_AFTER lends it for the rest of the wait."""
    from bot.core.webclient import GatewayClient

    if slow:
        emu.delay("auth.test", 1.0)
    else:
        monkeypatch.setattr("bot.core.webclient.LEND_AFTER", 5.0)  # "at once": within 5 s
    client = GatewayClient(token=emu.bot_token, base_url=emu.api_url)
    pool = AckFirstExecutor(workers=1, urgent=1)
    calling, done, seen = threading.Event(), threading.Event(), []

    def caller() -> None:
        calling.set()
        client.auth_test()
        done.set()

    pool.ack_for(COMMAND)
    pool.submit(caller)
    assert calling.wait(5)
    pool.ack_for(COMMAND)
    pool.submit(lambda: seen.append(done.is_set()))
    pool.shutdown(wait=True)
    assert seen == [not slow]  # slow: the second ran during the call; else after it


def test_the_request_thread_wakes_when_its_listener_acks_or_ends(monkeypatch) -> None:
    """Bolt's request thread polls `ack.response` every 10 ms; while the request's listener
    runs, that read waits for the ack (or for the listener to end without one) instead."""
    monkeypatch.setattr("bot.core.acks.ACK_WAIT", 60.0)  # a missed wake-up would hang the test
    pool = AckFirstExecutor(workers=1)
    ack = pool.ack_for({"type": "view_submission"})
    go = threading.Event()

    def acks_later() -> None:
        go.wait(5)
        ack()

    pool.submit(acks_later)
    go.set()
    assert ack.response is not None and ack.response.status == 200  # the first read has it

    silent = pool.ack_for({"type": "view_submission"})
    pool.submit(lambda: go.wait(0.05))  # ends without ack()
    assert silent.response is None  # returned once the listener ended, not after 60 s
    assert silent.response is None  # and at once from then on
    pool.shutdown(wait=True)

    refused = pool.ack_for({"type": "view_submission"})
    with pytest.raises(RuntimeError):  # a pool shut down starts nothing
        pool.submit(lambda: None)
    assert refused.response is None  # nothing to wait for, not 60 s


def test_an_ack_outside_a_listener_never_waits() -> None:
    pool = AckFirstExecutor(workers=1, follow_ups=1)
    FollowUpAck(pool)()  # Bolt acknowledges events on the HTTP thread
    FollowUpAck(pool)()
    pool.shutdown()


def test_refreshes_of_one_key_coalesce_and_others_run_alongside() -> None:
    coalescer, runs, gate = Coalescer(), [], threading.Event()

    def work(name: str) -> None:
        runs.append(name)
        if name == "first":
            gate.wait(2)

    first = threading.Thread(target=coalescer.run, args=("ann", lambda: work("first")))
    first.start()
    time.sleep(0.05)
    for n in range(5):  # while the first runs: they return at once, the last one runs once
        coalescer.run("ann", lambda n=n: work(f"again {n}"))
    coalescer.run("bob", lambda: work("bob"))  # another key is not held up
    gate.set()
    first.join()
    assert runs == ["first", "bob", "again 4"]
    coalescer.run("ann", lambda: work("later"))
    assert runs[-1] == "later"


def test_refreshes_within_the_interval_run_once_afterwards_with_the_latest_work() -> None:
    now, timers, runs = [100.0], [], []
    coalescer = Coalescer(2.0, clock=lambda: now[0],
                          later=lambda delay, work: timers.append((delay, work)) or "timer")

    def work(name: str) -> Callable[[], None]:
        return lambda: runs.append(name)

    coalescer.run("ann", work("first"))  # at once, in the caller's thread
    now[0] += 0.5
    coalescer.run("ann", work("a"))
    coalescer.run("ann", work("b"))  # both return at once: one run when the interval ends
    coalescer.run("bob", work("bob"))  # another key is not held up
    assert runs == ["first", "bob"]
    assert [delay for delay, _ in timers] == [1.5]
    assert not coalescer.wait_idle(0)
    now[0] += 1.5
    timers.pop()[1]()
    assert runs == ["first", "bob", "b"] and coalescer.wait_idle(0)
    now[0] += 0.1  # within the interval of the deferred run: deferred again
    coalescer.run("ann", work("c"))
    assert runs[-1] == "b" and [delay for delay, _ in timers] == [pytest.approx(1.9)]
    now[0] += 1.9
    timers.pop()[1]()
    now[0] += 2.0  # the interval is over: at once again
    coalescer.run("ann", work("later"))
    assert runs == ["first", "bob", "b", "c", "later"] and timers == []


def test_a_failing_deferred_refresh_is_logged_and_the_next_call_runs(caplog) -> None:
    now, timers, runs = [0.0], [], []
    coalescer = Coalescer(2.0, clock=lambda: now[0],
                          later=lambda delay, work: timers.append(work) or "timer")

    def fail() -> None:
        raise RuntimeError("Slack is down")

    coalescer.run("ann", lambda: runs.append("first"))
    coalescer.run("ann", fail)
    now[0] += 2.0
    timers.pop()()  # on the timer's thread: logged, not raised
    assert "deferred refresh failed" in caplog.text and coalescer.wait_idle(0)
    now[0] += 2.0
    coalescer.run("ann", lambda: runs.append("next"))
    assert runs == ["first", "next"]
    with pytest.raises(RuntimeError):  # in the caller's thread it is the caller's to handle
        now[0] += 2.0
        coalescer.run("ann", fail)
    assert coalescer.wait_idle(0)


def test_sqlite_writers_take_turns_and_all_commit(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'turns.db'}", pool_size=12)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (n INTEGER)"))
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for _ in range(20):
                with engine.begin() as connection:
                    connection.execute(text("SELECT count(*) FROM t")).scalar()
                    connection.execute(text("INSERT INTO t VALUES (:n)"), {"n": n})
                with engine.connect() as connection:  # a rollback lets go too
                    connection.execute(text("INSERT INTO t VALUES (-1)"))
                    connection.rollback()
        except BaseException as error:  # collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM t")).scalar() == 200
    assert errors == []
    engine.dispose()


def test_fast_matchers_route_as_bolt_does() -> None:
    app = App(signing_secret="s" * 16, token="xoxb-1", token_verification_enabled=False)
    app.command("/one")(lambda ack: ack())
    app.action("two")(lambda ack: ack())
    app.event("message")(lambda ack: ack())
    bodies = [{"command": "/one", "type": None}, {"type": "block_actions", "actions": [
        {"action_id": "two"}]}, {"type": "event_callback", "event": {"type": "message"}}]

    def matched() -> list[list[bool]]:
        requests = [BoltRequest(body="", mode="socket_mode") for _ in bodies]
        for request, body in zip(requests, bodies, strict=True):
            request.body = body
        return [[listener.matches(req=r, resp=None) for listener in app._listeners]  # type: ignore[arg-type]
                for r in requests]

    before = matched()
    assert fast_matchers(app) == 3
    assert all(isinstance(m, BodyMatcher) for listener in app._listeners
               for m in listener.matchers)
    assert matched() == before == [[True, False, False], [False, True, False],
                                   [False, False, True]]


def test_listeners_call_slack_through_the_gateway_client(emu) -> None:
    """Bolt builds a plain WebClient per request (a new connection per call, no rate-limit
    pause); the app hands listeners the gateway's client with the same token instead."""
    from bot.app import create_app
    from bot.core.config import Settings
    from bot.core.db import make_sessions
    from bot.core.slack import build_client
    from bot.core.webclient import GatewayClient

    settings = Settings.from_env({"SLACK_BOT_TOKEN": emu.bot_token, "SLACK_SIGNING_SECRET": "s",
                                  "SLACK_API_URL": emu.api_url})
    app = create_app(settings, make_sessions(make_engine("sqlite://")), build_client(settings))
    seen = []
    app.command("/probe")(lambda ack, client: (ack(), seen.append(client)))
    for _ in range(2):
        request = BoltRequest(body="", mode="socket_mode")
        request.body = {"command": "/probe", "text": "", "team_id": "T1", "user_id": "UANN",
                        "channel_id": "C1", "trigger_id": "1.2.3"}
        assert app.dispatch(request).status == 200
    client, again = seen
    assert again is client  # built once for the token, not once per request
    assert isinstance(client, GatewayClient)
    assert (client.token, client.base_url) == (emu.bot_token, emu.api_url)
    assert [type(h) for h in client.retry_handlers] == \
        [type(h) for h in build_client(settings).retry_handlers]


def test_every_listener_of_the_app_gets_the_cheap_matchers() -> None:
    """bot/core/matching.py reaches into Bolt (slack-bolt < 2); if Bolt changes how it keeps
    listeners or matchers, this fails instead of the app silently matching slowly."""
    from slack_bolt.listener_matcher.builtins import BuiltinListenerMatcher

    from bot.app import create_app
    from bot.core.config import Settings
    from bot.core.db import make_sessions
    from bot.core.slack import build_client

    settings = Settings.from_env({"SLACK_BOT_TOKEN": "xoxb-x", "SLACK_SIGNING_SECRET": "s"})
    app = create_app(settings, make_sessions(make_engine("sqlite://")), build_client(settings))
    matchers = [m for listener in app._listeners for m in listener.matchers]
    assert len(app._listeners) > 50
    assert sum(isinstance(m, BodyMatcher) for m in matchers) >= len(app._listeners)
    assert not [m for m in matchers if type(m) is BuiltinListenerMatcher]
