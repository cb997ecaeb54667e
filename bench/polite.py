"""Polite polling: requests a minute to the API for one idle app, one focused app with a thread
open, and three focused instances at once on one data folder (target: three ≤ 1.3 × one).

Real engines and pollers (`Poller.run`, the loops the app runs) against the simulator, each
client drawing from the account's shared request budget (`api/budget.py`) as `make_client()`
gives it, with the default `[sync]` settings (list every 5 s, open thread every 2 s, 30 s
unfocused, 60 s idle). The three cases run side by side in one real window (60 s by default),
each against its own simulator, which counts the requests it receives (the token request
included). What is counted starts once every poller has made its first walk of the list.

- idle: the terminal unfocused and no key for longer than `idle_after`, a thread open;
- focused: focused, someone at the keys, the newest conversation open;
- three: three such instances on one data folder and one store file, the newest conversation open
  in each. (A second *app* on one account's store is refused by the store's lock; what shares the
  store beside the app is `sakari-tui` commands and scripts, which draw from the same budget.)

Run alone: `python -m bench.polite [window seconds]`.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from sakari_tui.api import SakariClient
from sakari_tui.config_polling import DEFAULT_REQUEST_BUDGET, SyncSection, shared_budget
from sakari_tui.simulator import BulkData, SimulatorServer
from sakari_tui.store import Store
from sakari_tui.sync import Connection, InboxEngine, Poller

from .datasets import SHAPE_100, anchor_now, simulator_config

WINDOW_S = 60.0
WARM_UP_LIMIT_S = 60.0
TARGET_RATIO = 1.3


@dataclass
class Case:
    """One measured situation: `instances` engines on one data folder, against one simulator."""

    name: str
    instances: int
    focused: bool
    idle: bool
    server: SimulatorServer
    folder: Path
    pollers: list[Poller] = field(default_factory=list)
    closing: list = field(default_factory=list)

    def start(self, sync: SyncSection) -> list[asyncio.Task]:
        store_path = self.folder / "inbox.sqlite3"
        for _ in range(self.instances):
            # As make_client() builds it, with this case's folder as the data folder.
            budget = shared_budget(
                self.server.account_id, DEFAULT_REQUEST_BUDGET, {"SAKARI_TUI_DATA": str(self.folder)}
            )
            client = SakariClient(**self.server.credentials(), budget=budget)
            store = Store(store_path)
            engine = InboxEngine(client, store)
            poller = Poller(
                engine,
                interval=sync.poll_interval,
                thread_interval=sync.thread_poll_interval,
                **sync.slow_polling(),
                open_conversation=_newest(store),
            )
            poller.set_focused(self.focused)
            if self.idle:  # nobody pressed a key for longer than idle_after: said outright
                poller.cadence.last_input -= poller.cadence.idle_after + 1
            self.pollers.append(poller)
            self.closing.append((client, store))
        return [asyncio.create_task(poller.run()) for poller in self.pollers]

    def warm(self) -> bool:
        return all(p.status.connection is Connection.ONLINE and p.engine.walked_once for p in self.pollers)

    def requests(self) -> int:
        return sum(self.server.state.request_counts().values())

    async def close(self) -> None:
        for client, store in self.closing:
            await client.aclose()
            store.close()


def _newest(store: Store):
    def open_id() -> str | None:
        rows = store.inbox.rows()
        return rows[0].id if rows else None

    return open_id


async def _measure(cases: list[Case], window_s: float) -> dict[str, int]:
    sync = SyncSection()
    tasks = [task for case in cases for task in case.start(sync)]
    try:
        deadline = time.monotonic() + WARM_UP_LIMIT_S
        while not all(case.warm() for case in cases):
            if time.monotonic() > deadline:
                raise RuntimeError("the pollers did not finish their first walk within a minute")
            await asyncio.sleep(0.05)
        for case in cases:
            case.server.state.reset_request_counts()
        await asyncio.sleep(window_s)
        return {case.name: case.requests() for case in cases}
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for case in cases:
            await case.close()


def run(work_dir: Path, shape: BulkData = SHAPE_100, *, window_s: float = WINDOW_S) -> dict:
    """The three cases side by side over one window of `window_s` real seconds."""
    anchor = anchor_now()
    specs = [("idle", 1, False, True), ("focused", 1, True, False), ("three", 3, True, False)]
    servers = [SimulatorServer(simulator_config(shape, anchor)) for _ in specs]
    for server in servers:
        server.start()
    try:
        cases = [
            Case(name, count, focused, idle, server, Path(work_dir) / f"polite-{name}")
            for (name, count, focused, idle), server in zip(specs, servers, strict=True)
        ]
        counts = asyncio.run(_measure(cases, window_s))
    finally:
        for server in servers:
            server.stop()
    per_min = {name: count * 60.0 / window_s for name, count in counts.items()}
    ratio = per_min["three"] / per_min["focused"] if per_min["focused"] else float("inf")
    return {
        "requests_per_min_idle": round(per_min["idle"], 1),
        "requests_per_min_focused": round(per_min["focused"], 1),
        "requests_per_min_three": round(per_min["three"], 1),
        "three_over_one": round(ratio, 2),
        "target_three_over_one": TARGET_RATIO,
        "met": ratio <= TARGET_RATIO,
        "window_s": window_s,
        "conversations": shape.conversations,
        "settings": {**SyncSection().as_dict(), "request_budget": DEFAULT_REQUEST_BUDGET},
    }


def main() -> int:
    window = float(sys.argv[1]) if len(sys.argv) > 1 else WINDOW_S
    with tempfile.TemporaryDirectory(prefix="sakari-polite-") as tmp:
        print(json.dumps(run(Path(tmp), window_s=window), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
