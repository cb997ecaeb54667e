"""The list's views as store queries: membership, order, the sender filter, snoozes and unread marks."""

import pytest

from sakari_tui.api import Conversation
from sakari_tui.sms import authors
from sakari_tui.sms.authors import AuthorKind, author_of
from sakari_tui.store import Store
from sakari_tui.store import views as views_sql
from sakari_tui.store.unread import needs_reply, wait_words
from sakari_tui.store.views import View, parse_view, scheduled_conversation_ids

from ..support.factories import NOW, conversation

T = NOW.timestamp()


def convo(cid, *, minutes_ago=0, outgoing=False, by=None, closed=False, contact_id=None, sender="+14155550100", **more):
    built = conversation(cid, minutes_ago=minutes_ago, outgoing=outgoing, closed=closed, contact_id=contact_id, **more)
    wire = built.to_wire() if hasattr(built, "to_wire") else built.model_dump(by_alias=True, mode="json")
    wire["phoneNumber"] = {"number": sender}
    if by is not None:
        wire["lastMessage"]["created"]["by"] = by
    return Conversation.model_validate(wire)


AUTO = {"source": "auto-responder"}
ALEX = {"firstName": "Alex", "source": "hub"}


@pytest.fixture
def store():
    store = Store(":memory:")
    store.inbox.merge_conversations(
        [
            convo("new", minutes_ago=5),  # the customer wrote 5 minutes ago
            convo("old", minutes_ago=90),  # ... 90 minutes ago: the longest wait
            convo("auto", minutes_ago=30, outgoing=True, by=AUTO),  # an auto-reply answered nobody
            convo("ours", minutes_ago=10, outgoing=True, by=ALEX),  # a teammate answered
            convo("closed", minutes_ago=1, closed=True),
            convo("other", minutes_ago=2, sender="+14155550199"),
        ]
    )
    return store


def ids(store, view, **options):
    return [row.id for row in store.inbox.rows(view=view, now=T, **options)]


def test_needs_reply_is_the_customers_turn_oldest_wait_first(store):
    assert ids(store, View.NEEDS_REPLY) == ["old", "auto", "new", "other"]


def test_waiting_on_customer_is_ours_or_a_teammates(store):
    assert ids(store, View.WAITING) == ["ours"]


def test_all_is_todays_list(store):
    assert ids(store, View.ALL, unread_first=False) == ["closed", "other", "new", "ours", "auto", "old"]
    assert "closed" not in ids(store, View.ALL, show_closed=False)


def test_each_view_respects_the_sender_filter(store):
    assert ids(store, View.NEEDS_REPLY, sender="+14155550100") == ["old", "auto", "new"]
    assert ids(store, View.NEEDS_REPLY, sender="+14155550199") == ["other"]


def test_failed_and_scheduled_come_from_the_outbox(store):
    db = store.inbox.db
    with db:
        for local_id, cid, state in (("1", "ours", "failed"), ("2", "new", "unknown"), ("3", "old", "queued")):
            db.execute(
                "INSERT INTO outbox (local_id, conversation_id, text, state, created_at) VALUES (?, ?, 'x', ?, 0)",
                (local_id, cid, state),
            )
    assert ids(store, View.FAILED) == ["new", "ours"]
    assert ids(store, View.SCHEDULED) == [] and scheduled_conversation_ids(db) == set()
    with db:
        db.execute("UPDATE outbox SET state = 'scheduled' WHERE local_id = '3'")
    assert ids(store, View.SCHEDULED) == ["old"] and scheduled_conversation_ids(db) == {"old"}


def test_a_snooze_leaves_the_views_until_its_time(store):
    store.inbox.snooze("old", T + 3600, now=T)
    assert ids(store, View.NEEDS_REPLY) == ["auto", "new", "other"]
    assert ids(store, View.SNOOZED) == ["old"]
    assert "old" in ids(store, View.ALL)
    assert store.inbox.next_wake(T) == T + 3600
    later = T + 3601
    assert [row.id for row in store.inbox.rows(view=View.NEEDS_REPLY, now=later)][0] == "old"
    row = store.inbox.rows_by_id(["old"])["old"]
    assert row.snooze is not None and row.snooze.woke(later) == "snooze ended" and row.snooze.woke(T) is None
    store.inbox.mark_read("old", now=later)  # opened: the woken snooze has said why
    assert store.inbox.snooze_of("old") is None


def test_a_snooze_wakes_when_the_customer_writes(store):
    store.inbox.snooze("ours", T + 86400, now=T)
    assert ids(store, View.WAITING) == [] and ids(store, View.SNOOZED) == ["ours"]
    store.inbox.merge_conversations([convo("ours", minutes_ago=-1, message_id="m-reply")])
    assert "ours" in ids(store, View.NEEDS_REPLY) and ids(store, View.SNOOZED) == []
    assert store.inbox.snooze_of("ours").woke(T) == "customer replied"
    store.inbox.mark_read("ours", now=T)
    assert store.inbox.snooze_of("ours") is None


def test_opening_a_sleeping_conversation_keeps_its_snooze(store):
    store.inbox.snooze("old", T + 3600, now=T)
    store.inbox.mark_read("old", now=T)
    assert ids(store, View.SNOOZED) == ["old"]
    store.inbox.unsnooze("old")
    assert ids(store, View.SNOOZED) == []


def test_snooze_and_unread_mark_survive_a_replaced_conversation():
    store = Store(":memory:")
    store.inbox.merge_conversations([convo("first", minutes_ago=60, outgoing=True, by=ALEX, contact_id="k1")])
    store.inbox.snooze("first", T + 3600, now=T)
    store.inbox.mark_unread("first")
    # Closed on Sakari; a new text would open a new conversation with the same contact and number.
    store.inbox.merge_conversations(
        [
            convo("first", minutes_ago=60, outgoing=True, by=ALEX, contact_id="k1", closed=True),
            convo("second", minutes_ago=50, outgoing=True, by=ALEX, contact_id="k1"),
        ]
    )
    assert ids(store, View.SNOOZED) == ["second"]
    assert store.inbox.is_unread("second")
    # Another number of the account keeps its own.
    store.inbox.merge_conversations([convo("elsewhere", minutes_ago=40, contact_id="k1", sender="+14155550199")])
    assert not store.inbox.is_unread("elsewhere") and store.inbox.snooze_of("elsewhere") is None


def test_mark_unread_lasts_until_opened(store):
    assert not store.inbox.is_unread("ours")
    store.inbox.mark_unread("ours")
    assert store.inbox.is_unread("ours")
    row = store.inbox.rows_by_id(["ours"])["ours"]
    assert row.unread and row.marked_unread
    assert store.inbox.listing(unread_first=True, now=T).ids[0] == "ours"
    store.inbox.mark_read("ours", now=T)
    assert not store.inbox.is_unread("ours")


def test_relisted_keeps_every_view_equal_to_a_fresh_listing(store):
    for view in View:
        listing = store.inbox.listing(view=view, now=T)
        store.inbox.merge_conversations([convo("new", minutes_ago=-3, outgoing=True, by=ALEX, message_id="m-x")])
        store.inbox.snooze("auto", T + 60, now=T)
        moved = store.inbox.relisted(listing, ["new", "auto"], now=T)
        assert moved.ids == store.inbox.listing(view=view, now=T).ids, view
        store.inbox.unsnooze("auto")


def test_needs_reply_counts_for_the_cli(store):
    store.inbox.set_muted("new", True)
    store.inbox.snooze("other", T + 60, now=T)
    counted = needs_reply(store.inbox.db, T)
    assert counted.count == 2  # old and auto: "new" is muted, "other" snoozed, "closed" closed
    assert wait_words(T - counted.oldest_at.timestamp()) == "1h"
    assert [wait_words(s) for s in (0, 59, 60, 47 * 60, 3 * 3600, 3 * 86400)] == ["now", "now", "1m", "47m", "3h", "3d"]


def test_the_auto_reply_words_and_rule_are_the_authors_module_s():
    assert views_sql.AUTO_WORDS == authors._AUTO_WORDS and views_sql.CAMPAIGN_WORDS == authors._CAMPAIGN_WORDS
    store = Store(":memory:")
    samples = [
        AUTO,
        ALEX,
        {"source": "campaign", "subSource": "autoresponder"},
        {"subSource": "Keyword_Response"},
        {"source": "API"},
        {"source": "office-hours"},
        {"source": "Auto Reply"},
    ]
    store.inbox.merge_conversations(convo(f"c{i}", minutes_ago=i, outgoing=True, by=by) for i, by in enumerate(samples))
    expected = [
        f"c{i}" for i, by in enumerate(samples) if author_of(True, by, sent_here=False).kind is AuthorKind.AUTO_REPLY
    ]
    needing = set(ids(store, View.NEEDS_REPLY))
    assert needing == set(expected) and len(expected) == 4


def test_views_are_named_for_settings_and_the_cli():
    assert parse_view("needs_reply") is View.NEEDS_REPLY and parse_view(" All ") is View.ALL
    with pytest.raises(ValueError, match="not a view"):
        parse_view("inbox zero")
    assert View.NEEDS_REPLY.title == "Needs reply" and View.ALL.title == "Inbox"


def test_the_settings_know_the_views_and_read_durations():
    from sakari_tui.config import VIEW_NAMES, TriageSection, parse_duration

    assert VIEW_NAMES == tuple(view.value for view in View)
    assert TriageSection(default_view="Needs_Reply").default_view == "needs-reply"
    assert [parse_duration(v) for v in ("30m", "2h", "1h30m", "90s", 45, "600")] == [1800, 7200, 5400, 90, 45, 600]
    for bad in ("soon", "", "-5", 0, True):
        with pytest.raises(ValueError):
            parse_duration(bad)


def test_a_contact_who_opted_out_waits_for_nobody(store):
    store.inbox.merge_conversations([convo("stopped", minutes_ago=120, text="STOP")])
    assert store.inbox.is_opted_out("k-stopped")
    assert "stopped" not in ids(store, View.NEEDS_REPLY) and "stopped" in ids(store, View.ALL)
    assert needs_reply(store.db, T).count == len(ids(store, View.NEEDS_REPLY))
