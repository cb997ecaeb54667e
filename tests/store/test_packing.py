"""The packed JSON of the cache (store/packing.py): lossless for any text, its formats frozen,
damage one sentence, and every reader (threads, the list, search) the same on packed and old rows."""

from __future__ import annotations

import hashlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sakari_tui.store import Store, StoreDamaged, packing
from sakari_tui.store.packing import PackingError, conversation_json_sql, pack_json, row_context, unpack_json
from sakari_tui.store.raw import dump_json

from ..support.factories import conversation, message
from ..support.old_store import old_store

_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
_json_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=20,
)
# Non-Latin scripts, emoji with joiners and skin tones, combining marks, and what JSON escapes.
_TEXTS = st.text(alphabet=st.sampled_from('aZ0 "\\\n\tçé漢字مرحبا👋🏽👨‍👩‍👧\u0301\u200d{}[]:,')) | st.text()


@settings(max_examples=200, deadline=None)
@given(value=_json_values, context=st.none() | _TEXTS)
def test_any_json_reads_back_byte_for_byte(value, context):
    text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    packed = pack_json(text, context)
    assert isinstance(packed, bytes) and unpack_json(packed, context) == text


@settings(max_examples=100, deadline=None)
@given(text=_TEXTS, parts=st.lists(st.none() | _TEXTS, max_size=4))
def test_any_text_with_any_row_context_reads_back(text, parts):
    context = row_context(*parts)
    assert unpack_json(pack_json(text, context), context) == text


def test_a_plain_text_value_is_the_old_format_and_reads_as_it_is():
    assert unpack_json('{"id": "m1"}') == '{"id": "m1"}'


def test_the_formats_are_frozen():
    """Rows on users' disks were packed with these bytes: the dictionary never changes, and values
    packed by the first release read back forever (a new dictionary would be a new tag)."""
    assert hashlib.sha256(packing._DICTIONARY_1).hexdigest() == (
        "fb1741b0dbc94df86104edea05228998da3ccf22e2f794f6709c99773a11615a"
    )
    first_release = bytes.fromhex("01837935d710ad1cf1cf39bc50e1c3fc89dd0a375b6f6cbcb1f6c68a1bcb95b024ee5a00")
    assert unpack_json(first_release) == '{"id": "m1", "message": "Olá 👋 مرحبا", "outgoing": false}'
    in_row = bytes.fromhex("0283f93dd9105b6c40e4720dd10a1d986660680200")
    assert unpack_json(in_row, "c1\nk1\nm1\nhi there") == (
        '{"id": "c1", "lastMessage": {"id": "m1", "message": "hi there"}}'
    )


def test_the_structure_packs_small():
    text = dump_json(message("m1", "See you at 5", cid="c1"))
    assert len(pack_json(text)) < len(text) / 2


@pytest.mark.parametrize(
    "value",
    [b"", b"\x09whatever", b"\x01\xff\xff\xff\xff", pack_json('{"id": "m1"}')[:-2], pack_json('{"a": 1}') + b"x"],
    ids=["empty", "unknown tag", "not deflate", "cut short", "trailing bytes"],
)
def test_a_value_in_no_format_we_wrote_is_a_packing_error(value):
    with pytest.raises(PackingError):
        unpack_json(value)


def test_a_conversation_packed_against_its_row_needs_its_row():
    packed = pack_json('{"id": "c1"}', row_context("c1", "k1", "m1", "hi"))
    with pytest.raises(PackingError):
        unpack_json(packed)


@pytest.fixture
def store():
    s = Store(":memory:")
    yield s
    s.close()


def test_rows_are_written_packed_and_read_back_as_dumped(store):
    merged = conversation("a", text="Grüße 👋", message_id="m1")
    store.inbox.merge_conversations([merged])
    later = message("m2", "نعم، شكرا", cid="a", minutes_ago=-1)
    store.inbox.merge_messages("a", [later])
    types = {
        row[0]
        for row in store.db.execute("SELECT typeof(raw) FROM messages UNION SELECT typeof(raw) FROM conversations")
    }
    assert types == {"blob"}
    assert tuple(store.db.execute("SELECT typeof(fingerprint), length(fingerprint) FROM conversations").fetchone()) == (
        "blob",
        12,
    )
    assert dump_json(store.inbox.conversation("a")) == dump_json(merged)
    assert [dump_json(m) for m in store.inbox.thread("a")] == [dump_json(merged.last_message), dump_json(later)]
    assert store.db.execute(f"SELECT {conversation_json_sql()} FROM conversations").fetchone()[0] == dump_json(merged)


def test_an_unchanged_merge_writes_nothing(store):
    store.inbox.merge_conversations([conversation("a", message_id="m1")])
    store.inbox.merge_messages("a", [message("m2", cid="a")])
    changes = store.db.total_changes
    assert store.inbox.merge_conversations([conversation("a", message_id="m1")]).unchanged == 1
    assert store.inbox.merge_messages("a", [message("m2", cid="a")]) == []
    assert store.db.total_changes == changes


def test_search_indexes_packed_rows_and_follows_their_changes(store):
    store.inbox.merge_conversations([conversation("a", text="parcel arrived", message_id="m1")])
    store.inbox.merge_messages("a", [message("m2", "the invoice is attached", cid="a")])
    assert [hit.message_id for hit in store.search.search("invoice")] == ["m2"]
    assert [hit.message_id for hit in store.search.search("parcel")] == ["m1"]
    store.inbox.merge_messages("a", [message("m2", "the receipt is attached", cid="a")])
    assert store.search.search("invoice") == [] and [h.message_id for h in store.search.search("receipt")] == ["m2"]
    assert [row.id for row in store.inbox.rows(query="receipt")] == ["a"]  # the list's filter reads the text too


def test_a_contact_edit_repacks_its_conversations(store):
    from sakari_tui.api import Contact

    store.inbox.merge_conversations([conversation("a", contact_id="k1", name="Ana Silva")])
    store.inbox.update_contact_identity(Contact.model_validate({"id": "k1", "firstName": "Ana", "lastName": "Souza"}))
    assert store.inbox.conversation("a").contact.display_name == "Ana Souza"
    assert [hit.kind for hit in store.search.search("Souza")] == ["contact"]


def _corrupt(store: Store, table: str) -> None:
    value = bytearray(store.db.execute(f"SELECT raw FROM {table} LIMIT 1").fetchone()[0])
    value[0] = 0x7F  # a tag no version wrote
    store.db.execute(f"UPDATE {table} SET raw = ?", (bytes(value),))


def test_a_damaged_packed_value_is_store_damaged_in_one_sentence(tmp_path):
    path = tmp_path / "inbox.sqlite3"
    store = Store(path)
    store.inbox.merge_conversations([conversation("a", name="Sipho Nkosi", message_id="m1", outgoing=True)])
    store.db.execute("DROP TRIGGER messages_search_au")  # only to plant the damage
    _corrupt(store, "messages")
    for read in (lambda: store.inbox.thread("a"), lambda: store.inbox.outgoing_texts("a", None)):
        with pytest.raises(StoreDamaged) as caught:
            read()
        assert str(caught.value) == f"The local store at {path} is damaged."
        assert caught.value.__cause__ is None
    store.close()


def test_a_damaged_packed_conversation_is_store_damaged_in_sql_too(store):
    store.inbox.merge_conversations([conversation("a", message_id="m1")])
    store.db.execute("DROP TRIGGER conversations_search_au")  # only to plant the damage
    _corrupt(store, "conversations")
    with pytest.raises(StoreDamaged):
        store.inbox.conversation("a")
    with pytest.raises(StoreDamaged):  # what the search triggers read, in SQL
        store.db.execute(f"SELECT {conversation_json_sql()} FROM conversations").fetchall()


def _fill(inbox) -> None:
    inbox.merge_conversations(
        [conversation("a", text="parcel arrived", message_id="m1"), conversation("b", text="Olá", minutes_ago=3)]
    )
    inbox.merge_messages("a", [message("m0", "where is my parcel", cid="a", minutes_ago=9)])


def test_rows_an_older_version_wrote_are_read_as_they_are(tmp_path):
    path = tmp_path / "old.sqlite3"
    old_store(path, 13, _fill)
    store = Store(path)
    try:
        assert {row[0] for row in store.db.execute("SELECT typeof(raw) FROM messages")} == {"text"}  # not converted
        assert [row.id for row in store.inbox.rows()] == ["a", "b"]
        assert [m.id for m in store.inbox.thread("a")] == ["m0", "m1"]
        assert store.inbox.conversation("b").last_message.message == "Olá"
        assert [hit.message_id for hit in store.search.search("parcel")] == ["m1", "m0"]
        assert store.inbox.merge_conversations([conversation("b", text="Olá", minutes_ago=3)]).unchanged == 1
        # A change to an old row writes it packed, and the index follows.
        store.inbox.merge_messages("a", [message("m0", "where is my order", cid="a", minutes_ago=9)])
        assert store.db.execute("SELECT typeof(raw) FROM messages WHERE id = 'm0'").fetchone()[0] == "blob"
        assert [hit.message_id for hit in store.search.search("order")] == ["m0"]
    finally:
        store.close()
