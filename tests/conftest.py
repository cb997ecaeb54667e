"""Shared fixtures: every test runs away from the real home directory and environment."""

from __future__ import annotations

import time

import pytest
import pytest_asyncio

from sakari_tui.api import SakariClient
from sakari_tui.simulator import ManualClock, SimulatorServer
from sakari_tui.store import Store
from sakari_tui.sync import InboxEngine

from .support.disk import tiny_disk  # noqa: F401  (a fixture, for every test)
from .support.suite_record import register as register_suite_record

SAKARI_ENV = (
    "SAKARI_ACCOUNT_ID",
    "SAKARI_CLIENT_ID",
    "SAKARI_CLIENT_SECRET",
    "SAKARI_API_URL",
    "SAKARI_TOKEN_URL",
)


PROXY_ENV = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")


@pytest.fixture(autouse=True)
def isolated_paths(tmp_path, monkeypatch):
    """Point config, data and logs at tmp_path; drop real credentials and proxies from the environment.

    httpx honours proxy variables, and loopback traffic to the simulator must never go anywhere else.
    """
    for name in SAKARI_ENV + PROXY_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost,::1")
    monkeypatch.setenv("SAKARI_TUI_CONFIG", str(tmp_path / "config" / "config.toml"))
    monkeypatch.setenv("SAKARI_TUI_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("SAKARI_TUI_LOGS", str(tmp_path / "logs"))
    return tmp_path


@pytest.fixture
def sim_clock():
    """A simulator clock that starts at the real time (so token expiry agrees with the client's) and moves by hand."""
    return ManualClock(start=time.time())


@pytest.fixture
def server(sim_clock):
    """The demo account on a loopback socket, customers off, time under the test's control."""
    with SimulatorServer(seed=1, clock=sim_clock, customers=False) as running:
        yield running


@pytest_asyncio.fixture
async def client(server):
    """A client of the simulator on 127.0.0.1."""
    client = SakariClient(**server.credentials())
    yield client
    await client.aclose()


@pytest_asyncio.fixture
async def engine(server):
    """An engine over a fresh in-memory store and the simulator; its events collect in `engine.events`."""
    client = SakariClient(
        account_id=server.account_id,
        client_id=server.client_id,
        client_secret=server.client_secret,
        api_url=server.base_url,
        token_url=server.token_url,
    )
    store = Store(":memory:")
    events = []
    engine = InboxEngine(client, store, listener=events.append)
    engine.events = events
    yield engine
    await client.aclose()
    store.close()


def pytest_configure(config):
    register_suite_record(config)  # `make test` records the run's timing for `make bench`
