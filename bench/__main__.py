"""`make bench`: build the data sets, measure, print a table and write `bench/results.json`.

Every figure with a baseline is measured side by side with it, interleaved run by run, so a
noisy shared machine moves both alike and the ratio holds. Nothing here is a pass/fail test:
`make test` never times anything; the table says which targets this run met.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

from . import imports, interact, paint, polite, polling, scale, soak, store_size, syncing
from .datasets import SHAPE_10K, SHAPE_100, SimulatorProcess, anchor_now, build_store
from .report import Results, percentile

HERE = Path(__file__).resolve().parent
# `make test` leaves its own timing here (tests/support/suite_record.py).
SUITE_RECORD = HERE / ".last-suite.json"
SUITE_TARGET_S = 360.0
PAINT_RUNS = 7
SESSIONS = 2
PRESSES = 240
OPENS = 5
SYNC_RUNS = 3
# The name on the first row of both stores, and the list opened in Needs reply (issue 14).
TOP_NAME, NEEDS_REPLY = scale.TOP_NAME, scale.NEEDS_REPLY


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def main() -> int:
    began = time.monotonic()
    results = Results()
    anchor = anchor_now()
    with tempfile.TemporaryDirectory(prefix="sakari-bench-") as tmp:
        work = Path(tmp)
        with SimulatorProcess(SHAPE_10K, anchor) as endpoint:
            log("building the stores (100 and 10,000 conversations) …")
            sizes = build_store(work / "store-100.sqlite3", SHAPE_100, anchor)
            sizes_10k = build_store(work / "store-10k.sqlite3", SHAPE_10K, anchor)
            results.notes["stores"] = {"100": sizes, "10k": sizes_10k}
            log(f"stores ready: {sizes_10k['conversations']} conversations, {sizes_10k['messages']} messages")

            (needs_name, _), _ = scale.needs_reply_rows(work / "store-10k.sqlite3")
            log(f"first paint: bare, 100, 10k, 10k in Needs reply × {PAINT_RUNS}, interleaved …")
            bare, small, large, needs = [], [], [], []
            for _ in range(PAINT_RUNS):
                bare.append(paint.bare(work / "bare"))
                small.append(paint.inbox(work / "paint-100", endpoint, work / "store-100.sqlite3", TOP_NAME))
                large.append(paint.inbox(work / "paint-10k", endpoint, work / "store-10k.sqlite3", TOP_NAME))
                needs.append(
                    paint.inbox(
                        work / "paint-10k-nr", endpoint, work / "store-10k.sqlite3", needs_name, triage=NEEDS_REPLY
                    )
                )
            results.add("first_paint_s_bare", "s", bare, "minimal Textual app, process start to first frame")
            results.add(
                "first_paint_s_100", "s", small, "sakari-tui, 100 cached conversations, start to the inbox on screen"
            )
            results.add(
                "first_paint_s_10k", "s", large, "sakari-tui, 10,000 cached conversations, start to the inbox on screen"
            )
            results.add(
                "first_paint_s_10k_needs_reply",
                "s",
                needs,
                "the same, the list opening in Needs reply (its longest wait on screen)",
            )

            log("import time before the first frame, against textual.app alone …")
            app_ms, textual_ms, top_five = imports.run()
            results.add("import_ms_app", "ms", app_ms, "what sakari-tui imports before its first frame (-X importtime)")
            results.add("import_ms_textual_app", "ms", textual_ms, "import textual.app alone, in the same runs")
            results.notes["import_top5_self_ms"] = top_five
            log("slowest imports by their own time: " + ", ".join(f"{name} {ms} ms" for name, ms in top_five))

            log(f"key latency and opening threads: {SESSIONS} sessions × {PRESSES} presses …")
            p50s, p99s, open_10k, open_10, rss = [], [], [], [], []
            needs_p50s, needs_p99s = [], []
            all_presses: list[float] = []
            for number in range(SESSIONS):
                needs_session = interact.run(
                    work / f"session-nr-{number}",
                    endpoint,
                    work / "store-10k.sqlite3",
                    needs_name,
                    presses=PRESSES,
                    opens=0,
                    triage=NEEDS_REPLY,
                )
                needs_p50s.append(percentile(needs_session.key_latency_ms, 0.50))
                needs_p99s.append(percentile(needs_session.key_latency_ms, 0.99))
                session = interact.run(
                    work / f"session-{number}",
                    endpoint,
                    work / "store-10k.sqlite3",
                    TOP_NAME,
                    presses=PRESSES,
                    opens=OPENS,
                )
                p50s.append(percentile(session.key_latency_ms, 0.50))
                p99s.append(percentile(session.key_latency_ms, 0.99))
                all_presses += session.key_latency_ms
                open_10k += session.open_10k_ms
                open_10 += session.open_10_ms
                rss.append(session.rss_peak_mb)
            results.add(
                "key_latency_ms_p50", "ms", p50s, f"key to first output byte in a pty, per session of {PRESSES} presses"
            )
            results.add(
                "key_latency_ms_p99", "ms", p99s, f"key to first output byte in a pty, per session of {PRESSES} presses"
            )
            results.add("key_latency_ms_p50_needs_reply", "ms", needs_p50s, "the same, moving through Needs reply")
            results.add("key_latency_ms_p99_needs_reply", "ms", needs_p99s, "the same, moving through Needs reply")
            results.add(
                "open_thread_ms_10k", "ms", open_10k, "Enter until the newest of 10,000 cached messages is on screen"
            )
            results.add("open_thread_ms_10", "ms", open_10, "Enter until the newest of 10 cached messages is on screen")
            results.add(
                "rss_mb_10k", "MiB", rss, "peak resident memory (VmHWM) of a session on the 10,000/100,000 store"
            )
            results.notes["key_presses"] = len(all_presses)

            log(f"initial sync of 10,000 conversations × {SYNC_RUNS} …")
            runs = [syncing.run(work / f"sync-{number}", endpoint, TOP_NAME) for number in range(SYNC_RUNS)]
            results.add(
                "initial_sync_s_10k",
                "s",
                [run.initial_sync_s for run in runs],
                "empty store to all 10,000 conversations cached",
            )
            results.add(
                "max_loop_stall_ms_sync",
                "ms",
                [run.max_loop_stall_ms for run in runs],
                "longest event-loop stall during that sync",
            )
            results.add(
                "first_rows_s_sync",
                "s",
                [run.first_rows_on_screen_s for run in runs],
                "start to the first page of conversations on screen",
            )
            results.add("sync_done_s", "s", [run.sync_done_s for run in runs], "start to the end of the first sync")
            keys_during_sync = [latency for run in runs for latency in run.key_latency_ms]
            if keys_during_sync:
                results.add(
                    "key_latency_ms_p99_during_sync",
                    "ms",
                    [percentile(run.key_latency_ms, 0.99) for run in runs if run.key_latency_ms],
                    "key to first output byte while the sync runs",
                )
            results.notes["synced_conversations"] = [run.conversations for run in runs]

            log("polling: requests per cycle …")
            idle, changed = polling.run(work, work / "store-10k.sqlite3", SHAPE_10K, anchor)
            results.add("idle_poll_requests", "requests", idle, "API requests in a cycle when nothing changed")
            results.add(
                "changed_poll_requests_k50",
                "requests",
                [changed],
                "requests in the cycle after 50 conversations changed",
            )

            log("polite polling: requests a minute, idle, focused, and three instances on one data folder (60 s) …")
            manners = polite.run(work / "polite")
            results.notes["polite_polling"] = manners
            for case, what in (
                ("idle", "one app, terminal unfocused and nobody typing for minutes"),
                ("focused", "one app, focused, a thread open"),
                ("three", "three instances at once on one data folder and account, focused, the same thread open"),
            ):
                key = f"requests_per_min_{case}"
                results.add(
                    key, "req/min", [manners[key]], f"API requests a minute (every one, the token's too): {what}"
                )

            log("a simulated hour of polling …")
            soaked = soak.run(work / "soak", endpoint, work / "store-10k.sqlite3")
            results.add(
                "rss_growth_mb_1h",
                "MiB",
                [soaked["rss_growth_mb"]],
                "resident memory growth over 3,600 poll cycles, 120 inbound texts",
            )
            results.notes["soak"] = soaked

            log("the lean store: bytes per row, and converting an older copy of the 10k store in place …")
            converted = store_size.conversion(work / "store-10k.sqlite3", work / "conversion")
            results.notes["store_conversion_10k"] = converted
            results.add(
                "store_conversion_rows_per_s",
                "rows/s",
                [converted["rows_per_s"]],
                "old-format rows packed in place per second (10k store)",
            )
            results.add(
                "store_conversion_s_10k", "s", [converted["convert_s"]], "converting the whole 10k store in place"
            )

    scale.record(results, log=log)
    suite_figure(results)

    m = results.median
    results.target("first_paint_s_10k / first_paint_s_100 <= 1.3", m("first_paint_s_10k") / m("first_paint_s_100"), 1.3)
    results.target(
        "first_paint_s_100 / first_paint_s_bare <= 1.3", m("first_paint_s_100") / m("first_paint_s_bare"), 1.3
    )
    results.target("key_latency_ms_p50 <= 10", m("key_latency_ms_p50"), 10)
    results.target("key_latency_ms_p99 <= 33", m("key_latency_ms_p99"), 33)
    results.target(
        "first_paint_s_10k_needs_reply / first_paint_s_10k <= 1.3",
        m("first_paint_s_10k_needs_reply") / m("first_paint_s_10k"),
        1.3,
    )
    results.target("key_latency_ms_p99_needs_reply <= 33", m("key_latency_ms_p99_needs_reply"), 33)
    results.target("open_thread_ms_10k / open_thread_ms_10 <= 2", m("open_thread_ms_10k") / m("open_thread_ms_10"), 2.0)
    results.target("open_thread_ms_10k < 100", m("open_thread_ms_10k"), 99.999)
    results.target("idle_poll_requests <= 2", max(results.figures["idle_poll_requests"].runs), 2)
    results.target("changed_poll_requests_k50 <= 3", m("changed_poll_requests_k50"), 3)
    results.target("max_loop_stall_ms_sync <= 50", max(results.figures["max_loop_stall_ms_sync"].runs), 50)
    results.target("first rows on screen / sync done < 1", m("first_rows_s_sync") / m("sync_done_s"), 0.999)
    results.target("rss_mb_10k <= 150", max(results.figures["rss_mb_10k"].runs), 150)
    results.target("rss_growth_mb_1h <= 5", m("rss_growth_mb_1h"), 5)
    scale.record_targets(results)
    results.target(
        "converted 10k store differs (0: same rows, threads, hits)",
        0 if results.notes["store_conversion_10k"]["identical"] else 1,
        0,
    )
    if "test_suite_s" in results.figures:
        results.target(f"test_suite_s <= {SUITE_TARGET_S:.0f}", m("test_suite_s"), SUITE_TARGET_S)
    results.target(
        "requests_per_min_three / requests_per_min_focused <= 1.3",
        m("requests_per_min_three") / m("requests_per_min_focused"),
        1.3,
    )
    results.target(
        "requests_per_min_idle < requests_per_min_focused",
        m("requests_per_min_idle") / m("requests_per_min_focused"),
        0.999,
    )
    results.notes["bench_seconds"] = round(time.monotonic() - began, 1)

    results.write(HERE / "results.json")
    print()
    print(results.table())
    print(
        f"\nwritten to {HERE / 'results.json'} in {results.notes['bench_seconds']} s; "
        f"{'every target met' if results.all_met else 'SOME TARGETS MISSED'}"
    )
    return 0 if results.all_met else 1


def suite_figure(results: Results) -> None:
    """The test suite's wall time from the last `make test` (it records itself: timing the suite
    here would run it twice), with its 20 slowest tests."""
    try:
        record = json.loads(SUITE_RECORD.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        log(f"no test-suite timing: run `make test` first (it writes {SUITE_RECORD.name})")
        return
    results.add(
        "test_suite_s",
        "s",
        [record["seconds"]],
        f"`make test`, {record['workers']} workers on {record['cores']} cores, {record['finished_at']}",
    )
    results.notes["test_suite"] = record


if __name__ == "__main__":
    sys.exit(main())
