"""A client made on first use: the inbox builds its engine before the first frame, but the
client (httpx, pydantic and every model behind it, ~0.2 s to import) is first needed by the
poller's warm-up, in a worker thread after that frame (issue 17)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .budget import RequestBudget
    from .client import SakariClient


class DeferredClient:
    """Stands for the `SakariClient` that `make` returns, made at the first use of any of its
    attributes (from whichever thread comes first; a second waits for the same client). Its
    `budget` (what the poller shares with the account's other processes) is there from the start."""

    def __init__(self, make: Callable[[], SakariClient], budget: RequestBudget) -> None:
        self.budget = budget
        self._make = make
        self._client: SakariClient | None = None
        self._lock = threading.Lock()

    @property
    def made(self) -> SakariClient:
        client = self._client
        if client is None:
            with self._lock:
                if self._client is None:
                    self._client = self._make()
                client = self._client
        return client

    @property
    def is_made(self) -> bool:
        return self._client is not None

    def __getattr__(self, name: str) -> Any:  # only what the proxy itself does not have
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.made, name)

    async def aclose(self) -> None:
        """Close the client if it was ever made (an app quit before its first request has none)."""
        if self._client is not None:
            await self._client.aclose()
