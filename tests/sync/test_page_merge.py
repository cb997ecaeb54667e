"""A page of conversations is merged in one transaction: all of it or none of it, and found by search.

Each test runs on an in-memory store (pages written on the event loop, in chunks) and on a file
(pages written in a thread, on the store's page writer: store/page_writer.py)."""

from datetime import datetime, timedelta, timezone

import pytest
import pytest_asyncio

from sakari_tui.api import Conversation, Page, Pagination
from sakari_tui.store import Store, StoreWriteError
from sakari_tui.sync import ConversationsChanged, InboxEngine
from sakari_tui.sync.page_merge import MERGE_CHUNK

NOW = datetime(2026, 3, 4, 12, 0, tzinfo=timezone.utc)
PAGE = 3 * MERGE_CHUNK  # more than one chunk: a page used to be committed a chunk at a time


def conversation(index: int) -> Conversation:
    at = (NOW - timedelta(minutes=index)).isoformat()
    return Conversation.model_validate(
        {
            "id": f"c{index}",
            "contact": {
                "id": f"k{index}",
                "firstName": f"Name{index}",
                "lastName": "Kowalczyk",
                "mobile": {"number": f"+1555123{index:04d}"},
            },
            "lastMessage": {"id": f"m{index}", "message": f"parcel number{index} arrived", "created": {"at": at}},
            "updated": {"at": at},
        }
    )


@pytest_asyncio.fixture(params=["memory", "file"])
async def engine(request, client, tmp_path):
    """An engine over an in-memory store or a store file; its events collect in `engine.events`."""
    store = Store(":memory:" if request.param == "memory" else tmp_path / "inbox.sqlite3")
    events: list = []
    engine = InboxEngine(client, store, listener=events.append)
    engine.events = events
    yield engine
    store.close()


def serve(engine, monkeypatch, conversations: list[Conversation]) -> None:
    """The API's conversation list, `engine.page_size` a page."""

    async def fetch(*, offset=None, limit=None):
        offset = offset or 0
        items = conversations[offset : offset + limit]
        more = offset + limit < len(conversations)
        return Page[Conversation](
            items=items,
            pagination=Pagination(offset=offset, has_next=more, total_count=len(conversations)),
            requested_offset=offset,
        )

    monkeypatch.setattr(engine.client, "fetch_all_conversations", fetch)


def fail_at(engine, monkeypatch, message_id: str) -> None:
    """The disk refuses the write of one conversation's last message (the rest of the page fits)."""
    writer = engine.store.page_writer()
    db = writer.db if writer is not None else engine.store.db
    real = db.execute

    def execute(sql, parameters=(), /):
        if sql.startswith("INSERT INTO messages") and parameters[0] == message_id:
            raise StoreWriteError("Cannot write the local store at (memory): the disk is full.")
        return real(sql, parameters)

    monkeypatch.setattr(db, "execute", execute)


async def test_a_page_that_fails_to_write_leaves_none_of_it_and_the_next_sync_writes_it(server, engine, monkeypatch):
    engine.page_size = PAGE
    first = [conversation(i) for i in range(PAGE)]
    serve(engine, monkeypatch, first)
    await engine.sync_conversations()
    before = engine.store.inbox.listing(unread_first=False).ids
    # A second session's walk: every conversation has news; the disk fills in the middle of the page.
    engine._walked_once = False
    newer = [conversation(i - PAGE) for i in range(PAGE)]  # new ids, newer times: c-30 … c-1
    serve(engine, monkeypatch, newer + first)
    fail_at(engine, monkeypatch, f"m{-PAGE // 2}")
    engine.events.clear()
    with pytest.raises(StoreWriteError):
        await engine.sync_conversations()
    assert engine.store.inbox.listing(unread_first=False).ids == before  # nothing of the page was kept
    assert engine.events == []  # and nothing was announced
    assert not engine.walked_once

    monkeypatch.undo()  # the disk has room again
    serve(engine, monkeypatch, newer + first)
    result = await engine.sync_conversations()
    assert set(result.changed) == {c.id for c in newer}
    assert engine.store.inbox.count() == 2 * PAGE


async def test_search_finds_every_conversation_and_message_of_a_sync(server, engine, monkeypatch):
    engine.page_size = PAGE
    conversations = [conversation(i) for i in range(2 * PAGE + 5)]
    serve(engine, monkeypatch, conversations)
    await engine.sync_conversations()
    search = engine.store.search
    for index in (0, MERGE_CHUNK + 1, PAGE, 2 * PAGE + 4):
        by_text = search.search(f"number{index}")
        assert [(h.kind, h.conversation_id, h.message_id) for h in by_text] == [("message", f"c{index}", f"m{index}")]
        by_name = search.search(f"Name{index}")
        assert [(h.kind, h.conversation_id) for h in by_name] == [("contact", f"c{index}")]
        by_digits = search.search(f"123{index:04d}")  # the end of the number
        assert [(h.kind, h.conversation_id) for h in by_digits] == [("contact", f"c{index}")]
    assert len(search.search("parcel", limit=500)) == len(conversations)


async def test_pages_with_nothing_new_write_nothing(server, engine, monkeypatch):
    engine.page_size = PAGE
    serve(engine, monkeypatch, [conversation(i) for i in range(2 * PAGE)])
    await engine.sync_conversations()
    writer = engine.store.page_writer()
    db = writer.db if writer is not None else engine.store.db
    writes = db.total_changes
    engine.events.clear()
    result = await engine.sync_conversations(full=True)
    assert result.changed == () and db.total_changes == writes
    assert not [e for e in engine.events if isinstance(e, ConversationsChanged)]
