import pytest_asyncio

from sakari_tui.api import SakariClient
from sakari_tui.store import Store
from sakari_tui.sync import InboxEngine


@pytest_asyncio.fixture
async def engine(server):
    client = SakariClient(
        account_id=server.account_id, client_id=server.client_id, client_secret=server.client_secret,
        api_url=server.base_url, token_url=server.token_url,
    )
    store = Store(":memory:")
    events = []
    engine = InboxEngine(client, store, listener=events.append)
    engine.events = events
    yield engine
    await client.aclose()
    store.close()
