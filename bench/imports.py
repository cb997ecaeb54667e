"""Import time before the first frame: what `sakari-tui` imports on its way to the inbox,
against `textual.app` alone, per module from `python -X importtime` (issue 17: nothing the
first frame does not need should be imported before it).

Each run is a fresh interpreter with bytecode caches allowed (as an installed app has them),
started from a folder outside the checkout, so the installed package is what is timed.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict

# What `sakari-tui` imports on a plain start, as cli.main does it: the collector resting (see main),
# the inbox's own options only (no command's parser), the inbox and the app.
APP_PATH = "import gc; gc.disable(); import sakari_tui.cli, sakari_tui.cli.inbox, sakari_tui.ui.app"
BASELINE = "import textual.app"
_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|(\s+)(\S+)")


def _importtime(code: str, folder: str) -> dict[str, tuple[int, int, int]]:
    """module -> (self µs, cumulative µs, depth) for one run of `code`."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    found = {}
    for line in done.stderr.splitlines():
        match = _LINE.match(line)
        if match:
            found[match.group(4)] = (int(match.group(1)), int(match.group(2)), len(match.group(3)) // 2)
    return found


def run(runs: int = 5) -> tuple[list[float], list[float], list[tuple[str, float]]]:
    """(app import ms per run, textual.app import ms per run, the five modules of ours and others
    costing the most by their own time, median ms)."""
    with tempfile.TemporaryDirectory(prefix="sakari-imports-") as folder:
        _importtime(APP_PATH, folder)  # bytecode caches written once, as after an install
        app_ms, baseline_ms = [], []
        own: dict[str, list[int]] = defaultdict(list)
        for _ in range(runs):
            app = _importtime(APP_PATH, folder)
            base = _importtime(BASELINE, folder)
            app_ms.append(sum(cumulative for _self, cumulative, depth in app.values() if depth == 1) / 1000)
            baseline_ms.append(sum(cumulative for _self, cumulative, depth in base.values() if depth == 1) / 1000)
            for name, (self_us, _cumulative, _depth) in app.items():
                own[name].append(self_us)
    top = sorted(((name, statistics.median(values) / 1000) for name, values in own.items()), key=lambda x: -x[1])
    return app_ms, baseline_ms, [(name, round(ms, 2)) for name, ms in top[:5]]
