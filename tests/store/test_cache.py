"""The cached inbox: merges, ordering, filters, read marks, drafts, keywords, migrations."""

import sqlite3
from datetime import timedelta

import pytest

from sakari_tui.api import Contact, Message
from sakari_tui.store import Store, StoreError
from sakari_tui.store.db import SCHEMA_VERSION

from ..support.factories import NOW, conversation


@pytest.fixture
def store():
    s = Store(":memory:")
    yield s
    s.close()


def test_merge_reports_changes_and_new_inbound(store):
    first = store.inbox.merge_conversations([conversation("a", unread=["m1"]), conversation("b", outgoing=True)])
    assert set(first.changed) == {"a", "b"} and first.new_inbound == ("a",) and first.unchanged == 0
    again = store.inbox.merge_conversations([conversation("a", unread=["m1"]), conversation("b", outgoing=True)])
    assert again.changed == () and again.unchanged == 2
    newer = store.inbox.merge_conversations([conversation("a", text="again?", message_id="m2", unread=["m1", "m2"])])
    assert newer.changed == ("a",) and newer.new_inbound == ("a",)
    status_only = store.inbox.merge_conversations([conversation("b", outgoing=True, text="changed text")])
    assert status_only.changed == ("b",) and status_only.new_inbound == ()


def test_rows_unread_first_then_newest(store):
    store.inbox.merge_conversations(
        [
            conversation("old-unread", minutes_ago=50, unread=["x"]),
            conversation("new-read", minutes_ago=1),
            conversation("mid-read", minutes_ago=10),
        ]
    )
    assert [r.id for r in store.inbox.rows()] == ["old-unread", "new-read", "mid-read"]
    assert [r.id for r in store.inbox.rows(unread_first=False)] == ["new-read", "mid-read", "old-unread"]


def test_read_marks_are_local_and_new_inbound_makes_it_unread_again(store):
    store.inbox.merge_conversations([conversation("a", minutes_ago=5, unread=["m"])])
    assert store.inbox.is_unread("a")
    store.inbox.mark_read("a")
    assert not store.inbox.is_unread("a")
    assert not store.inbox.rows()[0].unread
    store.inbox.merge_conversations([conversation("a", minutes_ago=0, unread=["m", "n"], message_id="n")])
    assert store.inbox.is_unread("a")


def test_closed_are_hidden_on_request(store):
    store.inbox.merge_conversations([conversation("open"), conversation("shut", closed=True, minutes_ago=1)])
    assert [r.id for r in store.inbox.rows(show_closed=False)] == ["open"]
    assert {r.id for r in store.inbox.rows(show_closed=True)} == {"open", "shut"}


def test_filter_by_name_number_and_text(store):
    store.inbox.merge_conversations(
        [
            conversation("a", name="Zofia Nowak", number="+48601234567", text="What time do you close?"),
            conversation("b", name="Ji-woo Park", number="+821012345678", text="It says delivered"),
        ]
    )
    store.inbox.merge_messages(
        "b",
        [Message.model_validate({"id": "old", "message": "refund please", "created": {"at": "2026-01-01T00:00:00Z"}})],
    )
    assert [r.id for r in store.inbox.rows(query="zofia")] == ["a"]
    assert [r.id for r in store.inbox.rows(query="601 234")] == ["a"]
    assert [r.id for r in store.inbox.rows(query="delivered")] == ["b"]
    assert [r.id for r in store.inbox.rows(query="refund")] == ["b"]  # older cached messages count too
    assert store.inbox.rows(query="100%_") == []  # LIKE wildcards are literal


def test_thread_is_oldest_first_with_limit_and_before(store):
    messages = [
        Message.model_validate(
            {"id": f"m{i}", "message": str(i), "created": {"at": (NOW + timedelta(seconds=i)).isoformat()}}
        )
        for i in range(10)
    ]
    assert len(store.inbox.merge_messages("c", messages)) == 10
    assert store.inbox.merge_messages("c", messages) == []  # unchanged
    assert [m.id for m in store.inbox.thread("c", limit=3)] == ["m7", "m8", "m9"]
    before = (NOW + timedelta(seconds=7)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert [m.id for m in store.inbox.thread("c", limit=3, before=before)] == ["m4", "m5", "m6"]
    assert store.inbox.message_count("c") == 10


def test_drafts_round_trip_and_mark_rows(store):
    store.inbox.merge_conversations([conversation("a"), conversation("b", minutes_ago=1)])
    store.drafts.save("a", "half a thought")
    assert store.drafts.get("a") == "half a thought" and store.drafts.get("b") == ""
    assert {r.id: r.has_draft for r in store.inbox.rows()} == {"a": True, "b": False}
    store.drafts.save("a", "   ")
    assert store.drafts.get("a") == ""


def test_opt_out_from_keyword_and_from_contact(store):
    store.inbox.merge_conversations([conversation("a", text=" Stop ", contact_id="k1")])
    assert store.inbox.rows()[0].opted_out and store.inbox.is_opted_out("k1")
    store.inbox.merge_conversations([conversation("a", text="START", contact_id="k1", message_id="m9")])
    assert not store.inbox.is_opted_out("k1")
    store.inbox.merge_contact(Contact.model_validate({"id": "k1", "blocked": "2026-01-01T00:00:00Z"}))
    assert store.inbox.is_opted_out("k1")
    store.inbox.merge_conversations(
        [conversation("a", text="please stop texting me", contact_id="k1", message_id="m10")]
    )
    assert store.inbox.is_opted_out("k1")  # not a keyword: state unchanged


def test_survives_reopen_and_refuses_a_newer_schema(tmp_path):
    path = tmp_path / "inbox.sqlite3"
    store = Store(path)
    store.inbox.merge_conversations([conversation("a")])
    store.drafts.save("a", "keep me")
    store.close()
    again = Store(path)
    assert again.inbox.count() == 1 and again.drafts.get("a") == "keep me"
    assert again.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert again.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    again.close()
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    raw.close()
    with pytest.raises(StoreError, match="newer"):
        Store(path)


def test_a_start_does_not_undo_an_opt_out_marked_in_the_app(store):
    store.inbox.merge_contact(Contact.model_validate({"id": "k1", "tags": [{"tag": "Opted-Out"}]}))
    assert store.inbox.is_opted_out("k1")
    store.inbox.merge_conversations([conversation("a", text="START", contact_id="k1", message_id="m9")])
    assert store.inbox.is_opted_out("k1")  # the tag stands until someone removes it


def test_a_stop_reports_the_contacts_other_conversations_as_changed_too(store):
    store.inbox.merge_conversations(
        [
            conversation("a", minutes_ago=1, contact_id="k1"),
            conversation("b", minutes_ago=5, contact_id="k1"),
            conversation("c", minutes_ago=6, contact_id="k2"),
        ]
    )
    result = store.inbox.merge_conversations([conversation("a", text="STOP", contact_id="k1", message_id="m-stop")])
    assert set(result.changed) == {"a", "b"}  # b's row now shows the opt-out as well
    again = store.inbox.merge_conversations([conversation("a", text="thanks", contact_id="k1", message_id="m-2")])
    assert again.changed == ("a",)  # no keyword, no flip: only the conversation itself
