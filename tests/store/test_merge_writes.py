"""What a merge of conversations writes: each model's JSON as dump_json has it (dumped once, shared by
the conversation and its last message), nothing for an unchanged conversation, and the same search
documents as the triggers of migrations 6 and 14 wrote."""

from datetime import datetime, timezone

import pytest

from sakari_tui.api import Contact, Conversation
from sakari_tui.store import Store
from sakari_tui.store.db import SCHEMA_VERSION
from sakari_tui.store.packing_schema import _conversation_email
from sakari_tui.store.raw import dump_conversation, dump_json
from sakari_tui.store.search_schema import CONTACT_TEXT_COLUMNS, _contact_doc

from ..support.old_store import old_store
from .test_search import index_is_exact

AT = datetime(2026, 3, 4, 12, 0, tzinfo=timezone.utc).isoformat()


def conversation(cid: str, *, number: str = "+1 (555) 123-0001", email: str | None = "ana@example.com", **extra):
    contact = {"id": f"k-{cid}", "firstName": "Ana", "lastName": "Łukasik", "mobile": {"number": number}}
    if email is not None:
        contact["email"] = email
    return Conversation.model_validate(
        {
            "id": cid,
            "contact": contact,
            "lastMessage": {
                "id": f"m-{cid}",
                "message": 'Zażółć gęślą jaźń 🚚 "quoted" \\ back',
                "created": {"at": AT, "by": {"id": "u1", "firstName": "Sam", "futureField": [1, None]}},
                "status": "delivered",
                "unknownKey": {"nested": None},
            },
            "updated": {"at": AT},
            **extra,
        }
    )


@pytest.fixture
def store(tmp_path):
    opened = Store(tmp_path / "inbox.sqlite3")
    yield opened
    opened.close()


def test_one_dump_gives_what_each_model_dumps_alone():
    for model in (conversation("a"), conversation("b", email=None, closed=True), Conversation(id="bare")):
        raw, last_raw, last_by = dump_conversation(model)
        assert raw == dump_json(model)
        last = model.last_message
        assert last_raw == (dump_json(last) if last is not None else None)
        by = last.created.by if last is not None and last.created is not None else None
        assert last_by == (dump_json(by) if by is not None else None)


def test_the_last_message_is_stored_as_a_merge_of_messages_would_store_it(store):
    store.inbox.merge_conversations([conversation("a")])
    # The same message merged as part of its thread finds nothing new.
    assert store.inbox.merge_messages("a", [conversation("a").last_message]) == []
    assert store.inbox.conversation("a") == conversation("a")


def test_an_unchanged_page_writes_nothing(store):
    page = [conversation(f"c{i}", number=f"+1555123{i:04d}") for i in range(25)]
    store.inbox.merge_conversations(page)
    writes = store.db.total_changes
    result = store.inbox.merge_conversations(page)
    assert (result.changed, result.unchanged) == ((), 25)
    assert store.db.total_changes == writes


def test_a_changed_conversation_in_an_unchanged_page_is_the_only_one_written(store):
    page = [conversation(f"c{i}", number=f"+1555123{i:04d}") for i in range(5)]
    store.inbox.merge_conversations(page)
    page[2] = conversation("c2", number="+15551230002", unread=["m-c2"])
    result = store.inbox.merge_conversations(page)
    assert (result.changed, result.unchanged) == (("c2",), 4)


def reference_documents(store: Store) -> list[tuple]:
    """contact_text as migration 6's own SELECT (with migration 14's email) builds it from the table."""
    sql = _contact_doc("conversation", "c", "FROM conversations c", _conversation_email("c"))
    return sorted(tuple(row) for row in store.db.execute(sql))


def stored_documents(store: Store) -> list[tuple]:
    rows = store.db.execute(f"SELECT {CONTACT_TEXT_COLUMNS} FROM contact_text WHERE source = 'conversation'")
    return sorted(tuple(row) for row in rows)


@pytest.mark.parametrize("number", ["+1 (555) 123-0001", "+447700900123", "", "12.34-5", "+123456789012345"])
def test_the_search_documents_of_conversations_are_those_of_the_first_triggers(store, number):
    store.inbox.merge_conversations([conversation("a", number=number), conversation("b", email=None, number="+4")])
    assert stored_documents(store) == reference_documents(store)
    # An update of the number, of the name, of the email; and one that leaves them as they were.
    store.inbox.merge_conversations([conversation("a", number=number + "9")])
    store.inbox.merge_conversations([conversation("b", email="new@example.com", number="+4")])
    store.inbox.merge_conversations([conversation("b", email="new@example.com", number="+4", closed=True)])
    assert stored_documents(store) == reference_documents(store)
    assert len(stored_documents(store)) == 2


def contact_documents(store: Store) -> tuple[list[tuple], list[tuple]]:
    """contact_text's documents of contacts: as stored, and as migration 6's SELECT builds them."""
    stored = store.db.execute(f"SELECT {CONTACT_TEXT_COLUMNS} FROM contact_text WHERE source = 'contact'")
    reference = store.db.execute(_contact_doc("contact", "k", "FROM contacts k"))
    return sorted(tuple(row) for row in stored), sorted(tuple(row) for row in reference)


def test_the_search_documents_of_contacts_are_those_of_the_first_triggers(store):
    for number in ("+1 (555) 123-0001", "+447700900123", None):
        mobile = {"mobile": {"number": number}} if number else {}
        store.inbox.merge_contact(Contact.model_validate({"id": "k1", "firstName": "Zoë", "lastName": "Ng", **mobile}))
        stored, reference = contact_documents(store)
        assert stored == reference and len(stored) == 1


def test_a_message_rewritten_with_the_same_json_keeps_its_text_and_a_changed_one_is_found_anew(store):
    store.inbox.merge_conversations([conversation("a")])
    # Only the conversation changed: its last message is written again, the same.
    store.inbox.merge_conversations([conversation("a", unread=["m-c2"])])
    assert [h.message_id for h in store.search.search("gęślą")] == ["m-a"]
    edited = conversation("a").last_message.model_copy(update={"message": "Ready for pickup"})
    assert store.inbox.merge_messages("a", [edited]) == ["m-a"]
    assert store.search.search("gęślą") == [] and [h.message_id for h in store.search.search("pickup")] == ["m-a"]


def test_a_store_of_schema_14_gets_the_new_triggers_and_keeps_its_documents(tmp_path):
    path = tmp_path / "old.sqlite3"

    def fill(inbox) -> None:
        inbox.merge_conversations([conversation("a"), conversation("b", email=None, number="+447700900123")])
        inbox.merge_contact(Contact.model_validate({"id": "k-a", "firstName": "Ana", "mobile": {"number": "+1555"}}))

    old_store(path, 14, fill)
    store = Store(path)
    try:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        before = stored_documents(store)
        assert before == reference_documents(store) and len(before) == 2
        store.inbox.merge_conversations([conversation("a", number="+15559870000"), conversation("c")])
        assert stored_documents(store) == reference_documents(store) and len(stored_documents(store)) == 3
        assert [h.conversation_id for h in store.search.search("9870000")] == ["a"]
        stored, reference = contact_documents(store)
        assert stored == reference and len(stored) == 1
    finally:
        store.close()


def counting_unpacker(store: Store) -> list[int]:
    """Count the store connection's calls of sakari_json (SQL unpacking a packed row in Python)."""
    from sakari_tui.store.packing import sql_json

    calls = [0]

    def counted(*args):
        calls[0] += 1
        return sql_json(*args)

    store.db.create_function("sakari_json", -1, counted, deterministic=True)
    return calls


def message_documents(store: Store) -> list[tuple]:
    return sorted(tuple(row) for row in store.db.execute("SELECT message_id, body FROM message_text"))


def test_a_page_writes_the_documents_of_its_new_rows_without_unpacking_them(store):
    calls = counting_unpacker(store)
    page = [
        conversation("a"),
        conversation("b", email=None, number="+447700900123"),
        conversation("c", number=""),
        Conversation.model_validate({"id": "bare", "updated": {"at": AT}}),
    ]
    page[2] = page[2].model_copy(update={"last_message": page[2].last_message.model_copy(update={"message": None})})
    store.inbox.merge_conversations(page)
    assert calls[0] == 0
    # A page may hold one twice (the second an update, as its next merge would be): one document still.
    store.inbox.merge_conversations([conversation("d"), conversation("d", unread=["m-d"], number="+1555")])
    assert stored_documents(store) == reference_documents(store) and len(stored_documents(store)) == 5
    assert message_documents(store) == [
        ("m-a", page[0].last_message.message),
        ("m-b", page[1].last_message.message),
        ("m-c", ""),
        ("m-d", page[0].last_message.message),
    ]
    assert index_is_exact(store.db)
    assert [h.conversation_id for h in store.search.search("7700900")] == ["b"]
    assert sorted(h.message_id for h in store.search.search("jaźń")) == ["m-a", "m-b", "m-d"]


def test_rows_added_another_way_still_get_their_documents_from_the_triggers(store):
    store.inbox.merge_conversations([conversation("a")])
    calls = counting_unpacker(store)
    later = conversation("a").last_message.model_copy(update={"id": "m-later", "message": "Parcel at the depot"})
    assert store.inbox.merge_messages("a", [later]) == ["m-later"]
    assert calls[0] > 0  # the insert trigger built it
    assert [h.message_id for h in store.search.search("depot")] == ["m-later"]
    # Merged as the conversation's last message next: the document it has already stays, alone.
    store.inbox.merge_conversations([conversation("a").model_copy(update={"last_message": later})])
    assert [row for row in message_documents(store) if row[0] == "m-later"] == [("m-later", "Parcel at the depot")]
    assert index_is_exact(store.db)


def test_a_store_of_schema_16_gets_guarded_insert_triggers_and_keeps_its_documents(tmp_path):
    path = tmp_path / "old.sqlite3"
    old_store(path, 16, lambda inbox: inbox.merge_conversations([conversation("a"), conversation("b", email=None)]))
    store = Store(path)
    try:
        triggers = dict(store.db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall())
        for name in ("messages_search_ai", "conversations_search_ai"):
            assert "WHEN NOT EXISTS" in triggers[name]
        assert stored_documents(store) == reference_documents(store) and len(stored_documents(store)) == 2
        store.inbox.merge_conversations([conversation("c", number="+15559870000"), conversation("a", closed=True)])
        assert stored_documents(store) == reference_documents(store) and len(stored_documents(store)) == 3
        assert [h.conversation_id for h in store.search.search("9870000")] == ["c"]
        assert index_is_exact(store.db)
    finally:
        store.close()
