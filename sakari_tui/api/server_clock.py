"""The server's clock, estimated from the `Date` header of its recent answers.

The local clock may be minutes off Sakari's; anything that compares our times with the times
the server wrote (finding the message we sent, say) should use the server's. Each answer gives
one offset: its Date minus our time at the middle of the exchange. The header has a resolution
of one second and is truncated, so the server was somewhere in that second: its middle is used.
The median of the last few offsets keeps one odd answer (a proxy's cache) from moving it.
"""

from __future__ import annotations

import email.utils
import statistics
from collections import deque
from collections.abc import Callable
from datetime import UTC

KEEP = 5


def parse_http_date(value: str | None) -> float | None:
    """The Unix time of an HTTP date (`Date: Sun, 06 Nov 1994 08:49:37 GMT`), None if unreadable."""
    if not value:
        return None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:  # "-0000": UTC by RFC 5322
        when = when.replace(tzinfo=UTC)
    try:
        return when.timestamp()
    except (OverflowError, OSError, ValueError):
        return None


class ServerClock:
    """Offsets between the server's clock and ours, learnt from answers."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._offsets: deque[float] = deque(maxlen=KEEP)

    def observe(self, date_header: str | None, asked_at: float, answered_at: float) -> None:
        """Learn from one answer: its Date header, and our clock when we asked and when it came."""
        server = parse_http_date(date_header)
        if server is not None:
            self._offsets.append(server + 0.5 - (asked_at + answered_at) / 2)

    def now(self) -> float | None:
        """The server's current Unix time as best we know it, None before any readable Date."""
        if not self._offsets:
            return None
        return self._clock() + statistics.median(self._offsets)
