"""The polling loops: conversations every `interval`, the open thread more often, the outbox
whenever a reply comes due, each with its own backoff.

They run side by side (`run`): a conversation sync that is slow or long (a big account, a
server that pages badly) never holds up the open thread or a reply waiting to go. On a failure
a loop backs off (full-jitter exponential, honouring Retry-After) and the status reports offline /
rate-limited / slow; it recovers by itself when the API answers again. `wake()` makes the next
round start now (the user pressed refresh). `cycle()` runs one round of all three in order, for
tests and scripts.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import random
import time
from collections.abc import Awaitable, Callable

from ..api import ApiSlow, AuthError, RateLimited, SakariError
from ..store import StoreDamaged, StoreError
from .backoff import backoff_delay
from .engine import InboxEngine
from .events import Connection, SyncStatusChanged

log = logging.getLogger(__name__)

# Even when nothing changes, walk the whole list now and then to see changes deep in it.
FULL_RESYNC_EVERY_S = 15 * 60.0
# The outbox is looked at this often for replies whose (re)try or check has come due.
OUTBOX_EVERY_S = 1.0


class _StoreFailed(SakariError):
    """A poll whose answer could not be written to the local store."""


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
        self._thread_failures = 0
        self.store_damaged: StoreDamaged | None = None
        self._next_full = clock() + FULL_RESYNC_EVERY_S

    def wake(self) -> None:
        """Poll now instead of at the next tick."""
        self._next_conversations = self._next_thread = 0.0
        self._wake.set()

    def _set_status(self, status: SyncStatusChanged) -> None:
        self.status = status
        self.engine.emit(status)

    # --- one step of each loop -----------------------------------------------------------------

    async def poll_conversations(self) -> float:
        """Sync the list if due; returns seconds until it is due again."""
        now = self.clock()
        if now < self._next_conversations:
            return self._next_conversations - now
        full = now >= self._next_full
        error = await self._guarded(lambda: self.engine.sync_conversations(full=full))
        if error is not None:
            delay = self._failed(error)
            self._next_conversations = self.clock() + delay
            return delay
        if full:
            self._next_full = now + FULL_RESYNC_EVERY_S
        self._next_conversations = now + self.interval
        self.failures = 0
        self.last_success = self.clock()
        self._set_status(
            SyncStatusChanged(Connection.ONLINE, self.last_success, message=self.engine.sync_problem or "")
        )
        return self.interval

    async def poll_thread(self) -> float:
        """Sync the open conversation's newest messages if due; returns seconds until due again."""
        open_id = self.open_conversation()
        now = self.clock()
        if not open_id:
            return self.thread_interval
        if now < self._next_thread:
            return self._next_thread - now
        error = await self._guarded(lambda: self.engine.sync_thread(open_id))
        if error is not None:
            # The list's loop reports the connection; this one only keeps out of its way.
            self._thread_failures += 1
            delay = max(self.thread_interval, backoff_delay(self._thread_failures, self.rng))
        else:
            self._thread_failures = 0
            delay = self.thread_interval
        self._next_thread = self.clock() + delay
        return delay

    async def send_due(self) -> float:
        """Send the replies whose (re)try or check has come due."""
        await self._guarded(self.engine.retry_due)
        return OUTBOX_EVERY_S

    async def cycle(self) -> float:
        """One round of due polls (list, open thread, outbox); returns seconds until the next."""
        delay = await self.poll_conversations()
        if self.status.connection is Connection.ONLINE:
            delay = min(delay, await self.poll_thread())
            await self.send_due()
        return max(0.05, delay)

    # --- failures ------------------------------------------------------------------------------

    async def _guarded(self, call: Callable[[], Awaitable[object]]) -> SakariError | None:
        try:
            await call()
        except SakariError as error:
            return error
        except StoreError as error:  # e.g. the disk is full: what was fetched could not be kept
            if isinstance(error, StoreDamaged):
                self.store_damaged = error  # no point going on: the app stops and offers a fresh store
            return _StoreFailed(str(error))
        except Exception as error:  # a bug must not stop the inbox from updating: log it, retry later
            log.exception("polling failed")
            return SakariError(f"Updating failed unexpectedly ({type(error).__name__}); see the log.")
        return None

    def _failed(self, error: SakariError) -> float:
        if isinstance(error, _StoreFailed):
            connection = Connection.STORE_FAILED
        elif isinstance(error, RateLimited):
            connection = Connection.RATE_LIMITED
        elif isinstance(error, AuthError):
            connection = Connection.AUTH_FAILED
        elif isinstance(error, ApiSlow):
            connection = Connection.SLOW
        else:
            connection = Connection.OFFLINE
        self.failures += 1
        delay = backoff_delay(self.failures, self.rng)
        if isinstance(error, RateLimited) and error.retry_after is not None:
            delay = max(delay, error.retry_after)
        if connection is Connection.AUTH_FAILED:
            delay = max(delay, 30.0)  # bad credentials will not fix themselves quickly
        retry_at = self.clock() + delay
        self._next_conversations = self._next_thread = retry_at
        self._set_status(SyncStatusChanged(connection, self.last_success, retry_at, error.message))
        return delay

    # --- running -------------------------------------------------------------------------------

    async def run_warmed(self) -> None:
        """`run`, after loading in a thread what the first request needs (the HTTP stack, the TLS
        context, the API validators, the phone-number metadata): on the event loop that would
        freeze the keys for a quarter of a second after the first frame."""
        await asyncio.to_thread(self._warm_up)
        gc.freeze()  # what the warm-up loaded lives as long as the process: keep it out of full collections
        await self.run()

    def _warm_up(self) -> None:
        import phonenumbers  # noqa: F401

        self.engine.client.prepare()

    async def run(self) -> None:
        """Poll until cancelled: the three loops side by side."""
        async with asyncio.TaskGroup() as loops:
            loops.create_task(self._loop(self.poll_conversations))
            loops.create_task(self._loop(self.poll_thread))
            loops.create_task(self._loop(self.send_due))

    async def _loop(self, step: Callable[[], Awaitable[float]]) -> None:
        while True:
            delay = await step()
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=max(0.05, delay))
            except TimeoutError:
                pass
            else:
                await asyncio.sleep(0)  # let every loop see the wake-up before it is cleared
                self._wake.clear()
