"""The poller: status line states, backoff, Retry-After, recovery without user action."""

import random

from sakari_tui.simulator.server import SimulatorServer
from sakari_tui.sync import Connection, Poller, backoff_delay


def test_backoff_is_full_jitter_and_capped():
    rng = random.Random(7)
    for failures in range(1, 12):
        delays = [backoff_delay(failures, rng) for _ in range(200)]
        ceiling = min(60.0, 2 ** (failures - 1))
        assert all(0.5 <= d <= max(ceiling, 0.5) for d in delays)
    assert max(backoff_delay(30, rng) for _ in range(200)) <= 60.0


async def test_online_then_offline_then_recovers(server, engine):
    clock = [0.0]
    poller = Poller(engine, interval=5, thread_interval=2, clock=lambda: clock[0], rng=random.Random(1))
    delay = await poller.cycle()
    assert poller.status.connection is Connection.ONLINE and 0 < delay <= 5
    port = server.port
    server.stop()
    clock[0] = 10.0
    delay = await poller.cycle()
    assert poller.status.connection is Connection.OFFLINE
    assert "Cannot reach the Sakari API" in poller.status.message
    assert poller.status.retry_at == 10.0 + delay
    with SimulatorServer(seed=1, port=port):
        clock[0] += delay
        await poller.cycle()
        assert poller.status.connection is Connection.ONLINE and poller.failures == 0


async def test_rate_limit_waits_at_least_retry_after(server, engine):
    poller = Poller(engine, clock=lambda: 0.0, rng=random.Random(1))
    await poller.cycle()  # a token and one page
    server.state.set_rate_limit(0.01, burst=1)
    await engine.client.fetch_all_conversations(limit=1)  # drain the bucket
    poller.wake()
    delay = await poller.cycle()
    assert poller.status.connection is Connection.RATE_LIMITED
    assert delay >= 1.0


async def test_open_thread_is_polled_with_the_list(server, engine):
    opened = {"id": None}
    poller = Poller(engine, clock=lambda: 0.0, open_conversation=lambda: opened["id"])
    await poller.cycle()
    opened["id"] = engine.store.inbox.rows()[0].id
    server.state.reset_request_counts()
    poller.wake()
    await poller.cycle()
    counts = server.state.request_counts()
    assert counts.get("GET /v1/accounts/{accountId}/messages") == 1
    assert counts.get("GET /v1/accounts/{accountId}/conversations") == 1
