"""How often to poll now: the normal pace while someone is at the inbox, slower when the terminal
is not focused or nobody has pressed a key or moved the mouse for a while.

Pure logic on a clock (no Textual, no I/O): the app reports focus and input (`set_focused`,
`touch`), the poller asks for the intervals. A slow setting below the normal one never speeds
polling up: slowing down is all these settings can do.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

DEFAULT_UNFOCUSED_INTERVAL_S = 30.0
DEFAULT_IDLE_INTERVAL_S = 60.0
DEFAULT_IDLE_AFTER_S = 300.0


@dataclass
class Cadence:
    """The intervals of the two polls (the list, the open thread) as the user's presence changes."""

    interval: float = 5.0
    """Seconds between checks of the conversation list while someone is at the inbox."""
    thread_interval: float = 2.0
    """Seconds between checks of the open conversation meanwhile (at most `interval`)."""
    unfocused_interval: float = DEFAULT_UNFOCUSED_INTERVAL_S
    """Seconds between checks (of both) while the terminal is not focused."""
    idle_interval: float = DEFAULT_IDLE_INTERVAL_S
    """Seconds between checks (of both) once nobody has used the inbox for `idle_after` seconds."""
    idle_after: float = DEFAULT_IDLE_AFTER_S
    clock: Callable[[], float] = time.monotonic
    focused: bool = True
    last_input: float = field(default=-1.0)

    def __post_init__(self) -> None:
        self.thread_interval = min(self.thread_interval, self.interval)
        if self.last_input < 0:
            self.last_input = self.clock()

    def idle(self, now: float | None = None) -> bool:
        """Nobody has pressed a key or moved the mouse for `idle_after` seconds."""
        now = self.clock() if now is None else now
        return now - self.last_input >= self.idle_after

    def slowed(self, now: float | None = None) -> bool:
        """Polling is slower than normal now (unfocused or idle)."""
        return self.list_interval(now) > self.interval

    def list_interval(self, now: float | None = None) -> float:
        """Seconds between checks of the conversation list, now."""
        interval = self.interval
        if not self.focused:
            interval = max(interval, self.unfocused_interval)
        if self.idle(now):
            interval = max(interval, self.idle_interval)
        return interval

    def thread_interval_now(self, now: float | None = None) -> float:
        """Seconds between checks of the open thread, now: faster than the list while someone
        looks; with nobody looking, as slow as the list."""
        return self.thread_interval if not self.slowed(now) else self.list_interval(now)

    def set_focused(self, focused: bool) -> bool:
        """The terminal gained or lost focus; True when polling got faster because of it."""
        was_slowed = self.slowed()
        self.focused = focused
        if focused:
            self.last_input = self.clock()  # coming back to the window is presence too
        return was_slowed and not self.slowed()

    def touch(self) -> bool:
        """A key or the mouse; True when polling got faster because of it."""
        now = self.clock()
        was_idle = now - self.last_input >= self.idle_after
        self.last_input = now
        return was_idle and not self.slowed(now)
