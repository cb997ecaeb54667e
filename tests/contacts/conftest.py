"""A client of the demo simulator on 127.0.0.1 (the `server` fixture of tests/conftest.py)."""

from __future__ import annotations

import pytest_asyncio

from sakari_tui.api import SakariClient


@pytest_asyncio.fixture
async def client(server):
    client = SakariClient(
        account_id=server.account_id,
        client_id=server.client_id,
        client_secret=server.client_secret,
        api_url=server.base_url,
        token_url=server.token_url,
        timeout=5.0,
    )
    yield client
    await client.aclose()
