"""Issue 10, point 11: a conversation walk that cannot end is ended, and nothing waits behind it."""

import asyncio

from sakari_tui.api import Conversation, Page, Pagination
from sakari_tui.sync import Connection, Poller
from sakari_tui.sync.engine import MAX_SYNC_PAGES


def endless(engine, monkeypatch, *, same_page: bool):
    """Every page says there is more; `same_page`: the offset is ignored (the same page each time)."""
    calls = []

    async def fetch(*, offset=None, limit=None):
        calls.append(offset)
        start = 0 if same_page else offset
        items = [Conversation(id=f"c{start + i}") for i in range(limit)]
        return Page[Conversation](
            items=items, pagination=Pagination(offset=start, has_next=True, total_count=10**18), requested_offset=offset
        )

    monkeypatch.setattr(engine.client, "fetch_all_conversations", fetch)
    return calls


async def test_a_server_that_ignores_the_offset_is_walked_once(server, engine, monkeypatch):
    calls = endless(engine, monkeypatch, same_page=True)
    await engine.sync_conversations()
    assert len(calls) == 2 and "same conversations again" in engine.sync_problem


async def test_endless_pages_stop_at_the_cap(server, engine, monkeypatch):
    calls = endless(engine, monkeypatch, same_page=False)
    engine.page_size = 1
    await engine.sync_conversations()
    assert len(calls) == MAX_SYNC_PAGES and "Stopped after 2,000 pages" in engine.sync_problem


async def test_the_status_line_says_the_list_may_be_incomplete(server, engine, monkeypatch):
    endless(engine, monkeypatch, same_page=True)
    poller = Poller(engine, clock=lambda: 0.0)
    await poller.cycle()
    assert poller.status.connection is Connection.ONLINE and "may be incomplete" in poller.status.message


async def test_the_outbox_and_the_open_thread_do_not_wait_behind_a_stuck_sync(server, engine, monkeypatch):
    await engine.sync_conversations()
    row = next(r for r in engine.store.inbox.rows() if not r.opted_out and not r.closed)
    stuck = asyncio.Event()

    async def never_answers(**kwargs):
        stuck.set()
        await asyncio.Event().wait()

    monkeypatch.setattr(engine.client, "fetch_all_conversations", never_answers)
    threads = []
    real_thread = engine.sync_thread

    async def counting_thread(conversation_id):
        threads.append(conversation_id)
        return await real_thread(conversation_id)

    monkeypatch.setattr(engine, "sync_thread", counting_thread)
    entry = engine.queue_reply(row.id, "goes while the list is stuck")
    poller = Poller(engine, interval=0.05, thread_interval=0.05, open_conversation=lambda: row.id)
    task = asyncio.create_task(poller.run())
    try:
        async with asyncio.timeout(10):
            await stuck.wait()
            while engine.store.outbox.get(entry.local_id) is not None or not threads:
                await asyncio.sleep(0.02)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert threads and threads[0] == row.id
    assert any(m.text == "goes while the list is stuck" for m in server.state.messages.values())


async def test_the_template_picker_gets_what_is_there_when_pages_never_end(server, engine, monkeypatch):
    from sakari_tui.api import Template

    async def fetch_all_templates(*, offset=None, limit=None, **filters):
        items = [Template(id=f"t{offset + i}", name=f"T{offset + i}", template="Hi") for i in range(limit)]
        return Page[Template](items=items, pagination=Pagination(offset=offset, has_next=True), requested_offset=offset)

    monkeypatch.setattr(engine.client, "fetch_all_templates", fetch_all_templates)
    templates = await engine.templates()
    assert len(templates) == 1000 and "1,000 templates" in engine.templates_note
