"""Whether a poll goes now, as far as the other sakari-tui processes of the account are concerned.

They share one request budget (`api/budget.py`): a 429 any of them saw holds all of them back; a
poll waits while the budget runs short (replies come first); and a poll another process on the
same store made less than an interval ago is not made again: its result is in the store already.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..api.budget import RequestBudget
    from ..store import Store

SHARED_WAIT = "The Sakari API asked this account to slow down; every sakari-tui on this machine waits."


@dataclass(frozen=True)
class Turn:
    """The answer for one poll: `wait` seconds before asking again (0.0: poll now)."""

    wait: float = 0.0
    blocked: bool = False
    """A 429 holds every process back for `wait` seconds."""
    made_ago: float | None = None
    """Another process made this poll this many seconds ago."""


class SharedPolls:
    def __init__(self, budget: RequestBudget | None, store: Store) -> None:
        self.budget = budget
        path = getattr(store, "path", None)
        # Results are shared through the store: only processes on the same store file may skip.
        self._store = None if not path or str(path) == ":memory:" else str(Path(path).resolve())

    def turn(self, poll: str, interval: float, *, forced: bool = False) -> Turn:
        """May the poll named `poll` (e.g. "list", "thread <id>") go now? `forced`: the user asked
        for it, or it must walk the whole list: it goes (unless a 429 holds everyone back) and
        counts as made for the others."""
        budget = self.budget
        if budget is None:
            return Turn()
        blocked = budget.blocked_for()
        if blocked > 0:
            return Turn(blocked, blocked=True)
        if not forced:
            short = budget.poll_wait()
            if short > 0:
                return Turn(short)
        if self._store is None:
            return Turn()
        key = f"{poll} {self._store}"
        if forced:
            budget.record_poll(key)
            return Turn()
        made_ago = budget.claim_poll(key, interval)
        return Turn(interval - made_ago, made_ago=made_ago) if made_ago > 0 else Turn()
