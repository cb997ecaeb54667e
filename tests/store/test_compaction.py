"""Converting an older store's rows in place (store/compaction.py): everything, resumable after an
interruption, the same rows afterwards, and safe with two converters at once."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from sakari_tui.store import Store, compaction
from sakari_tui.store.compaction import compact_in_background, compact_rows, compact_step
from sakari_tui.store.packing import conversation_json_sql, message_json_sql

from ..support.factories import conversation, message
from ..support.old_store import old_store

CONVERSATIONS = 40
MESSAGES_EACH = 4


def _fill(inbox) -> None:
    inbox.merge_conversations(
        conversation(f"c{i:02d}", text=f"parcel {i} arrived 📦", minutes_ago=i, unread=["u"] if i % 3 else [])
        for i in range(CONVERSATIONS)
    )
    for i in range(CONVERSATIONS):
        inbox.merge_messages(
            f"c{i:02d}",
            [
                message(f"m{i:02d}-{j}", f"Olá {i}, invoice {j} — مرحبا", cid=f"c{i:02d}", minutes_ago=100 + j)
                for j in range(MESSAGES_EACH)
            ],
        )


@pytest.fixture
def old_path(tmp_path) -> Path:
    path = tmp_path / "old.sqlite3"
    old_store(path, 13, _fill)
    return path


def _seen(store: Store) -> dict:
    """Everything a user can see of the cache, as text."""
    db = store.db
    return {
        "conversations": db.execute(f"SELECT id, {conversation_json_sql()} FROM conversations ORDER BY id").fetchall(),
        "messages": db.execute(f"SELECT id, {message_json_sql()} FROM messages ORDER BY id").fetchall(),
        "listing": store.inbox.listing().ids,
        "thread": [m.model_dump() for m in store.inbox.thread("c05")],
        "search": [
            [hit.message_id or hit.conversation_id for hit in store.search.search(q)]
            for q in ("invoice 2", "parcel", "Ana")
        ],
        "text": store.db.execute("SELECT message_id, body FROM message_text ORDER BY message_id").fetchall(),
    }


def _old_rows(store: Store) -> int:
    return store.db.execute(
        "SELECT (SELECT count(*) FROM messages WHERE typeof(raw) = 'text')"
        " + (SELECT count(*) FROM conversations WHERE typeof(raw) = 'text' OR typeof(fingerprint) = 'text')"
    ).fetchone()[0]


def _plain(rows) -> list:
    return [tuple(row) for row in rows]


def _comparable(seen: dict) -> dict:
    return {
        key: _plain(value) if key in ("conversations", "messages", "text") else value for key, value in seen.items()
    }


def test_the_conversion_packs_every_row_and_leaves_what_is_seen_the_same(old_path):
    store = Store(old_path)
    before = _comparable(_seen(store))
    assert _old_rows(store) == CONVERSATIONS * (MESSAGES_EACH + 2)
    progress = compact_rows(store.db, batch=7)
    assert progress.converted == {"messages": CONVERSATIONS * (MESSAGES_EACH + 1), "conversations": CONVERSATIONS}
    assert _old_rows(store) == 0
    assert _comparable(_seen(store)) == before
    assert compaction.pending(store.db) == []
    assert compact_rows(store.db).total == 0  # done: nothing more to look at
    # An unchanged sync still writes nothing.
    changes = store.db.total_changes
    assert store.inbox.merge_conversations([store.inbox.conversation("c01")]).unchanged == 1
    assert store.inbox.merge_messages("c01", store.inbox.thread("c01")) == []
    assert store.db.total_changes == changes
    store.close()


class Interrupted(Exception):
    pass


def test_an_interrupted_conversion_loses_only_its_batch_and_a_rerun_finishes_it(old_path, monkeypatch):
    store = Store(old_path)
    before = _comparable(_seen(store))
    total = _old_rows(store)

    def stop_after_the_first(table, count):
        raise Interrupted

    with pytest.raises(Interrupted):
        compact_rows(store.db, batch=10, on_batch=stop_after_the_first)
    assert _old_rows(store) == total - 10
    # A failure inside a batch (here while packing its fourth row) rolls the whole batch back.
    packed = iter(range(1000))
    real_pack = compaction.pack_json

    def failing_pack(text, context=None):
        if next(packed) == 3:
            raise Interrupted
        return real_pack(text, context)

    monkeypatch.setattr(compaction, "pack_json", failing_pack)
    with pytest.raises(Interrupted):
        compact_rows(store.db, batch=10)
    assert _old_rows(store) == total - 10
    monkeypatch.setattr(compaction, "pack_json", real_pack)
    store.close()
    again = Store(old_path)  # as after a restart
    assert compact_rows(again.db, batch=10).total == total - 10
    assert _old_rows(again) == 0 and _comparable(_seen(again)) == before
    again.close()


def test_a_killed_converter_resumes_where_it_stopped(old_path):
    import subprocess
    import sys

    total = CONVERSATIONS * (MESSAGES_EACH + 2)
    script = (
        "import os, sys\n"
        "from sakari_tui.store import Store\n"
        "from sakari_tui.store.compaction import compact_rows\n"
        "store = Store(sys.argv[1])\n"
        "compact_rows(store.db, batch=25, on_batch=lambda table, count: os._exit(9))\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(old_path)], capture_output=True, timeout=60)
    assert done.returncode == 9, done.stderr
    store = Store(old_path)
    assert _old_rows(store) == total - 25
    assert store.db.execute("SELECT through FROM compaction WHERE table_name = 'messages'").fetchone()[0] > 0
    assert compact_rows(store.db).total == total - 25
    assert _old_rows(store) == 0
    store.close()


def test_two_converters_at_once_convert_each_row_once(old_path):
    stores = [Store(old_path), Store(old_path)]
    before = _comparable(_seen(stores[0]))
    results = []
    start = threading.Barrier(2)

    def convert(store):
        start.wait()
        results.append(compact_rows(store.db, batch=3).total)

    threads = [threading.Thread(target=convert, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(results) == CONVERSATIONS * (MESSAGES_EACH + 2)
    assert _old_rows(stores[1]) == 0
    assert _comparable(_seen(stores[1])) == before
    for store in stores:
        store.close()


def test_the_app_converts_in_the_background_in_small_batches(old_path):
    store = Store(old_path)
    before = _comparable(_seen(store))
    progress = asyncio.run(compact_in_background(store.db, batch=5, pause=0))
    assert progress.done and progress.total == CONVERSATIONS * (MESSAGES_EACH + 2)
    assert _old_rows(store) == 0 and _comparable(_seen(store)) == before
    store.close()


def test_a_step_converts_at_most_its_batch_and_rows_written_meanwhile_are_packed(old_path):
    store = Store(old_path)
    assert compact_step(store.db, "messages", batch=4) == 4
    store.inbox.merge_messages("c00", [message("new", "written while converting", cid="c00")])
    assert store.db.execute("SELECT typeof(raw) FROM messages WHERE id = 'new'").fetchone()[0] == "blob"
    compact_rows(store.db)
    assert _old_rows(store) == 0
    assert [hit.message_id for hit in store.search.search("converting")] == ["new"]
    store.close()


def test_a_new_store_has_nothing_to_convert(tmp_path):
    store = Store(tmp_path / "new.sqlite3")
    store.inbox.merge_conversations([conversation("a")])
    assert compact_rows(store.db).total == 0 and compaction.pending(store.db) == []
    store.close()
