"""Fixtures for the hostile-text tests: a simulator seeded with the corpus and a hostile API.

The screen probes (`assert_screen_safe`, `screen_text`, ...) are in tests/support/screen.py.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import httpx
import pytest

from sakari_tui.simulator import ManualClock, SimulatorServer
from sakari_tui.store import Store
from sakari_tui.sync import InboxEngine
from sakari_tui.ui.app import SakariApp, make_app

from ..support.factories import settings_for
from .seed import seed


class HostileAPI(httpx.AsyncBaseTransport):
    """The real loopback transport, except that requests matching a rule get a hostile error.

    The error arrives the way Sakari sends one, `{"success": false, "error": {code, message}}`,
    so it goes through the client's own error parsing before the UI sees it.
    """

    def __init__(self) -> None:
        self._inner = httpx.AsyncHTTPTransport()
        self.rules: list[tuple[str, str, int, str]] = []

    def fail(self, method: str, path_fragment: str, message: str, status: int = 400) -> None:
        self.rules.append((method, path_fragment, status, message))

    def clear(self) -> None:
        self.rules.clear()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        for method, fragment, status, message in self.rules:
            if request.method == method and fragment in request.url.path:
                body = {"success": False, "error": {"code": "SIM-666", "message": message}}
                return httpx.Response(status, json=body, request=request)
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


@pytest.fixture(scope="module")
def hostile_server() -> Iterator[SimulatorServer]:
    """An account holding only the hostile corpus: contacts, inbound texts, media and templates.

    Shared by a module's tests (seeding takes a while): they read it, and the writes they
    provoke are refused on the way by `HostileAPI` or stay in each test's own store.
    """
    clock = ManualClock(start=time.time())
    with SimulatorServer(seed=1, clock=clock, customers=False, demo_data=False) as running:
        asyncio.run(seed(running))
        yield running


@pytest.fixture
def hostile_api() -> HostileAPI:
    return HostileAPI()


@pytest.fixture
def build_hostile_app(hostile_server, hostile_api):
    """An async factory: the real app over a store synced from the hostile account."""
    stores: list[Store] = []

    async def build(*, poll: bool = False) -> SakariApp:
        settings = settings_for(hostile_server, close_undo_seconds=0.0)
        store = Store(":memory:")
        stores.append(store)
        engine = InboxEngine(settings.sakari.make_client(transport=hostile_api), store)
        await engine.sync_conversations()
        return make_app(settings, engine, poll=poll)

    yield build
    for store in stores:
        store.close()
