"""Fixtures for UI tests: a simulator, an engine with a pre-synced store, and an app factory."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest

from sakari_tui.config import SakariSection, Settings
from sakari_tui.simulator.server import SimulatorServer
from sakari_tui.store import Store
from sakari_tui.sync import InboxEngine
from sakari_tui.ui.app import SakariApp, make_app


async def wait_until(predicate: Callable[[], bool], pilot=None, timeout: float = 5.0) -> None:
    """Poll `predicate` (letting the app run) until it holds; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        if pilot is not None:
            await pilot.pause(0.02)
        else:
            await asyncio.sleep(0.02)


def settings_for(server: SimulatorServer, *, quiet_hours: bool = False, **ui) -> Settings:
    """Settings for the simulator. Quiet hours are off unless asked for: on the real clock, the
    demo contacts' nights would make sends ask first at some hours of the day and not at others."""
    settings = Settings(
        sakari=SakariSection(
            account_id=server.account_id, client_id=server.client_id, client_secret=server.client_secret,
            api_url=server.base_url, token_url=server.token_url,
        )
    )
    settings.compose.quiet_hours = quiet_hours
    for key, value in ui.items():
        setattr(settings.ui, key, value)
    return settings


@pytest.fixture
def build_app(server):
    """Returns an async factory: the app over a store already synced from the simulator."""
    stores: list[Store] = []

    async def build(*, poll: bool = False, sync: bool = True, store_path=":memory:", **kwargs) -> SakariApp:
        settings = kwargs.pop("settings", None) or settings_for(server, close_undo_seconds=kwargs.pop("undo", 0.0))
        client = settings.sakari.make_client()
        store = Store(store_path)
        stores.append(store)
        engine = InboxEngine(client, store)
        if sync:
            await engine.sync_conversations()
        return make_app(settings, engine, poll=poll, **kwargs)

    yield build
    for store in stores:
        store.close()
