"""The bench's data sets: a store built in big transactions holds exactly what one merge per
conversation gives, and a cached store is reused only while what it was made from is unchanged."""

import sqlite3
from dataclasses import replace

from bench import datasets, store_cache
from bench.datasets import build_store, simulator_config
from sakari_tui.api.models import Conversation, Message
from sakari_tui.simulator import BulkData, SimulatorState
from sakari_tui.simulator.serialize import View, conversation_json, message_json
from sakari_tui.store import Store

SMALL = BulkData(conversations=30, messages_per_conversation=3, long_threads=(12, 2))
ANCHOR = 1_790_000_000.0
TABLES = (
    "SELECT * FROM conversations ORDER BY id",
    "SELECT * FROM messages ORDER BY id",
    "SELECT message_id, body FROM message_text ORDER BY message_id",
    "SELECT source, source_id, name, email, number, digits FROM contact_text ORDER BY source, source_id",
)


def merged_one_by_one(path, shape):
    """The account merged as before: pages of conversations, then each thread, each in its own transaction."""
    state = SimulatorState(simulator_config(shape, ANCHOR))
    view = View()
    ordered = sorted(state.conversations.values(), key=lambda c: (c.updated_at, c.id), reverse=True)
    store = Store(path)
    try:
        store.inbox.merge_conversations(Conversation.model_validate(conversation_json(state, c, view)) for c in ordered)
        for conversation in ordered:
            messages = [
                Message.model_validate(message_json(state, state.messages[m], view)) for m in conversation.message_ids
            ]
            store.inbox.merge_messages(conversation.id, messages)
    finally:
        store.close()


def rows(path):
    with sqlite3.connect(path) as db:
        return [db.execute(query).fetchall() for query in TABLES]


def test_a_store_built_in_batches_holds_what_merging_one_by_one_gives(tmp_path, monkeypatch):
    monkeypatch.setattr(datasets, "BATCH", 7)  # several transactions, one of them short
    build_store(tmp_path / "batched.sqlite3", SMALL, ANCHOR)
    merged_one_by_one(tmp_path / "reference.sqlite3", SMALL)
    batched, reference = rows(tmp_path / "batched.sqlite3"), rows(tmp_path / "reference.sqlite3")
    assert [len(table) for table in batched] == [30, 12 + 2 + 28 * 3, 12 + 2 + 28 * 3, 30]
    assert batched == reference


def test_the_built_store_is_searchable_and_opens_the_long_thread(tmp_path):
    build_store(tmp_path / "store.sqlite3", SMALL, ANCHOR)
    store = Store(tmp_path / "store.sqlite3")
    try:
        top = store.inbox.rows()[0]
        assert top.name == "Avery Abbott0"
        assert len(store.inbox.thread(top.id, limit=50)) == 12
    finally:
        store.close()


def test_the_cache_key_follows_seed_shape_and_source_but_not_the_anchor(monkeypatch):
    key = store_cache.cache_key(SMALL)
    assert store_cache.cache_key(replace(SMALL, anchor=ANCHOR)) == key
    assert store_cache.cache_key(replace(SMALL, conversations=31)) != key
    assert store_cache.cache_key(SMALL, seed=8) != key
    monkeypatch.setattr(store_cache, "source_hash", lambda: "changed code")
    assert store_cache.cache_key(SMALL) != key


def test_a_cached_store_is_reused_with_its_anchor_until_too_old(tmp_path, monkeypatch):
    builds = []
    real_build = store_cache.build_store

    def counting_build(path, shape, anchor):
        builds.append(anchor)
        return real_build(path, shape, anchor)

    monkeypatch.setattr(store_cache, "build_store", counting_build)
    first = store_cache.cached_store(SMALL, folder=tmp_path, now=ANCHOR)
    again = store_cache.cached_store(SMALL, folder=tmp_path, now=ANCHOR + 86400)
    assert first.built_s is not None and again.built_s is None
    assert again.anchor == first.anchor == ANCHOR - 60 and again.path == first.path
    assert again.sizes == {"conversations": 30, "messages": 12 + 2 + 28 * 3}
    later = store_cache.cached_store(SMALL, folder=tmp_path, now=ANCHOR + store_cache.MAX_AGE + 120)
    assert later.built_s is not None and later.anchor == ANCHOR + store_cache.MAX_AGE + 60
    assert builds == [ANCHOR - 60, ANCHOR + store_cache.MAX_AGE + 60]
    assert sorted(p.suffix for p in tmp_path.glob("store-30x3-*")) == [".json", ".sqlite3"]
