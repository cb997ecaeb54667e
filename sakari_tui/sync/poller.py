"""The polling loop: conversations every `interval`, the open thread more often, with backoff.

On a failure it backs off (full-jitter exponential, honouring Retry-After) and reports
offline / rate-limited; it recovers by itself when the API answers again. `wake()` makes the
next cycle start now (the user pressed refresh).
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable

from ..api import ApiUnavailable, AuthError, RateLimited, SakariError
from .engine import InboxEngine
from .events import Connection, SyncStatusChanged

log = logging.getLogger(__name__)

MAX_BACKOFF_S = 60.0
BASE_BACKOFF_S = 1.0
# Even when nothing changes, walk the whole list now and then to see changes deep in it.
FULL_RESYNC_EVERY_S = 15 * 60.0


def backoff_delay(failures: int, rng: random.Random, *, base: float = BASE_BACKOFF_S, cap: float = MAX_BACKOFF_S) -> float:
    """Full-jitter exponential backoff: uniform in [base/2, min(cap, base * 2**failures)]."""
    ceiling = min(cap, base * (2 ** max(0, failures - 1)))
    return rng.uniform(min(base / 2, ceiling), ceiling)


class Poller:
    def __init__(
        self,
        engine: InboxEngine,
        *,
        interval: float = 5.0,
        thread_interval: float = 2.0,
        open_conversation: Callable[[], str | None] = lambda: None,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        self.engine = engine
        self.interval = interval
        self.thread_interval = min(thread_interval, interval)
        self.open_conversation = open_conversation
        self.clock = clock
        self.rng = rng or random.Random()
        self.failures = 0
        self.last_success: float | None = None
        self.status = SyncStatusChanged(Connection.CONNECTING, None)
        self._wake = asyncio.Event()
        self._next_conversations = 0.0
        self._next_thread = 0.0
        self._next_full = clock() + FULL_RESYNC_EVERY_S

    def wake(self) -> None:
        """Poll now instead of at the next tick."""
        self._next_conversations = self._next_thread = 0.0
        self._wake.set()

    def _set_status(self, status: SyncStatusChanged) -> None:
        self.status = status
        self.engine.emit(status)

    async def cycle(self) -> float:
        """One round of due polls; returns seconds until the next one is due."""
        now = self.clock()
        try:
            if now >= self._next_conversations:
                full = now >= self._next_full
                await self.engine.sync_conversations(full=full)
                if full:
                    self._next_full = now + FULL_RESYNC_EVERY_S
                self._next_conversations = now + self.interval
            open_id = self.open_conversation()
            if open_id and now >= self._next_thread:
                await self.engine.sync_thread(open_id)
                self._next_thread = now + self.thread_interval
        except RateLimited as error:
            return self._failed(Connection.RATE_LIMITED, error, error.retry_after)
        except AuthError as error:
            return self._failed(Connection.AUTH_FAILED, error, None)
        except ApiUnavailable as error:
            return self._failed(Connection.OFFLINE, error, None)
        except SakariError as error:
            return self._failed(Connection.OFFLINE, error, None)
        except Exception as error:  # a bug must not stop the inbox from updating: log it, retry later
            log.exception("poll cycle failed")
            return self._failed(Connection.OFFLINE, SakariError(f"Updating failed unexpectedly ({type(error).__name__}); see the log."), None)
        self.failures = 0
        self.last_success = self.clock()
        self._set_status(SyncStatusChanged(Connection.ONLINE, self.last_success))
        # Replies waiting for a retry or a check go only when the API is answering.
        await self.engine.retry_due()
        return max(0.05, min(self._next_conversations, self._next_thread if self.open_conversation() else float("inf")) - self.clock())

    def _failed(self, connection: Connection, error: SakariError, retry_after: float | None) -> float:
        self.failures += 1
        delay = backoff_delay(self.failures, self.rng)
        if retry_after is not None:
            delay = max(delay, retry_after)
        if connection is Connection.AUTH_FAILED:
            delay = max(delay, 30.0)  # bad credentials will not fix themselves quickly
        retry_at = self.clock() + delay
        self._next_conversations = self._next_thread = retry_at
        self._set_status(SyncStatusChanged(connection, self.last_success, retry_at, error.message))
        return delay

    async def run(self) -> None:
        """Poll until cancelled."""
        while True:
            delay = await self.cycle()
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=delay)
            except TimeoutError:
                pass
