"""Retrying reads: full-jitter exponential backoff, Retry-After honoured, one deadline per call.

Only reads (GET) are retried here: they change nothing, so repeating one is always safe.
Writes are never repeated by the client; the outbox decides what to do with a failed send.
"""

from __future__ import annotations

import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

from .errors import ApiUnavailable, RateLimited, SakariError

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 3
    """Tries in all, the first included."""
    base: float = 0.25
    """Seconds; the n-th retry waits up to base × 2ⁿ⁻¹ (full jitter)."""
    cap: float = 4.0
    """Longest wait between two tries, in seconds."""
    deadline: float = 10.0
    """No retry starts if it would end after this many seconds from the first try."""
    retry_after_cap: float = 30.0
    """A longer Retry-After than this is not waited for: the error goes to the caller."""
    rng: random.Random = field(default_factory=random.Random, compare=False)

    def delay(self, retry: int) -> float:
        return self.rng.uniform(0, min(self.cap, self.base * 2 ** (retry - 1)))


NO_RETRY = RetryPolicy(attempts=1)


def retryable(error: SakariError) -> bool:
    return isinstance(error, (ApiUnavailable, RateLimited))


async def with_retries(
    call: Callable[[], Awaitable[T]],
    policy: RetryPolicy,
    *,
    sleep: Callable[[float], Awaitable[None]],
    clock: Callable[[], float] = time.monotonic,
) -> T:
    """Run `call`, retrying connect errors, 5xx and 429 within the policy's limits."""
    started = clock()
    for attempt in range(1, policy.attempts + 1):
        try:
            return await call()
        except SakariError as error:
            if attempt == policy.attempts or not retryable(error):
                raise
            wait = policy.delay(attempt)
            if isinstance(error, RateLimited) and error.retry_after is not None:
                if error.retry_after > policy.retry_after_cap:
                    raise
                wait = max(wait, error.retry_after)
            if clock() - started + wait > policy.deadline:
                raise
            await sleep(wait)
    raise AssertionError("unreachable")  # the loop always returns or raises
