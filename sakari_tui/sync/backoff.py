"""The one backoff policy of the sync layer: the poller after a failed poll, the outbox after a
send that certainly did not reach Sakari."""

from __future__ import annotations

import random

BASE_BACKOFF_S = 1.0
MAX_BACKOFF_S = 60.0


def backoff_delay(
    failures: int, rng: random.Random, *, base: float = BASE_BACKOFF_S, cap: float = MAX_BACKOFF_S
) -> float:
    """Full-jitter exponential backoff: uniform in [base/2, min(cap, base * 2**(failures-1))]."""
    ceiling = min(cap, base * (2 ** max(0, failures - 1)))
    return rng.uniform(min(base / 2, ceiling), ceiling)
