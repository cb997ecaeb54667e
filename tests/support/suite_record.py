"""The suite's own timing, for `make bench` (issue 17: the suite stays under 6 minutes on 2 cores).

`make test` sets SAKARI_TUI_SUITE_RECORD to a file; at the end of the run the controlling process
(with xdist, the one that sees every worker's reports) writes there how long the whole run took,
on how many workers and cores, and its 20 slowest tests (setup, call and teardown together).
The bench reports that figure beside its own: timing the suite inside the bench would double
its run, and a test suite never times itself in an assertion.
"""

from __future__ import annotations

import json
import os
import time
from collections import defaultdict
from pathlib import Path

import pytest

ENV = "SAKARI_TUI_SUITE_RECORD"


class SuiteRecord:
    def __init__(self, target: Path) -> None:
        self.target = target
        self.began = time.monotonic()
        self.durations: dict[str, float] = defaultdict(float)
        self.outcomes: dict[str, int] = defaultdict(int)

    @pytest.hookimpl
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.durations[report.nodeid] += report.duration
        if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
            self.outcomes[report.outcome] += 1

    @pytest.hookimpl
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        slowest = sorted(self.durations.items(), key=lambda item: -item[1])[:20]
        workers = getattr(session.config.option, "numprocesses", None) or 0
        record = {
            "seconds": round(time.monotonic() - self.began, 1),
            "workers": workers if isinstance(workers, int) else 0,
            "cores": os.cpu_count(),
            "exit_status": int(exitstatus),
            "outcomes": dict(self.outcomes),
            "finished_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "slowest_20": [[nodeid, round(seconds, 2)] for nodeid, seconds in slowest],
        }
        self.target.parent.mkdir(parents=True, exist_ok=True)
        self.target.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")


def register(config: pytest.Config) -> None:
    """Record this run when SAKARI_TUI_SUITE_RECORD names a file, in the controlling process only."""
    target = os.environ.get(ENV)
    if target and not hasattr(config, "workerinput"):
        config.pluginmanager.register(SuiteRecord(Path(target)), "sakari-suite-record")
