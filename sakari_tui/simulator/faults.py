"""Fault injection and request counting, for client resilience tests and benchmarks.

Faults are drawn from their own seeded RNG so a test run is repeatable and never disturbs the
demo data or delivery outcomes. The after-commit faults only hit writes (POST, PUT, PATCH,
DELETE) that succeeded: a read or a refused write has nothing committed to be ambiguous about.
The injector also counts the faults that really fired, so a soak can report what it survived.
"""

from __future__ import annotations

import math
import random
import threading
from collections import Counter
from dataclasses import asdict, dataclass, field, fields, replace
from enum import Enum

_WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_RATES = (
    "error_rate",
    "error_after_commit_rate",
    "drop_after_commit_rate",
    "commit_delay_rate",
    "garbage_after_commit_rate",
)
# Far beyond any real skew, and well inside the years datetime can show either side of now.
MAX_CLOCK_OFFSET_S = 10 * 365 * 86400.0


class GarbageBody(str, Enum):
    """The odd 200 answers a committed write can get (`garbage_after_commit_rate`)."""

    EMPTY_DATA = "empty-data"
    """`{"success":true,"data":{}}`"""
    NO_DATA = "no-data"
    """`{"success":true}`"""
    HTML = "html"
    """A proxy's or load balancer's HTML page."""
    EMPTY = "empty"
    """No body at all."""
    TRUNCATED = "truncated"
    """The real JSON answer cut in half."""


class FiredFault(str, Enum):
    """The kinds of fault the injector counts when they really change an answer."""

    LATENCY = "latency"
    ERROR_BEFORE = "error_before"
    COMMIT_DELAY = "commit_delay"
    ERROR_AFTER_COMMIT = "error_after_commit"
    DROP_AFTER_COMMIT = "drop_after_commit"
    GARBAGE_AFTER_COMMIT = "garbage_after_commit"


@dataclass(frozen=True)
class FaultSettings:
    """What goes wrong, and how often. All rates are fractions 0..1 of matching requests."""

    latency: float = 0.0
    """Seconds added before every matching request is handled."""
    error_rate: float = 0.0
    """Answer 500 or 503 before anything is read or written."""
    error_after_commit_rate: float = 0.0
    """Commit a successful write, then answer 500 as if it had failed."""
    drop_after_commit_rate: float = 0.0
    """Commit a successful write, then drop the connection mid-response."""
    commit_delay: float = 0.0
    """Seconds a write hit by `commit_delay_rate` waits before it commits (then it answers as usual).

    A client whose timeout is shorter gives up while the server still saves the write later,
    as Sakari does when it commits after the client's timeout."""
    commit_delay_rate: float = 0.0
    """Share of writes held for `commit_delay` seconds before they commit."""
    garbage_after_commit_rate: float = 0.0
    """Commit a successful write, then answer 200 with an odd body (see `GarbageBody`)."""
    clock_offset: float = 0.0
    """Seconds the account's times (records, the `Date` header) run ahead of (+) or behind (-)
    the simulator's clock, like a server whose clock is off. Token lifetimes and the rate limit
    keep the clock itself: they measure durations."""
    operations: tuple[str, ...] | None = None
    """Only requests to these operations ("POST /v1/accounts/{accountId}/messages") are hit; None = all."""

    def __post_init__(self) -> None:
        for name in (*_RATES, "latency", "commit_delay", "clock_offset"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise ValueError(f"{name} must be a finite number, not {value!r}")
        for name in _RATES:
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, not {value}")
        for name in ("latency", "commit_delay"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")
        if abs(self.clock_offset) > MAX_CLOCK_OFFSET_S:
            raise ValueError(f"clock_offset must be within ±{MAX_CLOCK_OFFSET_S:.0f} seconds")
        if self.operations is not None:
            object.__setattr__(self, "operations", tuple(self.operations))

    def to_json(self) -> dict:
        """The settings as a JSON-ready dict."""
        data = asdict(self)
        data["operations"] = list(self.operations) if self.operations is not None else None
        return data


FAULT_FIELDS = frozenset(f.name for f in fields(FaultSettings))


@dataclass(frozen=True)
class FaultDecision:
    """The faults drawn for one request."""

    latency: float = 0.0
    fail_before: int | None = None
    fail_after_commit: bool = False
    drop_after_commit: bool = False
    commit_delay: float = 0.0
    garbage: GarbageBody | None = None

    @property
    def any_after_commit(self) -> bool:
        """Some fault may replace the answer of a committed write."""
        return self.fail_after_commit or self.drop_after_commit or self.garbage is not None


@dataclass
class FaultInjector:
    """Draws faults per request from the current settings; settings can change from any thread."""

    settings: FaultSettings = field(default_factory=FaultSettings)
    seed: int = 1

    def __post_init__(self) -> None:
        self._rng = random.Random(f"faults-{self.seed}")
        self._lock = threading.Lock()
        self._fired: Counter[tuple[FiredFault, str]] = Counter()

    def update(self, **changes: object) -> FaultSettings:
        """Change some settings (validated) and return the new settings."""
        unknown = set(changes) - FAULT_FIELDS
        if unknown:
            raise ValueError(f"unknown fault setting(s): {', '.join(sorted(unknown))}")
        with self._lock:
            self.settings = replace(self.settings, **changes)
            return self.settings

    def reset(self) -> None:
        """Turn every fault off."""
        with self._lock:
            self.settings = FaultSettings()

    def draw(self, operation: str, method: str) -> FaultDecision:
        """Decide the faults for one request to `operation` ("METHOD /path/template")."""
        with self._lock:
            settings = self.settings
            if settings.operations is not None and operation not in settings.operations:
                return FaultDecision()
            if not (settings.latency or any(getattr(settings, name) for name in _RATES)):
                return FaultDecision()
            # Always draw every number so one rate's setting does not shift another's sequence.
            before, after, drop, kind, delay, garbage, garbage_kind = (self._rng.random() for _ in range(7))
        is_write = method in _WRITE_METHODS
        kinds = tuple(GarbageBody)
        return FaultDecision(
            latency=settings.latency,
            fail_before=(503 if kind < 0.5 else 500) if before < settings.error_rate else None,
            fail_after_commit=is_write and after < settings.error_after_commit_rate,
            drop_after_commit=is_write and drop < settings.drop_after_commit_rate,
            commit_delay=settings.commit_delay if is_write and delay < settings.commit_delay_rate else 0.0,
            garbage=kinds[int(garbage_kind * len(kinds))]
            if is_write and garbage < settings.garbage_after_commit_rate
            else None,
        )

    @property
    def clock_offset(self) -> float:
        """The current `clock_offset` setting."""
        return self.settings.clock_offset

    def fired(self, kind: FiredFault, operation: str) -> None:
        """Count one fault that really changed how `operation` was answered."""
        with self._lock:
            self._fired[(kind, operation)] += 1

    def fired_counts(self) -> dict[str, dict[str, int]]:
        """Faults that fired so far: {kind: {operation: count}}."""
        with self._lock:
            counts: dict[str, dict[str, int]] = {}
            for (kind, operation), count in sorted(self._fired.items()):
                counts.setdefault(kind.value, {})[operation] = count
            return counts

    def reset_fired_counts(self) -> None:
        """Start counting fired faults from zero."""
        with self._lock:
            self._fired.clear()


class RequestCounter:
    """Requests per operation ("METHOD /path/template"), for benchmarks; thread-safe."""

    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def count(self, operation: str) -> None:
        """Record one request."""
        with self._lock:
            self._counts[operation] += 1

    def snapshot(self) -> dict[str, int]:
        """Counts so far, by operation."""
        with self._lock:
            return dict(self._counts)

    def reset(self) -> None:
        """Forget all counts."""
        with self._lock:
            self._counts.clear()
