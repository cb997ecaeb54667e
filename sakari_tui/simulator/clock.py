"""Injectable time for the simulator: the real clock, or a manual one tests move by hand."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    """Source of the current time as seconds since the Unix epoch."""

    def now(self) -> float:
        """The current time in epoch seconds."""
        ...


class SystemClock:
    """Wall-clock time."""

    def now(self) -> float:
        """The current time in epoch seconds."""
        return time.time()


class ManualClock:
    """A clock that only moves when told to, so status progression and replies are deterministic."""

    def __init__(self, start: float = 1_767_225_600.0) -> None:  # 2026-01-01T00:00:00Z
        self._now = float(start)
        self._lock = threading.Lock()

    def now(self) -> float:
        """The current (manual) time in epoch seconds."""
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> float:
        """Move the clock forward by `seconds` and return the new time."""
        if seconds < 0:
            raise ValueError("a manual clock only moves forward")
        with self._lock:
            self._now += seconds
            return self._now


def iso(timestamp: float) -> str:
    """RFC 3339 UTC timestamp with milliseconds, e.g. 2026-01-01T12:00:00.000Z."""
    moment = datetime.fromtimestamp(timestamp, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
