"""One request budget per account, shared by every sakari-tui on this machine and data folder.

The app, `outbox run` and every command on the same account draw from one token bucket kept in a
small SQLite file beside the store (`requests-<account>.sqlite3`), so a second or third process
does not multiply the load on Sakari's (unpublished) rate limit. The same file carries:

- "no requests until T": a 429 seen by any process holds back all of them (sends included: they
  wait, they are never dropped);
- "the list was last polled at T": a poll another process made less than an interval ago is not
  made again (`claim_poll`), so three inboxes on one store cost about what one does.

SQLite rather than a flock'ed JSON file: `BEGIN IMMEDIATE` is an atomic read-modify-write across
processes on Linux, macOS and Windows alike, and a torn write cannot happen. A file that is
damaged, unreadable or unwritable is one warning in the log; the budget then lives in this process
only (as it did before the file existed), and nothing fails because of it.

The calls are synchronous and short (a transaction on a one-row table); they run on the event loop
like the store's small writes do.
"""

from __future__ import annotations

import asyncio
import logging
import math
import sqlite3
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

# A recorded "no requests until" further away than this is not believed (a damaged file, a clock
# that jumped): the longest Retry-After the client honours (transport.MAX_RETRY_AFTER_S).
MAX_BLOCK_S = 300.0
# A 429 without Retry-After holds everyone back 2, 4, 8… seconds, up to this.
MAX_UNTOLD_BLOCK_S = 60.0
# The shortest wait for a token (a wait of a few nanoseconds would spin), and what float sums may miss.
MIN_WAIT_S = 0.01
_ROUNDING = 1e-9
# Poll records older than this are dropped (threads opened once this morning).
POLL_RECORD_TTL_S = 3600.0
# Seconds SQLite waits for another process's transaction (they last well under a millisecond).
BUSY_TIMEOUT_S = 2.0
# A poll starts only while this many tokens are left beyond its own: replies and reads the user
# asked for are not starved by the background.
POLL_RESERVE = 2.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS bucket (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    tokens REAL NOT NULL,
    refilled_at REAL NOT NULL,
    blocked_until REAL NOT NULL DEFAULT 0,
    strikes INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS polls (key TEXT PRIMARY KEY, at REAL NOT NULL);
"""


def budget_file(folder: Path, account_id: str) -> Path:
    """Where one account's shared budget lives: `<folder>/requests-<account>.sqlite3`."""
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in account_id)
    return Path(folder) / f"requests-{safe}.sqlite3"


@dataclass
class _State:
    """The shared numbers, as one transaction sees them."""

    tokens: float
    refilled_at: float
    blocked_until: float = 0.0
    strikes: int = 0
    polls: dict[str, float] = field(default_factory=dict)


class _LocalState:
    """The budget of this process alone (no file, or a file that failed)."""

    def __init__(self, burst: float, now: float) -> None:
        self.state = _State(tokens=burst, refilled_at=now)

    def transact(self, change: Callable[[_State], T], poll_key: str | None) -> T:
        return change(self.state)


class _SharedState:
    """The budget in a SQLite file; every `transact` is one immediate transaction."""

    def __init__(self, path: Path, burst: float, now: float) -> None:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
        try:
            # WAL: readers never wait; NORMAL: no fsync per commit (losing the last second of a
            # budget in a power cut costs nothing).
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
            self._db.execute(
                "INSERT OR IGNORE INTO bucket (id, tokens, refilled_at) VALUES (1, ?, ?)", (float(burst), now)
            )
        except BaseException:
            self._db.close()
            raise
        path.chmod(0o600)  # private like the store beside it

    def transact(self, change: Callable[[_State], T], poll_key: str | None) -> T:
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            row = db.execute("SELECT tokens, refilled_at, blocked_until, strikes FROM bucket WHERE id = 1").fetchone()
            if row is None:
                raise sqlite3.DatabaseError("the bucket row is missing")
            state = _State(float(row[0]), float(row[1]), float(row[2]), int(row[3]))
            if poll_key is not None:
                found = db.execute("SELECT at FROM polls WHERE key = ?", (poll_key,)).fetchone()
                if found is not None:
                    state.polls[poll_key] = float(found[0])
            before = dict(state.polls)
            result = change(state)
            db.execute(
                "UPDATE bucket SET tokens = ?, refilled_at = ?, blocked_until = ?, strikes = ? WHERE id = 1",
                (state.tokens, state.refilled_at, state.blocked_until, state.strikes),
            )
            for key, at in state.polls.items():
                if before.get(key) != at:
                    db.execute("INSERT OR REPLACE INTO polls (key, at) VALUES (?, ?)", (key, at))
                    db.execute("DELETE FROM polls WHERE at < ?", (at - POLL_RECORD_TTL_S,))
            db.execute("COMMIT")
            return result
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise

    def close(self) -> None:
        self._db.close()


def _finite(value: float, default: float) -> float:
    return value if math.isfinite(value) else default


class RequestBudget:
    """A token bucket of `per_minute` requests a minute (bursts up to `burst`, default a minute's
    worth; `per_minute` None: no cap, only the shared 429 waits and polls), in the file at `path`
    (None: this process only)."""

    def __init__(
        self,
        path: Path | str | None,
        *,
        per_minute: float | None,
        burst: float | None = None,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if per_minute is not None and per_minute <= 0:
            raise ValueError("per_minute must be positive (or None for no cap)")
        self.rate = per_minute / 60.0 if per_minute is not None else math.inf
        self.burst = float(burst if burst is not None else max(1.0, per_minute or 1.0))
        self.clock = clock
        self.sleep = sleep
        self.path = Path(path) if path is not None else None
        self._strikes_seen = 0
        self.problem: str | None = None
        """Why the budget is this process's own although a file was asked for (one sentence), or None."""
        self._backend: _SharedState | _LocalState
        if self.path is None:
            self._backend = _LocalState(self.burst, clock())
        else:
            try:
                self._backend = _SharedState(self.path, self.burst, clock())
            except (sqlite3.Error, OSError) as error:
                self._backend = _LocalState(self.burst, clock())
                self._fell_back(error)

    @property
    def shared(self) -> bool:
        """The budget is the file's (shared with other processes), not this process's own."""
        return isinstance(self._backend, _SharedState)

    def close(self) -> None:
        if isinstance(self._backend, _SharedState):
            self._backend.close()

    # --- the one place every operation goes through -----------------------------------------

    def _transact(self, change: Callable[[_State], T], poll_key: str | None = None) -> T:
        now = self.clock()

        def checked(state: _State) -> T:
            self._refill(state, now)
            return change(state)

        try:
            return self._backend.transact(checked, poll_key)
        except (sqlite3.Error, OSError) as error:
            self._backend = _LocalState(self.burst, now)
            self._fell_back(error)
            return self._backend.transact(checked, poll_key)

    def _fell_back(self, error: Exception) -> None:
        self.problem = (
            f"The shared request budget at {self.path} cannot be used ({type(error).__name__}: {error}); "
            "this sakari-tui keeps its own budget."
        )
        log.warning("%s", self.problem)

    def _refill(self, state: _State, now: float) -> None:
        # Whatever the file says (another version, damage, a clock that jumped) is brought back
        # within bounds here, so a bad number can slow requests down for a while but never stop them.
        tokens = min(max(_finite(state.tokens, 0.0), 0.0), self.burst)
        state.blocked_until = min(max(_finite(state.blocked_until, 0.0), 0.0), now + MAX_BLOCK_S)
        since = min(_finite(state.refilled_at, now), now + MAX_BLOCK_S)
        if math.isinf(self.rate):
            state.tokens, state.refilled_at = self.burst, now
        elif since > now:  # a 429's wait: the bucket fills again only from its end (see rate_limited)
            state.tokens, state.refilled_at = tokens, since
        else:
            state.tokens, state.refilled_at = min(self.burst, tokens + (now - since) * self.rate), now
        state.strikes = max(0, min(state.strikes, 16))
        self._strikes_seen = state.strikes

    # --- tokens -------------------------------------------------------------------------------

    def try_take(self) -> float:
        """Take a token if one is there and no 429 holds requests back: 0.0. Otherwise nothing is
        taken and the answer is the seconds to wait before asking again."""
        now = self.clock()

        def take(state: _State) -> float:
            if state.blocked_until > now:
                return state.blocked_until - now
            if state.tokens >= 1.0 - _ROUNDING:
                state.tokens = max(0.0, state.tokens - 1.0)
                return 0.0
            return (1.0 - state.tokens) / self.rate

        return self._transact(take)

    async def take(self) -> None:
        """Wait until a token is free (and any shared 429 wait is over), then take it. For every
        request, sends included: a send waits its turn, it is never dropped."""
        while (wait := self.try_take()) > 0:
            await self.sleep(min(max(wait, MIN_WAIT_S), MAX_BLOCK_S))

    def poll_wait(self, reserve: float = POLL_RESERVE) -> float:
        """Seconds before a background poll should start: 0.0 now; while a 429 holds everyone
        back, or while fewer than `reserve` tokens would be left after it, not yet."""
        now = self.clock()

        def check(state: _State) -> float:
            if state.blocked_until > now:
                return state.blocked_until - now
            short = 1.0 + reserve - state.tokens
            return 0.0 if short <= _ROUNDING else short / self.rate

        return self._transact(check)

    # --- 429s -------------------------------------------------------------------------------

    def blocked_for(self) -> float:
        """Seconds left of a wait a 429 imposed on every process (0.0: none)."""
        now = self.clock()
        return self._transact(lambda state: max(0.0, state.blocked_until - now))

    def rate_limited(self, retry_after: float | None) -> float:
        """Record a 429: no process sends anything for `retry_after` seconds (or, untold, 2, 4, 8…
        seconds for consecutive ones). Returns the seconds every process now waits."""
        now = self.clock()

        def block(state: _State) -> float:
            state.strikes += 1
            wait = retry_after if retry_after is not None else min(MAX_UNTOLD_BLOCK_S, 2.0**state.strikes)
            wait = min(max(wait, 0.0), MAX_BLOCK_S)
            state.blocked_until = max(state.blocked_until, now + wait)
            # After the wait, start slowly: an empty bucket that fills from the wait's end.
            state.tokens, state.refilled_at = 0.0, state.blocked_until
            return state.blocked_until - now

        return self._transact(block)

    def answered(self) -> None:
        """A request got an answer that was not a 429: the count of consecutive 429s starts over."""
        if self._strikes_seen:

            def clear(state: _State) -> None:
                state.strikes = 0

            self._transact(clear)

    # --- sharing the results of polls ----------------------------------------------------------

    def claim_poll(self, key: str, interval: float) -> float:
        """Whether to make the poll `key` now: 0.0, recorded as made now for every process; or the
        seconds since another process made it, less than `interval` ago (then skip it: the store
        they share has its result)."""
        now = self.clock()

        def claim(state: _State) -> float:
            last = _finite(state.polls.get(key, -math.inf), -math.inf)
            if last > now:  # a clock that jumped back, or a damaged file: poll
                last = -math.inf
            if now - last < interval:
                return max(now - last, 1e-9)
            state.polls[key] = now
            return 0.0

        return self._transact(claim, poll_key=key)

    def record_poll(self, key: str) -> None:
        """Say that the poll `key` was made now (one the user asked for, made without a claim)."""
        now = self.clock()

        def record(state: _State) -> None:
            state.polls[key] = now

        self._transact(record, poll_key=key)
