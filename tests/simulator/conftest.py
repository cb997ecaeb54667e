"""Fixtures: a simulator app per test on a ManualClock, reached through httpx's ASGITransport."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable

import httpx
import pytest

from sakari_tui.simulator import ManualClock, SimulatorConfig, create_app
from sakari_tui.simulator.state import SimulatorState


class Sim:
    """One simulator app and an authenticated client for it."""

    def __init__(self, app, client: httpx.AsyncClient, clock: ManualClock) -> None:
        self.app = app
        self.client = client
        self.clock = clock
        self.state: SimulatorState = app.state.sim
        self.config = self.state.config
        self.access_token = ""

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}

    def url(self, suffix: str = "") -> str:
        """An account-scoped API path."""
        return f"/v1/accounts/{self.config.account_id}{suffix}"

    async def authenticate(self) -> None:
        response = await self.client.post(
            "/oauth2/token",
            json={
                "grant_type": "client_credentials",
                "client_id": self.config.client_id,
                "client_secret": self.config.client_secret,
            },
        )
        assert response.status_code == 200, response.text
        self.access_token = response.json()["access_token"]

    async def call(self, method: str, suffix: str, **kwargs) -> httpx.Response:
        """An authenticated request to an account-scoped path."""
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return await self.client.request(method, self.url(suffix), headers=headers, **kwargs)

    async def send(self, **body) -> httpx.Response:
        return await self.call("POST", "/messages", json=body)

    async def advance(self, seconds: float) -> None:
        """Move the manual clock and apply what became due."""
        self.clock.advance(seconds)
        self.state.advance()

    def inbound(self, number: str, text: str, **kwargs) -> str:
        return self.state.inject_inbound(number, text, **kwargs)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def make_sim(clock: ManualClock) -> AsyncIterator[Callable[..., object]]:
    """Factory: `await make_sim(**config_overrides)`; empty account, no delivery failures by default."""
    clients: list[httpx.AsyncClient] = []

    async def factory(*, authenticate: bool = True, **overrides) -> Sim:
        settings = {"clock": clock, "demo_data": False, "failure_rate": 0.0, **overrides}
        app = create_app(SimulatorConfig(**settings))
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sim.test")
        clients.append(client)
        sim = Sim(app, client, clock)
        if authenticate:
            await sim.authenticate()
        return sim

    yield factory
    for client in clients:
        await client.aclose()


@pytest.fixture
async def sim(make_sim) -> Sim:
    """An empty simulated account."""
    return await make_sim()


@pytest.fixture
async def demo(make_sim) -> Sim:
    """The demo account (seed 1)."""
    return await make_sim(demo_data=True)


def wait_until(predicate: Callable[[], bool], timeout: float = 5.0, interval: float = 0.01) -> None:
    """Poll `predicate` until true, failing after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(interval)
