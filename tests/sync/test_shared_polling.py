"""Several sakari-tui processes on one data folder: a 429 any of them met holds all of them back
(sends included: they wait, they are not dropped), and a poll one made a moment ago on the shared
store is not made again by the others."""

import random

import pytest
import pytest_asyncio

from sakari_tui.api import RateLimited, SakariClient
from sakari_tui.api.budget import RequestBudget, budget_file
from sakari_tui.store import Store
from sakari_tui.sync import Connection, InboxEngine, Poller
from sakari_tui.sync.shared_polls import SHARED_WAIT

LIST = "GET /v1/accounts/{accountId}/conversations"
MESSAGES = "GET /v1/accounts/{accountId}/messages"


class Clocks:
    """One hand-moved time for the budgets (wall clock) and the pollers (monotonic)."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    slept: list[float]


@pytest.fixture
def clocks():
    clocks = Clocks()
    clocks.slept = []
    return clocks


@pytest_asyncio.fixture
async def instances(server, tmp_path, clocks):
    """Returns a factory of engines like separate processes: each its own client, budget object
    and store connection, all on one data folder and one store file."""
    made = []

    def make():
        budget = RequestBudget(
            budget_file(tmp_path / "data", server.account_id), per_minute=600, clock=clocks, sleep=clocks.sleep
        )
        client = SakariClient(**server.credentials(), budget=budget)
        store = Store(tmp_path / "data" / "inbox.sqlite3")
        engine = InboxEngine(client, store)
        made.append((client, store))
        return engine

    yield make
    for client, store in made:
        await client.aclose()
        store.close()


def poller(engine, clocks, **options):
    return Poller(engine, interval=5, thread_interval=2, clock=clocks, rng=random.Random(1), **options)


async def test_a_429_met_by_one_engine_makes_another_on_the_folder_wait(server, instances, clocks):
    first, second = instances(), instances()
    await first.sync_conversations()
    server.state.set_rate_limit(0.01, burst=1)
    await first.client.fetch_all_conversations(limit=1)  # takes the simulator's last token
    with pytest.raises(RateLimited):
        await first.client.fetch_all_conversations(limit=1)  # 429, Retry-After 100 s: past the read retry's cap
    server.state.reset_request_counts()
    polls = poller(second, clocks)
    wait = await polls.poll_conversations()
    assert 90 <= wait <= 100
    assert polls.status.connection is Connection.RATE_LIMITED and polls.status.message == SHARED_WAIT
    assert polls.status.retry_at == pytest.approx(clocks.now + wait)
    assert server.state.request_counts() == {}  # it did not ask Sakari at all


async def test_a_send_during_a_shared_429_waits_and_goes_exactly_once(server, instances, clocks):
    first, second = instances(), instances()
    await first.sync_conversations()
    conversation_id = first.store.inbox.rows()[0].id
    first.client.budget.rate_limited(45.0)  # as if its last request met a 429
    server.state.reset_request_counts()
    message = await second.reply(conversation_id, "Thanks, on its way")
    assert message is not None
    assert sum(clocks.slept) >= 45.0  # waited its turn first
    assert server.state.request_counts().get("POST /v1/accounts/{accountId}/messages") == 1
    assert second.store.outbox.all() == []  # sent and adopted: nothing left waiting


async def test_a_poll_another_engine_just_made_on_the_shared_store_is_skipped(server, instances, clocks):
    engines = [instances() for _ in range(3)]
    pollers = [poller(engine, clocks) for engine in engines]
    for each in pollers:
        await each.poll_conversations()  # each session's first walk goes, whoever made one
    clocks.now += 5
    server.state.reset_request_counts()
    waits = [await each.poll_conversations() for each in pollers]
    assert server.state.request_counts().get(LIST) == 1
    assert waits == pytest.approx([5, 5, 5])
    assert all(each.status.connection is Connection.ONLINE for each in pollers)


async def test_three_engines_with_one_thread_open_poll_it_about_as_often_as_one(server, instances, clocks):
    engines = [instances() for _ in range(3)]
    await engines[0].sync_conversations()
    open_id = engines[0].store.inbox.rows()[0].id
    pollers = [poller(engine, clocks, open_conversation=lambda: open_id) for engine in engines]
    for each in pollers:
        await each.poll_conversations()
    server.state.reset_request_counts()
    for _ in range(10):  # 20 s in steps of 2
        for each in pollers:
            await each.poll_thread()
        clocks.now += 2
    assert server.state.request_counts().get(MESSAGES) == 10


async def test_a_refresh_the_user_asks_for_goes_even_if_another_engine_just_polled(server, instances, clocks):
    first, second = (poller(instances(), clocks) for _ in range(2))
    await first.poll_conversations()
    await second.poll_conversations()
    clocks.now += 1
    server.state.reset_request_counts()
    second.wake()
    await second.poll_conversations()
    assert server.state.request_counts().get(LIST) == 1
