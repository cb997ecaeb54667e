"""The page writer: a sync's pages written on a connection of their own, in a thread, beside the
app's connection on the same file (store/page_writer.py)."""

import asyncio
import threading
from datetime import datetime, timedelta, timezone

import pytest

from sakari_tui.api import Conversation, Message, Page, Pagination
from sakari_tui.store import Store, StoreError
from sakari_tui.store.db import connect_writer
from sakari_tui.sync import InboxEngine

NOW = datetime(2026, 3, 4, 12, 0, tzinfo=timezone.utc)


def conversation(index: int, text: str = "parcel arrived") -> Conversation:
    at = (NOW - timedelta(minutes=index)).isoformat()
    return Conversation.model_validate(
        {
            "id": f"c{index}",
            "contact": {"id": f"k{index}", "firstName": f"Name{index}", "mobile": {"number": f"+1555123{index:04d}"}},
            "lastMessage": {"id": f"m{index}", "message": f"{text} {index}", "created": {"at": at}},
            "unread": [f"m{index}"],
            "updated": {"at": at},
        }
    )


def test_an_in_memory_store_has_no_page_writer():
    store = Store(":memory:")
    assert store.page_writer() is None
    store.close()


def test_a_page_written_by_the_writer_is_read_on_the_app_connection(tmp_path):
    store = Store(tmp_path / "inbox.sqlite3")
    writer = store.page_writer()
    assert writer is store.page_writer()  # one, opened once
    result = writer.merge_page([conversation(i) for i in range(5)])
    assert sorted(result.changed) == [f"c{i}" for i in range(5)]
    assert store.inbox.listing(unread_first=False).ids == [f"c{i}" for i in range(5)]
    assert writer.index_search() == 10  # a page's search documents wait for the catch-up (search_backlog.py)
    assert [h.conversation_id for h in store.search.search("Name3")] == ["c3"]
    assert store.inbox.thread("c2")[0].message == "parcel arrived 2"
    again = writer.merge_page([conversation(i) for i in range(5)])
    assert again.changed == () and again.unchanged == 5
    store.close()


async def test_the_event_loop_runs_while_a_page_is_written(client, tmp_path):
    """The merge waits in its thread for a task on the loop: on the loop it would wait forever."""
    store = Store(tmp_path / "inbox.sqlite3")
    engine = InboxEngine(client, store)
    writer = store.page_writer()
    real = writer.merge_page
    loop_ran = threading.Event()

    def merge_page(conversations):
        assert loop_ran.wait(timeout=10), "the event loop did not run while the page was written"
        return real(conversations)

    writer.merge_page = merge_page

    async def fetch(*, offset=None, limit=None):
        return Page[Conversation](
            items=[conversation(i) for i in range(3)],
            pagination=Pagination(offset=0, has_next=False, total_count=3),
            requested_offset=0,
        )

    engine.client.fetch_all_conversations = fetch

    async def on_the_loop():
        await asyncio.sleep(0.05)
        loop_ran.set()

    _, result = await asyncio.gather(on_the_loop(), engine.sync_conversations())
    assert sorted(result.changed) == ["c0", "c1", "c2"]
    store.close()


def test_a_write_on_the_app_connection_takes_the_lock_first_so_a_page_committed_meanwhile_cannot_fail_it(
    tmp_path, monkeypatch
):
    """merge_messages reads, then writes. Had it only read-locked first, a page the writer committed
    in between would make SQLite refuse its write (SQLITE_BUSY, no waiting); it takes the write lock
    when it begins, so the writer waits instead."""
    store = Store(tmp_path / "inbox.sqlite3")
    store.inbox.merge_conversations([conversation(0)])
    other = connect_writer(tmp_path / "inbox.sqlite3")
    other.execute("PRAGMA busy_timeout = 50")
    db = store.inbox.db
    real = db.execute
    outcome: list[str] = []

    def execute(sql, parameters=(), /):
        cursor = real(sql, parameters)
        if sql.startswith("SELECT raw FROM messages") and not outcome:
            try:  # the writer's page, committed between the read and the write
                other.execute("INSERT INTO mutes (conversation_id, muted_at) VALUES ('c0', 1)")
                outcome.append("committed")
            except StoreError as exc:  # the lock was held past its busy timeout
                outcome.append(f"waited: {exc}")
        return cursor

    monkeypatch.setattr(db, "execute", execute)
    message = Message.model_validate({"id": "m9", "message": "a new one", "created": {"at": NOW.isoformat()}})
    assert store.inbox.merge_messages("c0", [message]) == ["m9"]
    assert outcome and outcome[0].startswith("waited")
    monkeypatch.undo()
    assert [m.id for m in store.inbox.thread("c0")] == ["m0", "m9"]
    other.close()
    store.close()


async def test_closing_the_store_waits_for_the_page_in_flight(tmp_path):
    path = tmp_path / "inbox.sqlite3"
    store = Store(path)
    writer = store.page_writer()
    real = writer._inbox.prepare_conversations
    started = threading.Event()

    def slow_prepare(conversations):
        started.set()
        threading.Event().wait(0.2)
        return real(conversations)

    writer._inbox.prepare_conversations = slow_prepare
    page = asyncio.get_running_loop().run_in_executor(None, writer.merge_page, [conversation(i) for i in range(4)])
    assert await asyncio.to_thread(started.wait, 10)
    store.close()  # while the page is being written
    assert len((await page).changed) == 4
    with pytest.raises(StoreError, match="closed"):
        writer.merge_page([conversation(9)])
    reopened = Store(path)
    assert reopened.inbox.count() == 4
    reopened.close()


def test_a_lock_held_past_the_busy_timeout_is_one_sentence(tmp_path):
    store = Store(tmp_path / "inbox.sqlite3")
    other = connect_writer(tmp_path / "inbox.sqlite3")
    other.execute("BEGIN IMMEDIATE")
    store.db.execute("PRAGMA busy_timeout = 50")
    with pytest.raises(StoreError) as raised:
        store.inbox.merge_conversations([conversation(1)])
    assert (
        str(raised.value)
        == f"Cannot write the local store at {tmp_path / 'inbox.sqlite3'}: another program kept it locked."
    )
    other.execute("ROLLBACK")
    assert store.inbox.merge_conversations([conversation(1)]).changed == ("c1",)  # usable again
    other.close()
    store.close()
