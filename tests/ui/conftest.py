"""Fixtures for UI tests: an app factory over a store synced from the simulator."""

from __future__ import annotations

import pytest

from sakari_tui.store import Store
from sakari_tui.sync import InboxEngine
from sakari_tui.ui.app import SakariApp, make_app

from ..support.factories import settings_for


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
