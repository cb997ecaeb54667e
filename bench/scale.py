"""Figures at 100,000 conversations and 1,000,000 messages (issue 17, target 1), for `bench/__main__.py`.

`run` measures, on a pty as a person would:
- first paint with the 100,000-conversation store against the 100-conversation one, interleaved;
- key latency (p50, p99) moving through the list, in All and in Needs reply;
- open thread: in All the 10,000- and the 10-message threads (#0 and #1), in Needs reply its first
  two rows (the longest waits);
- peak resident memory (VmHWM) of those sessions.
`record` adds those to the bench's results, with the 100k store's bytes per row (store_size.py)
and a first sync of 100k with keys pressed all along (syncing.py); `record_targets` their targets.

The store of 100,000 conversations is built once and cached (`store_cache.py`); its simulator must
start on the cached store's anchor (`SimulatorProcess(SHAPE_100K, cached.anchor)`), so the app's
first poll finds the account as it left it. Its clock is then later than the data by the cache's
age (at most a week): every customer has waited that much longer. In the measured paths that only
moves the relative times ("3m" becomes "2d") and the wait colours of Needs reply (more rows past
`waiting_alert`), which cost the same to draw; nothing there queries only recent rows. Paging for
overdue waits (`notifications.on_overdue`) would find fewer waits (those past 2 days are never
paged), but it runs only with a command set, and the bench sets none.

Run on its own: `python -m bench.scale` (builds or reuses the cached store, starts both simulators).
"""

from __future__ import annotations

import re
import sys
import tempfile
import time
from pathlib import Path

from . import interact, paint, store_size, syncing
from .datasets import SHAPE_100, SHAPE_100K, Endpoint, SimulatorProcess, anchor_now, build_store
from .report import Results, percentile
from .store_cache import cached_store

# The name on the first row of All in both stores (conversation #0 is the newest and unread).
TOP_NAME = b"Avery Abbott0"
NEEDS_REPLY = {"default_view": "needs-reply"}
# The start-up walk of 1,000 pages before the keys are pressed.
ONLINE_TIMEOUT_S = 600.0


def needs_reply_rows(store: Path) -> list[tuple[bytes, int]]:
    """Needs reply's first two rows in `store`: (name on screen, conversation index) each.

    Generated names end with the conversation's index (simulator/bulk_data.py: "Avery Abbott0")."""
    from sakari_tui.store import Store

    opened = Store(store)
    try:
        rows = opened.inbox.rows(view="needs-reply")[:2]
    finally:
        opened.close()
    found = []
    for row in rows:
        match = re.search(r"(\d+)$", row.name)
        if match is None:
            raise RuntimeError(f"a Needs reply row is not a generated conversation: {row.name!r}")
        found.append((row.name.encode(), int(match.group(1))))
    return found


def run(
    work: Path,
    endpoint_100: Endpoint,
    endpoint_100k: Endpoint,
    store_100: Path,
    store_100k: Path,
    *,
    paint_runs: int = 5,
    sessions: int = 1,
    presses: int = 240,
    opens: int = 5,
    log=print,
) -> dict[str, list[float]]:
    """Every figure at 100k (and the first paint at 100 beside it), as lists of runs.

    `store_100` must be built on `endpoint_100`'s anchor, `store_100k` on `endpoint_100k`'s."""
    figures: dict[str, list[float]] = {
        key: []
        for key in (
            "first_paint_s_100_beside_100k",
            "first_paint_s_100k",
            "key_latency_ms_p50_100k",
            "key_latency_ms_p99_100k",
            "key_latency_ms_p50_100k_needs_reply",
            "key_latency_ms_p99_100k_needs_reply",
            "open_thread_ms_100k",
            "open_thread_ms_10_100k",
            "open_thread_ms_100k_needs_reply",
            "rss_mb_100k",
        )
    }
    log(f"first paint at 100 and at 100,000 conversations × {paint_runs}, interleaved …")
    for _ in range(paint_runs):
        figures["first_paint_s_100_beside_100k"].append(
            paint.inbox(work / "paint-100", endpoint_100, store_100, TOP_NAME)
        )
        figures["first_paint_s_100k"].append(paint.inbox(work / "paint-100k", endpoint_100k, store_100k, TOP_NAME))

    (needs_name, first), (_, second) = needs_reply_rows(store_100k)
    log(f"100,000 conversations: {sessions} session(s) × {presses} presses, in All and in Needs reply …")
    for number in range(sessions):
        needs = interact.run(
            work / f"session-100k-nr-{number}",
            endpoint_100k,
            store_100k,
            needs_name,
            presses=presses,
            opens=opens,
            triage=NEEDS_REPLY,
            first_rows=(first, second),
            online_timeout=ONLINE_TIMEOUT_S,
        )
        figures["key_latency_ms_p50_100k_needs_reply"].append(percentile(needs.key_latency_ms, 0.50))
        figures["key_latency_ms_p99_100k_needs_reply"].append(percentile(needs.key_latency_ms, 0.99))
        figures["open_thread_ms_100k_needs_reply"] += needs.open_ms[first] + needs.open_ms[second]
        every = interact.run(
            work / f"session-100k-{number}",
            endpoint_100k,
            store_100k,
            TOP_NAME,
            presses=presses,
            opens=opens,
            online_timeout=ONLINE_TIMEOUT_S,
        )
        figures["key_latency_ms_p50_100k"].append(percentile(every.key_latency_ms, 0.50))
        figures["key_latency_ms_p99_100k"].append(percentile(every.key_latency_ms, 0.99))
        figures["open_thread_ms_100k"] += every.open_10k_ms
        figures["open_thread_ms_10_100k"] += every.open_10_ms
        figures["rss_mb_100k"] += [needs.rss_peak_mb, every.rss_peak_mb]
    return figures


TARGET_KEYS = (
    "first_paint_s_100_beside_100k",
    "first_paint_s_100k",
    "key_latency_ms_p99_100k",
    "key_latency_ms_p99_100k_needs_reply",
    "open_thread_ms_100k",
    "open_thread_ms_100k_needs_reply",
    "rss_mb_100k",
)
WHAT = {
    "first_paint_s_100_beside_100k": "start to the inbox on screen, 100 cached conversations, interleaved with the 100k runs",
    "first_paint_s_100k": "start to the inbox on screen, 100,000 cached conversations, 1,000,000 messages",
    "key_latency_ms_p50_100k": "key to first output byte, moving through All at 100k",
    "key_latency_ms_p99_100k": "key to first output byte, moving through All at 100k",
    "key_latency_ms_p50_100k_needs_reply": "key to first output byte, moving through Needs reply at 100k",
    "key_latency_ms_p99_100k_needs_reply": "key to first output byte, moving through Needs reply at 100k",
    "open_thread_ms_100k": "Enter until the newest of 10,000 messages is on screen, at 100k",
    "open_thread_ms_10_100k": "Enter until the newest of 10 messages is on screen, at 100k",
    "open_thread_ms_100k_needs_reply": "Enter until a thread from Needs reply's first rows is on screen, at 100k",
    "rss_mb_100k": "peak resident memory (VmHWM) of a session at 100k, All and Needs reply",
}


def record(results: Results, log=print) -> None:
    """Issue 17's figures at 100,000 conversations and 1,000,000 messages: the store (cached
    between runs, bench/store_cache.py), paint, keys, threads, memory, its size, and a first sync."""
    cached = cached_store(SHAPE_100K)
    how = f"built in {cached.built_s:.0f} s" if cached.built_s is not None else "from the cache"
    log(f"store of 100,000 conversations: {cached.sizes}, {how}")
    results.notes.setdefault("stores", {})["100k"] = cached.sizes
    sizes = store_size.measure(cached.path)
    results.notes["store_size_100k"] = sizes
    results.add(
        "store_message_row_bytes_100k",
        "bytes",
        [sizes["message_row_bytes"]],
        "messages table bytes per row (dbstat), 100k store",
    )
    results.add(
        "store_conversation_row_bytes_100k",
        "bytes",
        [sizes["conversation_row_bytes"]],
        "conversations table bytes per row (dbstat), 100k store",
    )
    anchor = anchor_now()
    with tempfile.TemporaryDirectory(prefix="sakari-bench-100k-") as tmp:
        work = Path(tmp)
        store_100 = work / "store-100.sqlite3"
        build_store(store_100, SHAPE_100, anchor)
        started = time.monotonic()
        with SimulatorProcess(SHAPE_100K, cached.anchor) as endpoint_100k:
            results.notes["simulator_100k_ready_s"] = round(time.monotonic() - started, 1)
            with SimulatorProcess(SHAPE_100, anchor) as endpoint_100:
                figures = run(work, endpoint_100, endpoint_100k, store_100, cached.path, log=log)
            for key, runs in figures.items():
                if runs:
                    unit = "s" if key.startswith("first_paint") else "MiB" if key.startswith("rss") else "ms"
                    results.add(key, unit, runs, WHAT.get(key, key))
            log("first sync of 100,000 conversations (1,000 pages), keys pressed all along …")
            synced = syncing.run(work / "sync-100k", endpoint_100k, TOP_NAME, keys=True, deadline=1200)
    results.add(
        "first_rows_s_sync_100k", "s", [synced.first_rows_on_screen_s], "empty store: start to the first page on screen"
    )
    results.add("sync_done_s_100k", "s", [synced.sync_done_s], "empty store: start to all 100,000 conversations cached")
    results.add(
        "max_loop_stall_ms_sync_100k", "ms", [synced.max_loop_stall_ms], "longest event-loop stall in that sync"
    )
    if synced.key_latency_ms:
        results.add(
            "key_latency_ms_p99_during_sync_100k",
            "ms",
            [percentile(synced.key_latency_ms, 0.99)],
            "key to first output byte while that sync runs",
        )
    results.add(
        "sync_cpu_ms_per_page_100k",
        "ms",
        [synced.cpu_ms_per_page],
        "the app's own CPU per page of 100 conversations in that sync, less its idle rate (client side)",
    )
    results.notes["sync_100k"] = {
        "pages": synced.pages,
        "sync_cpu_ms": round(synced.sync_cpu_ms),
        "idle_cpu_ms": round(synced.idle_cpu_ms),
        "conversations": synced.conversations,
    }


def record_targets(results: Results) -> None:
    """Issue 17's targets for the figures `record` added."""
    m = results.median
    for text, value, limit in targets({key: m(key) for key in TARGET_KEYS}):
        results.target(text, value, limit)
    results.target("store_message_row_bytes_100k <= 400", m("store_message_row_bytes_100k"), 400)
    results.target("store_conversation_row_bytes_100k <= 600", m("store_conversation_row_bytes_100k"), 600)
    results.target("first_rows_s_sync_100k <= 1.5", m("first_rows_s_sync_100k"), 1.5)
    results.target("key_latency_ms_p99_during_sync_100k <= 33", m("key_latency_ms_p99_during_sync_100k"), 33)
    results.target("sync_cpu_ms_per_page_100k <= 15", m("sync_cpu_ms_per_page_100k"), 15)


# Issue 17's targets for these figures: (text, value from the medians, limit).
def targets(medians: dict[str, float]) -> list[tuple[str, float, float]]:
    return [
        (
            "first_paint_s_100k / first_paint_s_100_beside_100k <= 1.15",
            medians["first_paint_s_100k"] / medians["first_paint_s_100_beside_100k"],
            1.15,
        ),
        ("key_latency_ms_p99_100k <= 33", medians["key_latency_ms_p99_100k"], 33),
        ("key_latency_ms_p99_100k_needs_reply <= 33", medians["key_latency_ms_p99_100k_needs_reply"], 33),
        ("open_thread_ms_100k < 100", medians["open_thread_ms_100k"], 99.999),
        ("open_thread_ms_100k_needs_reply < 100", medians["open_thread_ms_100k_needs_reply"], 99.999),
        ("rss_mb_100k <= 150", medians["rss_mb_100k"], 150),
    ]


def main() -> int:
    began = time.monotonic()
    results = Results()
    record(results)
    record_targets(results)
    print(results.table())
    print(f"in {time.monotonic() - began:.0f} s")
    return 0 if results.all_met else 1


if __name__ == "__main__":
    sys.exit(main())
