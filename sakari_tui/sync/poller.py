"""The polling loops: conversations every `interval`, the open thread more often, the outbox
whenever a reply comes due, each with its own backoff; both polls slower while nobody is at the
inbox (`cadence.py`), and shared with the other sakari-tui processes of the account
(`shared_polls.py`).

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
import math
import random
import time
from collections.abc import Awaitable, Callable

from ..api import ApiSlow, AuthError, RateLimited, SakariError
from ..store import StoreDamaged, StoreError
from .backoff import backoff_delay
from .cadence import DEFAULT_IDLE_AFTER_S, DEFAULT_IDLE_INTERVAL_S, DEFAULT_UNFOCUSED_INTERVAL_S, Cadence
from .engine import InboxEngine
from .events import Connection, SyncStatusChanged
from .shared_polls import SHARED_WAIT, SharedPolls

log = logging.getLogger(__name__)

# Even when nothing changes, walk the whole list now and then to see changes deep in it.
FULL_RESYNC_EVERY_S = 15 * 60.0
# The outbox is looked at this often for replies whose (re)try or check has come due.
OUTBOX_EVERY_S = 1.0


class _StoreFailed(SakariError):
    """A poll whose answer could not be written to the local store."""


class _Due:
    """When one poll is due: an interval after the last one, not before a failure's retry time,
    at once when the user asked (`force`)."""

    def __init__(self) -> None:
        self.last = -math.inf
        self.retry_at = 0.0
        self.forced = False

    def force(self) -> None:
        self.forced = True
        self.retry_at = 0.0

    def take_force(self) -> bool:
        forced, self.forced = self.forced, False
        return forced

    def wait(self, now: float, interval: float) -> float:
        if self.forced:
            return 0.0
        return max(0.0, max(self.last + interval, self.retry_at) - now)


class Poller:
    def __init__(
        self,
        engine: InboxEngine,
        *,
        interval: float = 5.0,
        thread_interval: float = 2.0,
        unfocused_interval: float = DEFAULT_UNFOCUSED_INTERVAL_S,
        idle_interval: float = DEFAULT_IDLE_INTERVAL_S,
        idle_after: float = DEFAULT_IDLE_AFTER_S,
        open_conversation: Callable[[], str | None] = lambda: None,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        self.engine = engine
        self.cadence = Cadence(interval, thread_interval, unfocused_interval, idle_interval, idle_after, clock)
        self.open_conversation = open_conversation
        self.clock = clock
        self.rng = rng or random.Random()
        self.failures = 0
        self.last_success: float | None = None
        self.status = SyncStatusChanged(Connection.CONNECTING, None)
        self._wake = asyncio.Event()
        self._list = _Due()
        self._thread = _Due()
        self._thread_failures = 0
        self.store_damaged: StoreDamaged | None = None
        self._next_full = clock() + FULL_RESYNC_EVERY_S
        self.shared = SharedPolls(getattr(engine.client, "budget", None), engine.store)

    @property
    def interval(self) -> float:
        """Seconds between checks of the list at the normal pace."""
        return self.cadence.interval

    @property
    def thread_interval(self) -> float:
        """Seconds between checks of the open thread at the normal pace."""
        return self.cadence.thread_interval

    def wake(self) -> None:
        """Poll now instead of at the next tick."""
        self._list.force()
        self._thread.force()
        self._wake.set()

    def set_focused(self, focused: bool) -> None:
        """The terminal gained or lost focus (the app forwards Textual's AppFocus/AppBlur)."""
        if self.cadence.set_focused(focused):
            self._wake.set()  # the loops look again: a list the slow pace left stale is polled now

    def user_active(self) -> None:
        """A key or the mouse (the app forwards every input event; this must stay cheap)."""
        if self.cadence.touch():
            self._wake.set()

    def _set_status(self, status: SyncStatusChanged) -> None:
        self.status = status
        self.engine.emit(status)

    # --- one step of each loop -----------------------------------------------------------------

    async def poll_conversations(self) -> float:
        """Sync the list if due; returns seconds until it is due again."""
        now = self.clock()
        interval = self.cadence.list_interval(now)
        wait = self._list.wait(now, interval)
        if wait > 0:
            return wait
        full = now >= self._next_full
        forced = self._list.take_force() or full or not self.engine.walked_once
        wait = self._shared_turn("list", interval, forced, self._list, now)
        if wait > 0:
            return wait
        error = await self._guarded(lambda: self.engine.sync_conversations(full=full))
        if error is not None:
            delay = self._failed(error)
            self._list.retry_at = self.clock() + delay
            return delay
        if full:
            self._next_full = now + FULL_RESYNC_EVERY_S
        self._list.last = now
        self.failures = 0
        self.last_success = self.clock()
        self._set_status(
            SyncStatusChanged(Connection.ONLINE, self.last_success, message=self.engine.sync_problem or "")
        )
        return interval

    async def poll_thread(self) -> float:
        """Sync the open conversation's newest messages if due; returns seconds until due again."""
        open_id = self.open_conversation()
        now = self.clock()
        interval = self.cadence.thread_interval_now(now)
        if not open_id:
            return interval
        wait = self._thread.wait(now, interval)
        if wait > 0:
            return wait
        wait = self._shared_turn(f"thread {open_id}", interval, self._thread.take_force(), self._thread, now)
        if wait > 0:
            return wait
        error = await self._guarded(lambda: self.engine.sync_thread(open_id))
        if error is not None:
            # The list's loop reports the connection; this one only keeps out of its way.
            self._thread_failures += 1
            delay = max(interval, backoff_delay(self._thread_failures, self.rng))
            self._thread.retry_at = self.clock() + delay
        else:
            self._thread_failures = 0
            delay = interval
            self._thread.last = self.clock()
        return delay

    def _shared_turn(self, poll: str, interval: float, forced: bool, due: _Due, now: float) -> float:
        """0.0 to poll now, else seconds to wait: a 429 holds every process back, the shared budget
        is short, or another process on this store made this poll less than `interval` ago."""
        turn = self.shared.turn(poll, interval, forced=forced)
        if turn.blocked:
            retry_at = now + turn.wait
            self._list.retry_at = max(self._list.retry_at, retry_at)
            self._thread.retry_at = max(self._thread.retry_at, retry_at)
            if self.status.connection is not Connection.RATE_LIMITED or self.status.retry_at != retry_at:
                self._set_status(SyncStatusChanged(Connection.RATE_LIMITED, self.last_success, retry_at, SHARED_WAIT))
        elif turn.made_ago is not None:
            due.last = now - turn.made_ago  # its result is in the store we share
            if poll == "list" and self.status.connection is Connection.ONLINE:
                self.last_success = max(self.last_success or 0.0, due.last)
                self.status = SyncStatusChanged(Connection.ONLINE, self.last_success, message=self.status.message)
        elif turn.wait > 0:
            due.retry_at = now + turn.wait
        return turn.wait

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
        self._list.retry_at = self._thread.retry_at = retry_at
        self._set_status(SyncStatusChanged(connection, self.last_success, retry_at, error.message))
        return delay

    # --- running -------------------------------------------------------------------------------

    async def run_warmed(self) -> None:
        """`run`, after loading in a thread what the first request needs (the HTTP stack, the TLS
        context, the API validators): on the event loop that would freeze the keys for a quarter
        of a second after the first frame. Not the phone-number metadata: no request needs it,
        and the conversation list loads it in a thread of its own (30-45 ms the first request
        no longer waits for)."""
        await asyncio.to_thread(self.engine.client.prepare)
        gc.freeze()  # what the warm-up loaded lives as long as the process: keep it out of full collections
        await self.run()

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
