"""Who wrote what, in the store: the raw `created.by` columns, their migration, and `sent_here`."""

import json

from sakari_tui.api import Conversation
from sakari_tui.sms.authors import AuthorKind
from sakari_tui.store import Store
from sakari_tui.store.db import SCHEMA_VERSION

from ..support.factories import conversation, message
from ..support.old_store import old_store

HUB = {"id": "usr-7", "firstName": "Alex", "source": "hub", "subSource": "inbox", "teamRole": "lead"}


def by_hub(conv: Conversation) -> Conversation:
    """`conv` with its last message sent by a teammate in the Hub."""
    wire = conv.to_wire()
    last = wire["lastMessage"]
    last.update(outgoing=True, created={**last["created"], "by": HUB})
    return Conversation.model_validate(wire)


def test_migration_fills_created_by_from_the_raw_json_and_keeps_every_field(tmp_path):
    path = tmp_path / "old.sqlite3"

    def fill(cache):
        cache.merge_conversations([by_hub(conversation("a", text="On it"))])
        sent = message("m1", "Hi", cid="a", outgoing=True, created={"at": "2026-11-30T10:00:00Z", "by": HUB})
        cache.merge_messages("a", [sent])

    old_store(path, 7, fill)
    store = Store(path)
    try:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        raw = store.db.execute("SELECT created_by FROM messages WHERE id = 'm1'").fetchone()[0]
        assert json.loads(raw) == HUB  # source, subSource and the field nobody documents, all kept
        row = store.inbox.rows()[0]
        assert json.loads(row.last_by) == HUB
        assert row.last_author.label == "Alex · Hub" and row.last_author.prefix == "Alex: "
    finally:
        store.close()


def test_only_adopted_messages_are_sent_here(tmp_path):
    store = Store(tmp_path / "s.sqlite3")
    try:
        store.inbox.merge_conversations([by_hub(conversation("a", text="On it", message_id="m-ours"))])
        assert store.inbox.rows()[0].last_author.kind is AuthorKind.PERSON
        entry = store.outbox.add("a", None, "On it", ())
        store.outbox.adopted(entry.local_id, "m-ours")
        assert store.inbox.sent_here(["m-ours", "other"]) == {"m-ours"}
        assert store.inbox.rows()[0].last_author.kind is AuthorKind.YOU
        assert store.search.search("On it")[0].author.kind is AuthorKind.YOU
    finally:
        store.close()


def test_draft_base_is_kept_with_the_draft_and_goes_with_it(tmp_path):
    store = Store(tmp_path / "s.sqlite3")
    try:
        store.drafts.save("a", "Hel", '{"at": "x", "ids": []}')
        store.drafts.save("a", "Hello")  # later saves keep the base the draft started with
        assert store.drafts.base("a") == '{"at": "x", "ids": []}'
        store.drafts.save("a", "")
        assert store.drafts.base("a") is None
    finally:
        store.close()


def with_last_by(conv: Conversation, by: dict) -> Conversation:
    wire = conv.to_wire()
    wire["lastMessage"]["created"]["by"] = by
    return Conversation.model_validate(wire)


def test_an_auto_reply_does_not_swallow_the_customers_new_text(tmp_path):
    from sakari_tui.notify.alerts import Alerts

    store = Store(tmp_path / "s.sqlite3")
    try:
        store.inbox.merge_conversations([conversation("old", text="earlier")])
        opener = message("m-open", "Do you ship to Norway?", cid="a", minutes_ago=1)
        store.inbox.merge_messages("a", [opener])
        auto = with_last_by(
            conversation("a", text="Thanks for texting Sales!", outgoing=True, unread=["m-open"], message_id="m-auto"),
            {"source": "autoresponder", "name": "Sales auto-responder"},
        )
        teammate = with_last_by(conversation("b", text="Alex here", outgoing=True, unread=["x"], message_id="m-b"), HUB)
        result = store.inbox.merge_conversations([auto, teammate])
        assert result.new_inbound == ("a",)  # a teammate's answer is not news; an auto-reply's is
        alerts = Alerts.__new__(Alerts)  # only _event is exercised: no notifier needed
        alerts.store = store
        event = alerts._event("a")
        assert event is not None and event.text == "Do you ship to Norway?"
        assert alerts._event("b") is None
    finally:
        store.close()
