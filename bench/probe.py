"""The real app with instruments, run on a pty by the benchmark: `python -m bench.probe MODE REPORT`.

It is built exactly as `sakari-tui` builds it (settings file, store, engine, `make_app`); the probe
only adds measurements and writes them to REPORT as JSON.

- `sync`: an empty store against a 10,000- (or 100,000-) conversation account. Records when the
  first page was merged, when the first full walk ended, the longest event-loop stall meanwhile (a
  task that asks to wake every 2 ms and notes how late it woke), and this process's CPU time over
  the walk with the pages it fetched; then the CPU time of the same app sitting idle (polling, the
  list on screen) for a while, as the baseline to subtract.
- `soak`: a simulated hour of polling (the poller's clock is moved by hand, one second per cycle)
  with a customer text every 30 simulated seconds, one conversation open; resident memory is read
  after a warm-up and at the end.
"""

from __future__ import annotations

import asyncio
import gc
import json
import sys
import time
from pathlib import Path

import httpx

from sakari_tui.config import Settings, load_settings
from sakari_tui.paths import config_path, data_dir
from sakari_tui.simulator.bulk_data import fictional_number
from sakari_tui.store import Store
from sakari_tui.sync import ConversationsChanged, InboxEngine
from sakari_tui.ui.app import make_app

from .memory import memory_mb
from .polling import HandClock

STALL_TICK_S = 0.002
# After the sync: how long the idle app's CPU time is measured (scaled to the sync's duration).
IDLE_BASELINE_S = 10.0
SOAK_SECONDS = 3600
SOAK_WARMUP_S = 300
INBOUND_EVERY_S = 30


class StallMonitor:
    """The longest time the event loop was busy with something else (what a key press would wait).

    It counts only while `counting` is set: the figure is the stall while the sync runs, not the
    app's start-up (which the first-paint figures measure).
    """

    def __init__(self) -> None:
        self.max_stall_s = 0.0
        self.counting = False
        self.running = True

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        while self.running:
            before = loop.time()
            await asyncio.sleep(STALL_TICK_S)
            if self.counting:
                self.max_stall_s = max(self.max_stall_s, loop.time() - before - STALL_TICK_S)


def build() -> tuple[Settings, InboxEngine, Store, dict]:
    settings = load_settings(config_path())
    account = settings.sakari.account_id or ""
    store = Store(data_dir() / f"inbox-{account}.sqlite3")
    engine = InboxEngine(settings.sakari.make_client(), store)
    return settings, engine, store, {"api_url": settings.sakari.api_url}


def idle_report(report: Path) -> Path:
    """Where `sync` writes the idle baseline, once measured after REPORT."""
    return report.with_name(report.stem + "-idle.json")


def write(report: Path, data: dict) -> None:
    partial = report.with_suffix(".part")
    partial.write_text(json.dumps(data), encoding="utf-8")
    partial.replace(report)


async def probe_sync(report: Path) -> None:
    settings, engine, store, _ = build()
    monitor = StallMonitor()
    started = time.monotonic()
    marks: dict[str, float] = {}
    pages = 0
    app = make_app(settings, engine)

    def on_event(event: object) -> None:
        if isinstance(event, ConversationsChanged) and "first_page_s" not in marks:
            marks["first_page_s"] = time.monotonic() - started

    fetch_page = engine.client.fetch_all_conversations

    async def counted_fetch(*args, **kwargs):
        nonlocal pages
        if "sync_s" not in marks:
            pages += 1
        return await fetch_page(*args, **kwargs)

    original = engine.sync_conversations

    async def timed_sync(*, full: bool = False):
        if "sync_started" not in marks:
            marks["sync_started"] = time.monotonic()
            marks["cpu_started"] = time.process_time()
            engine.add_listener(on_event)
            monitor.counting = True
        result = await original(full=full)
        if "sync_s" not in marks:
            marks["sync_s"] = time.monotonic() - marks["sync_started"]
            marks["sync_cpu_s"] = time.process_time() - marks["cpu_started"]
            monitor.counting = monitor.running = False
            write(
                report,
                {
                    "initial_sync_s": marks["sync_s"],
                    "max_loop_stall_ms": monitor.max_stall_s * 1000,
                    "first_page_s": marks.get("first_page_s"),
                    "conversations": store.inbox.count(),
                    "pages": pages,
                    "sync_cpu_s": marks["sync_cpu_s"],
                },
            )
            app.run_worker(idle_baseline(), exit_on_error=False)
        return result

    async def idle_baseline() -> None:
        # The same app right after its sync, keys aside: polling, the list on screen, nothing new.
        await asyncio.sleep(1.0)  # what the last page set going (a redraw) belongs to the sync
        wall, cpu = time.monotonic(), time.process_time()
        await asyncio.sleep(IDLE_BASELINE_S)
        idle_rate = (time.process_time() - cpu) / (time.monotonic() - wall)
        write(idle_report(report), {"idle_cpu_s_per_s": idle_rate, "idle_s": IDLE_BASELINE_S})

    engine.client.fetch_all_conversations = counted_fetch  # type: ignore[method-assign]
    engine.sync_conversations = timed_sync  # type: ignore[method-assign]
    stall_task = asyncio.create_task(monitor.run())
    try:
        await app.run_async()
    finally:
        stall_task.cancel()
        store.close()


async def probe_soak(report: Path) -> None:
    settings, engine, store, info = build()
    clock = HandClock()
    app = make_app(settings, engine, poll=False, monotonic=clock)
    admin = httpx.AsyncClient(base_url=info["api_url"], timeout=10)
    # Customers of the first 20 conversations, the open one among them, take turns texting.
    numbers = [fictional_number(index) for index in range(20)]
    samples: dict[str, float] = {}

    async def soak() -> None:
        app.inbox.open_conversation(app.inbox.conversation_list.rows.ids[0])
        for second in range(1, SOAK_SECONDS + 1):
            clock.now += 1.0
            if second % INBOUND_EVERY_S == 0:
                sender = numbers[(second // INBOUND_EVERY_S) % len(numbers)]
                await admin.post("/_sim/inbound", json={"from": sender, "text": f"Any news on my order? ({second})"})
            await app.poller.cycle()
            await asyncio.sleep(0)  # let the app handle what the cycle changed, as between real polls
            if second in (SOAK_WARMUP_S, SOAK_SECONDS):
                await asyncio.sleep(0.3)
                gc.collect()
                samples[f"rss_mb_at_{second}s"] = memory_mb(field="VmRSS")
        write(
            report,
            {
                **samples,
                "rss_growth_mb": samples[f"rss_mb_at_{SOAK_SECONDS}s"] - samples[f"rss_mb_at_{SOAK_WARMUP_S}s"],
                "cycles": SOAK_SECONDS,
                "inbound": SOAK_SECONDS // INBOUND_EVERY_S,
            },
        )
        await admin.aclose()
        app.exit()

    async def start_when_mounted() -> None:
        while not app.inbox.is_mounted:
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.5)
        app.call_later(lambda: app.run_worker(soak(), exit_on_error=True))

    starter = asyncio.create_task(start_when_mounted())
    try:
        await app.run_async()
    finally:
        starter.cancel()
        store.close()


def main(argv: list[str]) -> int:
    mode, report = argv[0], Path(argv[1])
    asyncio.run({"sync": probe_sync, "soak": probe_soak}[mode](report))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
