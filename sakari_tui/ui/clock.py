"""Wall-clock time for the screen, injectable so screenshots and tests are deterministic."""

from __future__ import annotations

from datetime import datetime, timezone


class WallClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class FrozenClock:
    """Always the same moment (for snapshots and the screenshot script)."""

    def __init__(self, at: datetime) -> None:
        self.at = at if at.tzinfo else at.replace(tzinfo=timezone.utc)

    def now(self) -> datetime:
        return self.at
