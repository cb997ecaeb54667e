"""A client of the demo simulator on 127.0.0.1 (the `server` fixture of tests/conftest.py)."""

from __future__ import annotations

import pytest_asyncio

from sakari_tui.api import SakariClient


@pytest_asyncio.fixture
async def client(server):
    client = SakariClient(**server.credentials(), timeout=5.0)  # a hung call fails fast here
    yield client
    await client.aclose()
