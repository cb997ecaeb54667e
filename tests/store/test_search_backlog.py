"""A sync's pages indexed for search in bulk (store/search_backlog.py, migration 18): a page's
documents wait for `index_search`, the index never holds one past its mark (so a delete or an
update of a document it never held cannot corrupt it), and a catch-up leaves it exact whoever
wrote meanwhile and whenever a process stopped."""

import random
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sakari_tui.api import Conversation, Message, Page, Pagination
from sakari_tui.store import Store
from sakari_tui.store.db import StoreWriteError
from sakari_tui.store.search_backlog import index_backlog
from sakari_tui.sync import InboxEngine
from sakari_tui.sync.engine import SEARCH_INDEX_EVERY

from .test_search import index_is_exact

NOW = datetime(2026, 3, 4, 12, 0, tzinfo=timezone.utc)


def conversation(index: int, *, name: str | None = None, text: str | None = None, message: int = 0) -> Conversation:
    at = (NOW - timedelta(minutes=index) + timedelta(seconds=message)).isoformat()
    return Conversation.model_validate(
        {
            "id": f"c{index}",
            "contact": {
                "id": f"k{index}",
                "firstName": name or f"Name{index}",
                "mobile": {"number": f"+1555123{index:04d}"},
            },
            "lastMessage": {"id": f"m{index}-{message}", "message": text or f"parcel {index}", "created": {"at": at}},
            "updated": {"at": at},
        }
    )


def found(store: Store, query: str) -> set[str]:
    return {hit.conversation_id for hit in store.search.search(query)}


def marks(store: Store) -> dict[str, int]:
    return dict(map(tuple, store.db.execute("SELECT content, indexed_through FROM search_backlog")))


@pytest.fixture
def store(tmp_path):
    opened = Store(tmp_path / "inbox.sqlite3")
    yield opened
    opened.close()


def test_a_pages_documents_are_found_once_indexed(store):
    store.inbox.merge_conversations([conversation(1, name="Amelia")])
    writer = store.page_writer()
    writer.merge_page([conversation(2, name="Amaru", text="where is my order")])
    assert found(store, "Amelia") == {"c1"}  # indexed as before: written outside any page
    assert found(store, "Amaru") == set() and found(store, "order") == set()
    assert marks(store) == {"message_text": 1, "contact_text": 1}
    assert writer.index_search() == 2  # its contact's document and its last message's
    assert found(store, "Amaru") == {"c2"} and found(store, "order") == {"c2"}
    assert marks(store) == {}
    assert index_is_exact(store.db)
    assert writer.index_search() == 0  # nothing left: no write at all


def test_deleting_and_updating_documents_past_the_mark_leaves_the_index_exact(store):
    """FTS5 'delete' of a document an external-content index never held corrupts it: the
    triggers skip those past the mark."""
    writer = store.page_writer()
    writer.merge_page([conversation(i) for i in range(5)])
    writer.merge_page([conversation(1, name="Renamed", text="a newer text", message=1)])  # updates, unindexed
    store.inbox.forget_conversation("c2")  # deletes, unindexed, on the app's connection
    store.inbox.merge_messages(
        "c3", [Message.model_validate({"id": "x3", "message": "typed on the hub", "created": {"at": NOW.isoformat()}})]
    )
    writer.index_search()
    assert index_is_exact(store.db)
    assert found(store, "Renamed") == {"c1"} and found(store, "hub") == {"c3"} and found(store, "Name2") == set()


def test_a_document_at_or_below_the_mark_is_kept_current_while_others_wait(store):
    writer = store.page_writer()
    writer.merge_page([conversation(1, text="first words")])
    writer.index_search()
    writer.merge_page([conversation(2)])  # sets the mark past c1's documents
    at = NOW.isoformat()
    # The same message edited on the app's connection: its document keeps its docid, below the mark.
    edited = Message.model_validate({"id": "m1-0", "message": "second words", "created": {"at": at}})
    store.inbox.merge_messages("c1", [edited])
    assert found(store, "second") == {"c1"} and found(store, "first") == set()
    # A renamed contact's document is replaced (a new docid, past the mark): it waits.
    store.inbox.merge_conversations([conversation(1, name="Renamed", message=1)])
    assert found(store, "Renamed") == set() and found(store, "Name1") == set()
    writer.index_search()
    assert found(store, "Renamed") == {"c1"}
    assert index_is_exact(store.db)


async def test_a_store_closed_with_documents_waiting_is_caught_up_by_the_next_sync(tmp_path):
    path = tmp_path / "inbox.sqlite3"
    store = Store(path)
    store.page_writer().merge_page([conversation(7, name="Kurosawa")])
    store.close()  # as a kill after the page's commit leaves it

    again = Store(path)
    assert marks(again) and found(again, "Kurosawa") == set()
    engine = InboxEngine(client=None, store=again)  # type: ignore[arg-type]

    async def fetch(*, offset=None, limit=None):
        raise RuntimeError("offline")

    engine.client = type("Offline", (), {"fetch_all_conversations": staticmethod(fetch)})()
    with pytest.raises(RuntimeError):
        await engine.sync_conversations()
    assert found(again, "Kurosawa") == {"c7"}  # a sync that failed at once still caught up
    assert marks(again) == {} and index_is_exact(again.db)
    again.close()


async def test_a_walk_indexes_every_few_pages_and_when_it_ends(store):
    pages = SEARCH_INDEX_EVERY + 3
    engine = InboxEngine(client=None, store=store, page_size=2)  # type: ignore[arg-type]
    seen_at: dict[int, set[str]] = {}

    async def fetch(*, offset=None, limit=None):
        index = (offset or 0) // 2
        seen_at[index] = found(store, "parcel")  # what a search found when this page was asked for
        has_next = index + 1 < pages
        return Page[Conversation](
            items=[conversation(index * 2), conversation(index * 2 + 1)],
            pagination=Pagination(offset=offset or 0, has_next=has_next, total_count=pages * 2),
            requested_offset=offset or 0,
        )

    engine.client = type("Client", (), {"fetch_all_conversations": staticmethod(fetch)})()
    await engine.sync_conversations()
    assert seen_at[SEARCH_INDEX_EVERY - 1] == set()  # nineteen pages in, none indexed yet
    assert len(seen_at[SEARCH_INDEX_EVERY]) == SEARCH_INDEX_EVERY * 2  # the first twenty, caught up
    assert len(found(store, "parcel")) == pages * 2  # the rest when the walk ended
    assert marks(store) == {} and index_is_exact(store.db)


def test_a_catch_up_is_one_transaction(store):
    writer = store.page_writer()
    writer.merge_page([conversation(1)])
    db = writer.db
    db.execute("PRAGMA busy_timeout = 0")
    store.db.execute("BEGIN IMMEDIATE")  # another writer holds the lock: the catch-up writes nothing
    with pytest.raises(StoreWriteError, match="locked"):
        index_backlog(db)
    store.db.execute("ROLLBACK")
    assert found(store, "Name1") == set() and marks(store)
    writer.index_search()
    assert found(store, "Name1") == {"c1"}


OPERATIONS = st.lists(
    st.tuples(st.sampled_from(["page", "app_merge", "message", "forget", "index"]), st.integers(0, 11)),
    min_size=1,
    max_size=30,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=OPERATIONS, seed=st.integers(0, 2**16))
def test_any_mix_of_writers_and_catch_ups_ends_with_an_exact_index(tmp_path_factory, operations, seed):
    """Pages (deferred), merges and thread messages on the app's connection (indexed at once, or
    past the mark), forgotten conversations and catch-ups, in any order: after the last catch-up
    the index is exactly what a rebuild would make, and it holds nothing past a mark meanwhile."""
    rng = random.Random(seed)
    store = Store(tmp_path_factory.mktemp("backlog") / "inbox.sqlite3")
    writer = store.page_writer()
    version = 0
    try:
        for operation, index in operations:
            version += 1
            name = rng.choice(["Ana", "Łukasz", "José", "花子", f"N{version}"])
            text = rng.choice(["parcel late", "thanks 🚚", "Zażółć", f"t{version}"])
            if operation == "page":
                writer.merge_page(
                    [conversation(index, name=name, text=text, message=version), conversation((index + 5) % 12)]
                )
            elif operation == "app_merge":
                store.inbox.merge_conversations([conversation(index, name=name, text=text, message=version)])
            elif operation == "message":
                at = (NOW + timedelta(seconds=version)).isoformat()
                message = Message.model_validate({"id": f"x{version}", "message": text, "created": {"at": at}})
                store.inbox.merge_messages(f"c{index}", [message])
            elif operation == "forget":
                store.inbox.forget_conversation(f"c{index}")
            else:
                writer.index_search()
            if not marks(store):
                assert index_is_exact(store.db)
        writer.index_search()
        assert marks(store) == {} and index_is_exact(store.db)
    finally:
        store.close()
