"""The first sync of a 10,000- (or 100,000-) conversation account into an empty store, with the app on screen.

The probe (`bench.probe sync`) reports the sync's duration, the longest event-loop stall and the
app process's own CPU time over the sync (client side only: the simulator runs in a process of
its own); from outside, keys are pressed all along to show they keep working (unless `keys` is
False), and the screen is watched for the first page of conversations, which must appear long
before the sync ends.

CPU per page: the app's CPU time over the sync, less what the same app uses sitting idle (polling,
its list on screen) for as long as the sync took, over the pages fetched. The idle rate is measured
right after the sync, without keys; keys pressed during the sync are counted in (what a person
moving through the list costs besides the sync), so the figure is the sync's own with `keys=False`.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from .apprun import app_environment, first_output_after, spawn
from .datasets import Endpoint
from .probe import IDLE_BASELINE_S, idle_report

KEY_EVERY_S = 0.1


@dataclass
class SyncRun:
    initial_sync_s: float
    max_loop_stall_ms: float
    first_rows_on_screen_s: float
    sync_done_s: float
    conversations: int
    key_latency_ms: list[float] = field(default_factory=list)
    pages: int = 0
    """Pages of conversations the sync fetched."""
    sync_cpu_ms: float = 0.0
    """The app process's CPU time over the sync (user + system, every thread)."""
    idle_cpu_ms: float = 0.0
    """What the idle app uses in the same wall time (its rate measured after the sync)."""

    @property
    def cpu_ms_per_page(self) -> float:
        """The sync's own CPU time per page: (sync CPU - idle CPU for as long) / pages."""
        return (self.sync_cpu_ms - self.idle_cpu_ms) / max(self.pages, 1)


def run(workdir: Path, endpoint: Endpoint, top_name: bytes, *, keys: bool = True, deadline: float = 180) -> SyncRun:
    report, idle = workdir / "sync-report.json", idle_report(workdir / "sync-report.json")
    report.unlink(missing_ok=True)
    idle.unlink(missing_ok=True)
    env = app_environment(workdir, endpoint, None)
    term, started = spawn([sys.executable, "-m", "bench.probe", "sync", str(report)], env, deadline=deadline)
    first_rows: float | None = None
    latencies: list[float] = []
    try:
        while not report.exists():
            if term.exited():
                raise RuntimeError(f"the sync probe stopped (exit {term.exit_code}): {bytes(term.output[-600:])!r}")
            if first_rows is None and top_name in term.output:
                first_rows = time.monotonic() - started
            if keys and first_rows is not None:  # the list is there: move through it while the rest syncs
                latencies.append(first_output_after(term, b"j" if len(latencies) % 40 < 20 else b"k") * 1000)
            term.pump(KEY_EVERY_S)
        done = time.monotonic() - started
        data = json.loads(report.read_text(encoding="utf-8"))
        end = time.monotonic() + IDLE_BASELINE_S + 30
        while not idle.exists():  # the idle baseline, measured after the sync (no keys)
            if term.exited() or time.monotonic() > end:
                raise RuntimeError(f"the sync probe gave no idle baseline (exit {term.exit_code})")
            term.pump(0.2)
        idle_rate = json.loads(idle.read_text(encoding="utf-8"))["idle_cpu_s_per_s"]
    finally:
        term.close()
    return SyncRun(
        initial_sync_s=data["initial_sync_s"],
        max_loop_stall_ms=data["max_loop_stall_ms"],
        first_rows_on_screen_s=first_rows if first_rows is not None else float("inf"),
        sync_done_s=done,
        conversations=data["conversations"],
        key_latency_ms=latencies,
        pages=data["pages"],
        sync_cpu_ms=data["sync_cpu_s"] * 1000,
        idle_cpu_ms=idle_rate * data["initial_sync_s"] * 1000,
    )
