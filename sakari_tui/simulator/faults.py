"""Fault injection and request counting, for client resilience tests and benchmarks.

Faults are drawn from their own seeded RNG so a test run is repeatable and never disturbs the
demo data or delivery outcomes. The after-commit faults only hit writes (POST, PUT, PATCH,
DELETE) that succeeded: a read or a refused write has nothing committed to be ambiguous about.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from dataclasses import asdict, dataclass, field, fields, replace

_WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


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
    operations: tuple[str, ...] | None = None
    """Only requests to these operations ("POST /v1/accounts/{accountId}/messages") are hit; None = all."""

    def __post_init__(self) -> None:
        for name in ("error_rate", "error_after_commit_rate", "drop_after_commit_rate"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, not {value}")
        if self.latency < 0:
            raise ValueError("latency must not be negative")
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


@dataclass
class FaultInjector:
    """Draws faults per request from the current settings; settings can change from any thread."""

    settings: FaultSettings = field(default_factory=FaultSettings)
    seed: int = 1

    def __post_init__(self) -> None:
        self._rng = random.Random(f"faults-{self.seed}")
        self._lock = threading.Lock()

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
            if not (settings.latency or settings.error_rate or settings.error_after_commit_rate
                    or settings.drop_after_commit_rate):
                return FaultDecision()
            # Always draw all three so one rate's setting does not shift another's sequence.
            before, after, drop, kind = (self._rng.random() for _ in range(4))
        is_write = method in _WRITE_METHODS
        return FaultDecision(
            latency=settings.latency,
            fail_before=(503 if kind < 0.5 else 500) if before < settings.error_rate else None,
            fail_after_commit=is_write and after < settings.error_after_commit_rate,
            drop_after_commit=is_write and drop < settings.drop_after_commit_rate,
        )


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
