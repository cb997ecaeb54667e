"""What polling costs the API: requests per cycle, counted by the simulator.

The engine and poller run as in the app (pages of 100, one conversation open) against the
10,000-conversation account, starting from the cached store of a previous session.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from sakari_tui.api import SakariClient
from sakari_tui.simulator import SimulatorServer
from sakari_tui.simulator.bulk_data import BulkData, fictional_number
from sakari_tui.store import Store
from sakari_tui.sync import InboxEngine, Poller

from .datasets import copy_store, simulator_config

CHANGED = 50


class HandClock:
    """A monotonic clock the benchmark moves by hand (simulated time for the poller)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _requests(server: SimulatorServer) -> int:
    return sum(count for route, count in server.state.request_counts().items() if not route.startswith("POST /oauth2"))


async def _measure(server: SimulatorServer, store: Store, idle_cycles: int) -> tuple[list[int], int]:
    clock = HandClock()
    async with SakariClient(
        account_id=server.account_id,
        client_id=server.client_id,
        client_secret=server.client_secret,
        api_url=server.base_url,
        token_url=server.token_url,
    ) as client:
        engine = InboxEngine(client, store)
        open_id = store.inbox.listing(unread_first=False).ids[0]
        poller = Poller(engine, open_conversation=lambda: open_id, clock=clock)
        await poller.cycle()  # the session's first cycle walks every page once
        idle: list[int] = []
        for _ in range(idle_cycles):
            clock.now += poller.interval
            server.state.reset_request_counts()
            await poller.cycle()
            idle.append(_requests(server))
        # 50 customers deep in the list text in; the next cycle must find them in one page.
        for index in range(100, 100 + CHANGED * 97, 97):
            server.state.inject_inbound(fictional_number(index), f"Following up on ticket {index}")
        clock.now += poller.interval
        server.state.reset_request_counts()
        await poller.cycle()
        return idle, _requests(server)


def run(
    workdir: Path, store_file: Path, shape: BulkData, anchor: float, *, idle_cycles: int = 5
) -> tuple[list[int], int]:
    with SimulatorServer(simulator_config(shape, anchor)) as server:
        store = Store(copy_store(store_file, workdir / "polling.sqlite3"))
        try:
            return asyncio.run(_measure(server, store, idle_cycles))
        finally:
            store.close()
