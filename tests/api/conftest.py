"""Fixtures for API tests: the simulator on a real loopback socket and a `SakariClient` talking to it.

Every test gets its own `SimulatorServer` (127.0.0.1, port 0) on a `ManualClock` that the client
shares, so token lifetimes, rate limits and message statuses move only when a test says so.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
import pytest_asyncio

from sakari_tui.api import SakariClient
from sakari_tui.simulator import ManualClock, SimulatorServer

from ..support.waiting import wait_until  # noqa: F401  (the API tests import it from here)


class RecordingTransport(httpx.AsyncBaseTransport):
    """A real HTTP transport that remembers (method, path, status) of every exchange."""

    def __init__(self) -> None:
        self._inner = httpx.AsyncHTTPTransport()
        self.exchanges: list[tuple[str, str, int]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._inner.handle_async_request(request)
        self.exchanges.append((request.method, request.url.path, response.status_code))
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()

    def statuses(self, path_suffix: str) -> list[int]:
        """Statuses of the exchanges whose path ends with `path_suffix`, in order."""
        return [status for _, path, status in self.exchanges if path.endswith(path_suffix)]


@pytest.fixture(scope="session")
def _server_stoppers() -> Iterator[list[threading.Thread]]:
    """uvicorn takes ~0.2 s to shut down; stop servers in the background and wait for them once."""
    threads: list[threading.Thread] = []
    yield threads
    for thread in threads:
        thread.join(15)


@pytest.fixture
def clock() -> ManualClock:
    """The time of both the simulator and the client."""
    return ManualClock()


@pytest.fixture
def make_server(
    clock: ManualClock, _server_stoppers: list[threading.Thread]
) -> Iterator[Callable[..., SimulatorServer]]:
    """Factory: `make_server(**SimulatorConfig overrides)` -> a started server on a free loopback port.

    Defaults: an empty account, no delivery failures, no simulated customers, the shared clock.
    """
    servers: list[SimulatorServer] = []

    def factory(**overrides: Any) -> SimulatorServer:
        settings = {"clock": clock, "demo_data": False, "failure_rate": 0.0, "customers": False, **overrides}
        server = SimulatorServer(host="127.0.0.1", port=0, **settings).start()
        servers.append(server)
        return server

    yield factory
    for server in servers:
        thread = threading.Thread(target=server.stop, name=f"stop-simulator-{server.port}", daemon=True)
        thread.start()
        _server_stoppers.append(thread)


@pytest.fixture
def server(make_server: Callable[..., SimulatorServer]) -> SimulatorServer:
    """An empty simulated account on 127.0.0.1."""
    return make_server()


@pytest.fixture
def demo_server(make_server: Callable[..., SimulatorServer]) -> SimulatorServer:
    """The deterministic demo account (seed 1): dozens of contacts and conversations, hundreds of messages."""
    return make_server(demo_data=True)


@pytest_asyncio.fixture
async def make_client(clock: ManualClock):
    """Factory: `make_client(server, **SakariClient overrides)`; every client is closed afterwards."""
    clients: list[SakariClient] = []

    def factory(server: SimulatorServer, **overrides: Any) -> SakariClient:
        settings: dict[str, Any] = {
            "account_id": server.account_id,
            "client_id": server.client_id,
            "client_secret": server.client_secret,
            "api_url": server.base_url,
            "token_url": server.token_url,
            "clock": clock.now,
            "timeout": 5.0,
            **overrides,
        }
        client = SakariClient(**settings)
        clients.append(client)
        return client

    yield factory
    for client in clients:
        await client.aclose()


@pytest_asyncio.fixture
async def client(make_client, server: SimulatorServer) -> SakariClient:
    """A client of the empty account."""
    return make_client(server)


@pytest_asyncio.fixture
async def demo_client(make_client, demo_server: SimulatorServer) -> SakariClient:
    """A client of the demo account."""
    return make_client(demo_server)
