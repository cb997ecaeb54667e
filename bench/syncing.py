"""The first sync of a 10,000-conversation account into an empty store, with the app on screen.

The probe (`bench.probe sync`) reports the sync's duration and the longest event-loop stall; from
outside, keys are pressed all along to show they keep working, and the screen is watched for the
first page of conversations, which must appear long before the sync ends.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from .apprun import app_environment, first_output_after, spawn
from .datasets import Endpoint

KEY_EVERY_S = 0.1


@dataclass
class SyncRun:
    initial_sync_s: float
    max_loop_stall_ms: float
    first_rows_on_screen_s: float
    sync_done_s: float
    conversations: int
    key_latency_ms: list[float] = field(default_factory=list)


def run(workdir: Path, endpoint: Endpoint, top_name: bytes) -> SyncRun:
    report = workdir / "sync-report.json"
    report.unlink(missing_ok=True)
    env = app_environment(workdir, endpoint, None)
    term, started = spawn([sys.executable, "-m", "bench.probe", "sync", str(report)], env, deadline=180)
    first_rows: float | None = None
    latencies: list[float] = []
    try:
        while not report.exists():
            if term.exited():
                raise RuntimeError(f"the sync probe stopped (exit {term.exit_code}): {bytes(term.output[-600:])!r}")
            if first_rows is None and top_name in term.output:
                first_rows = time.monotonic() - started
            if first_rows is not None:  # the list is there: move through it while the rest syncs
                latencies.append(first_output_after(term, b"j" if len(latencies) % 40 < 20 else b"k") * 1000)
            term.pump(KEY_EVERY_S)
        done = time.monotonic() - started
        data = json.loads(report.read_text(encoding="utf-8"))
    finally:
        term.close()
    return SyncRun(
        initial_sync_s=data["initial_sync_s"],
        max_loop_stall_ms=data["max_loop_stall_ms"],
        first_rows_on_screen_s=first_rows if first_rows is not None else float("inf"),
        sync_done_s=done,
        conversations=data["conversations"],
        key_latency_ms=latencies,
    )
