"""A time-ordered queue of things that will happen (status changes, customer replies).

Due callbacks run in (due time, insertion) order with their own due time, so a manual clock
jumping ahead by a minute replays the minute's events exactly as real time would have.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable

Callback = Callable[[float], None]


class Scheduler:
    """Not thread-safe by itself: the simulator state calls it under its lock."""

    def __init__(self) -> None:
        self._queue: list[tuple[float, int, Callback]] = []
        self._order = itertools.count()

    def __len__(self) -> int:
        return len(self._queue)

    def schedule(self, due: float, callback: Callback) -> None:
        """Run `callback(due)` once the clock reaches `due`."""
        heapq.heappush(self._queue, (due, next(self._order), callback))

    def run_due(self, now: float) -> int:
        """Run every callback due at or before `now` (including ones they schedule); return how many."""
        ran = 0
        while self._queue and self._queue[0][0] <= now:
            due, _, callback = heapq.heappop(self._queue)
            callback(due)
            ran += 1
        return ran
