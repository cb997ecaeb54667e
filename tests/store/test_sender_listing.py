"""The list narrowed to one sender number (with the other filters), the numbers seen, and the
number a contact last texted."""

from sakari_tui.api import Conversation
from sakari_tui.store import Store

from ..support.factories import conversation

US = "+14155550100"
UK = "+447700900100"


def on(sender: str, cid: str, **fields) -> Conversation:
    wire = conversation(cid, **fields).to_wire()
    wire["phoneNumber"] = {"number": sender} if sender else None
    return Conversation.model_validate(wire)


def make_store() -> Store:
    store = Store(":memory:")
    store.inbox.merge_conversations(
        [
            on(US, "u1", minutes_ago=1, name="Ana", number="+15551230001"),
            on(UK, "k1", minutes_ago=2, name="Casey", number="+447700900555", unread=["x"]),
            on(US, "u2", minutes_ago=3, name="Bo", number="+15551230002", closed=True),
            on(UK, "k2", minutes_ago=4, name="Dee", number="+447700900556", text="order 42"),
            on(US, "u3", minutes_ago=50, name="Casey", number="+447700900555", closed=True),
            on("", "new:+15551239999", minutes_ago=0, name="+15551239999", number="+15551239999"),
        ]
    )
    return store


def test_a_sender_filter_lists_only_that_numbers_conversations_and_those_of_no_known_number():
    store = make_store()
    assert store.inbox.listing(sender=UK).ids == ["k1", "new:+15551239999", "k2"]
    assert set(store.inbox.listing(sender=US).ids) == {"new:+15551239999", "u1", "u2", "u3"}
    assert len(store.inbox.listing(sender="")) == 6
    assert [row.id for row in store.inbox.rows(sender=UK, unread_first=False)] == ["new:+15551239999", "k1", "k2"]


def test_the_sender_filter_goes_with_the_other_filters():
    store = make_store()
    assert store.inbox.listing(sender=US, show_closed=False).ids == ["new:+15551239999", "u1"]
    assert store.inbox.listing(sender=UK, query="order").ids == ["k2"]
    assert store.inbox.listing(sender=US, query="order").ids == []
    assert store.inbox.listing(sender=UK).options.sender == UK


def test_relisted_keeps_the_sender_filter():
    store = make_store()
    listing = store.inbox.listing(sender=UK, unread_first=False)
    store.inbox.merge_conversations(
        [on(US, "u4", minutes_ago=0, name="Eve"), on(UK, "k3", minutes_ago=0, name="Fay"), on(US, "k2", minutes_ago=0)]
    )
    relisted = store.inbox.relisted(listing, ["u4", "k3", "k2"])
    assert relisted.ids == store.inbox.listing(sender=UK, unread_first=False).ids
    assert "u4" not in relisted.ids and "k2" not in relisted.ids and "k3" in relisted.ids[:2]


def test_the_sender_numbers_seen_are_distinct_and_known_ones_only():
    store = make_store()
    assert store.inbox.sender_numbers() == [US, UK]
    assert store.inbox.sender_numbers(["k1", "k2"]) == [UK]
    assert store.inbox.sender_numbers([]) == []
    assert Store(":memory:").inbox.sender_numbers() == []


def test_the_number_a_contact_last_texted_is_their_newest_conversations():
    store = make_store()
    assert store.inbox.last_sender_to("+447700900555") == ("Casey", UK)
    assert store.inbox.last_sender_to("+15551230002") == ("Bo", US)
    assert store.inbox.last_sender_to("+15551239999") is None  # only a first text not yet on Sakari
    assert store.inbox.last_sender_to("+15550000000") is None
