"""A token bucket rate limiter driven by the simulator's clock (so tests can use a ManualClock)."""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

from .clock import Clock


@dataclass(frozen=True)
class RateLimitSettings:
    """`rate` requests per second sustained, bursts up to `burst`; rate None turns limiting off."""

    rate: float | None = None
    burst: int = 20

    def __post_init__(self) -> None:
        if self.rate is not None and self.rate <= 0:
            raise ValueError("rate must be positive (or None for no limit)")
        if self.burst < 1:
            raise ValueError("burst must be at least 1")


class TokenBucket:
    """One bucket for the whole simulated account (Sakari's limits are per account)."""

    def __init__(self, clock: Clock, settings: RateLimitSettings | None = None) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self.configure(settings or RateLimitSettings())

    @property
    def settings(self) -> RateLimitSettings:
        """The current limits."""
        return self._settings

    def configure(self, settings: RateLimitSettings) -> None:
        """Apply new limits, starting from a full bucket."""
        with self._lock:
            self._settings = settings
            self._tokens = float(settings.burst)
            self._updated = self._clock.now()

    def acquire(self) -> int | None:
        """Take one token; None if allowed, else whole seconds to wait before retrying (>= 1)."""
        with self._lock:
            rate = self._settings.rate
            if rate is None:
                return None
            now = self._clock.now()
            self._tokens = min(float(self._settings.burst), self._tokens + (now - self._updated) * rate)
            self._updated = now
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return None
            return max(1, math.ceil((1.0 - self._tokens) / rate))
