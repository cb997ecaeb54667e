"""Memory over a simulated hour of polling with steady inbound traffic (see `bench.probe soak`)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .apprun import app_environment, spawn
from .datasets import Endpoint


def run(workdir: Path, endpoint: Endpoint, store: Path) -> dict:
    report = workdir / "soak-report.json"
    report.unlink(missing_ok=True)
    term, _ = spawn(
        [sys.executable, "-m", "bench.probe", "soak", str(report)],
        app_environment(workdir, endpoint, store),
        deadline=400,
    )
    try:
        while not report.exists():
            if term.exited():
                raise RuntimeError(f"the soak probe stopped (exit {term.exit_code}): {bytes(term.output[-600:])!r}")
            term.pump(0.1)
        return json.loads(report.read_text(encoding="utf-8"))
    finally:
        term.close()
