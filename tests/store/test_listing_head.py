"""A listing read as its head first (the first frame's rows and the counts), and positions kept by
sort key across moves, without a map of every position."""

import itertools
import random

from sakari_tui.store import Store
from sakari_tui.store.listing import SENDER_NUMBERS_SQL

from ..support.factories import conversation
from .test_listing import make_store


def _same(listing, fresh):
    assert listing.ids == fresh.ids
    assert listing.unread == fresh.unread
    assert listing.last_at == fresh.last_at
    assert len(listing) == len(fresh) and listing.unread_total == fresh.unread_total


def test_a_head_of_5000_shows_its_first_rows_and_counts_before_the_rest_is_read():
    store = make_store(5000)
    for unread_first in (True, False):
        fresh = store.inbox.listing(unread_first=unread_first)
        head = store.inbox.listing(unread_first=unread_first, first=50)
        assert not head.complete
        assert len(head) == 5000 and head.unread_total == fresh.unread_total
        assert head.ids_between(0, 50) == fresh.ids[:50]
        assert [head.id_at(i) for i in range(50)] == fresh.ids[:50]
        assert [row.id for row in head[:50]] == fresh.ids[:50]
        assert head.index_of(fresh.ids[7]) == 7
        assert not head.complete  # nothing so far needed more than the head
        assert head[4999].id == fresh.ids[4999]  # past the head: the rest is read then
        assert head.complete
        _same(head, fresh)


def test_a_head_reads_the_rest_when_asked_and_a_short_list_is_whole_at_once():
    store = make_store(300, unread_every=100)  # c0, c100, c200 unread: the unread run is short
    head = store.inbox.listing(first=20)
    assert head.ids_between(0, 4) == ["c0", "c100", "c200", "c1"]
    head.read_rest()
    _same(head, store.inbox.listing())
    whole = store.inbox.listing(first=500)
    assert whole.complete
    _same(whole, store.inbox.listing())


def test_every_view_and_filter_has_the_same_head_as_its_whole_listing():
    store = make_store(200)
    store.inbox.mark_read("c3")
    for view, show_closed, unread_first in itertools.product(
        ("all", "needs-reply", "waiting"), (True, False), (True, False)
    ):
        fresh = store.inbox.listing(view=view, show_closed=show_closed, unread_first=unread_first)
        head = store.inbox.listing(view=view, show_closed=show_closed, unread_first=unread_first, first=10)
        assert len(head) == len(fresh) and head.unread_total == fresh.unread_total
        assert head.ids_between(0, 10) == fresh.ids[:10]
        _same(head, fresh)


def test_a_head_read_after_the_store_changed_lists_the_store_as_it_is_then():
    store = make_store(100)
    head = store.inbox.listing(unread_first=False, first=10)
    head[0]
    store.inbox.merge_conversations([conversation("c-new", minutes_ago=-5, name="Newest")])
    head.read_rest()
    assert head.ids[0] == "c-new" and head[0].id == "c-new"  # no row kept at a stale place


def test_relisted_from_a_head_matches_a_fresh_listing():
    store = make_store(400)
    head = store.inbox.listing(first=30)
    store.inbox.merge_conversations([conversation("c399", minutes_ago=-1, unread=["n"])])
    _same(store.inbox.relisted(head, ["c399"]), store.inbox.listing())


def test_positions_stay_right_after_inserts_and_moves_of_many_at_once():
    """Large random batches (several at one place, ties on last_at): every id is found where it is."""
    rng = random.Random(17)
    for unread_first, view in (
        (True, "all"),
        (False, "all"),
        (True, "needs-reply"),
    ):
        store = make_store(300)
        inbox = store.inbox
        listing = inbox.listing(unread_first=unread_first, view=view)
        for step in range(12):
            picked = {f"c{rng.randrange(420)}" for _ in range(rng.randrange(1, 120))}
            inbox.merge_conversations(
                conversation(
                    cid,
                    minutes_ago=rng.choice([3, 3, 50, rng.randrange(-5, 400)]),
                    unread=(["u", str(step)] if rng.random() < 0.4 else []),
                    outgoing=rng.random() < 0.3,
                    message_id=f"m{step}-{cid}",
                )
                for cid in sorted(picked)
            )
            previous = listing
            listing = inbox.relisted(listing, picked)
            fresh = inbox.listing(unread_first=unread_first, view=view)
            _same(listing, fresh)
            assert all(listing.index_of(cid) == index for index, cid in enumerate(fresh.ids))
            assert listing.index_of("c-none") is None
            # The listing it came from still answers for itself (its map was handed on).
            assert all(previous.index_of(cid) == index for index, cid in enumerate(previous.ids[:40]))
        store.close()


def test_index_of_checks_the_hint_first():
    store = make_store(20)
    listing = store.inbox.listing(unread_first=False)
    assert listing.index_of("c5", hint=5) == 5
    assert listing.index_of("c5", hint=6) == 5 and listing.index_of("c5", hint=99) == 5


def test_sender_numbers_come_from_their_index_not_a_scan_of_every_row():
    store = Store(":memory:")
    plan = [row[-1] for row in store.db.execute(f"EXPLAIN QUERY PLAN {SENDER_NUMBERS_SQL}")]
    assert any("conversations_by_sender" in step for step in plan)
    assert not any(step.startswith("SCAN conversations") for step in plan), plan


def test_a_heads_unread_count_counts_each_mark_once_whoever_the_conversation_belongs_to():
    """The head counts unread texts and U marks apart (listing._counts): a conversation with both
    counts once, a read one marked U counts, one read since its text does not, and a mark keyed by
    a conversation with no contact finds it."""
    store = make_store(300)  # c0, c3, c6 … unread
    inbox = store.inbox
    no_contact = conversation("lone", minutes_ago=400).model_copy(update={"contact": None})
    other_number = conversation("far", minutes_ago=401, unread=["u"]).model_copy(
        update={"phone_number": conversation("x").phone_number.model_copy(update={"number": "+14155550199"})}
    )
    inbox.merge_conversations([no_contact, other_number, conversation("shut", minutes_ago=402, closed=True)])
    inbox.mark_read("c3")  # read since its text
    for cid in ("c6", "c1", "c2", "lone", "shut"):  # unread and marked; read and marked (…); no contact
        inbox.mark_unread(cid)
    assert inbox.is_unread("lone") and inbox.is_unread("c1") and not inbox.is_unread("c3")
    for options in (
        {},
        {"show_closed": False},
        {"sender": "+14155550199"},
        {"sender": "+14155550100", "show_closed": False},
        {"unread_first": False},
    ):
        fresh = inbox.listing(**options)
        head = inbox.listing(**options, first=10)
        assert head.complete == (len(fresh) <= 10)
        assert (len(head), head.unread_total) == (len(fresh), sum(fresh.unread)), options


def test_a_head_drawn_before_it_is_counted_has_the_heads_length_until_it_takes_its_counts():
    store = make_store(500)
    inbox = store.inbox
    for options in ({}, {"show_closed": False}, {"unread_first": False}, {"sender": "+14155550100"}):
        fresh = inbox.listing(**options)
        head = inbox.listing(**options, first=20, counted=False)
        assert not head.counted and not head.complete
        assert len(head) == 20 and head.ids_between(0, 20) == fresh.ids[:20]
        counts = head.whole_counts(None)
        assert counts == (len(fresh), fresh.unread_total)
        assert not head.counted  # whole_counts changes nothing: a thread reads them
        head.take_counts(counts)
        assert head.counted and not head.complete and len(head) == len(fresh)
        assert head.whole_counts(None) is None
        _same(head, fresh)


def test_an_uncounted_heads_unread_total_counts_it_without_reading_the_rest():
    store = make_store(500)
    head = store.inbox.listing(first=20, counted=False)
    assert head.unread_total == store.inbox.listing().unread_total
    assert head.counted and not head.complete and len(head) == 500
    counted = store.inbox.listing(first=20)
    assert counted.counted and counted.whole_counts(None) is None  # counted with its head


def test_a_head_is_read_in_the_listings_order_from_its_index_not_sorted_whole():
    """Closed and sender conditions picking an index made SQLite read every open conversation and
    sort them to find the first screenful (40-55 ms at 100,000): the head stops after it."""
    store = make_store(300)
    statements: list[str] = []
    store.db.set_trace_callback(statements.append)
    for options in ({}, {"show_closed": False}, {"sender": "+14155550100", "show_closed": False}):
        for unread_first in (True, False):
            statements.clear()
            store.inbox.listing(**options, unread_first=unread_first, first=20, counted=False)
            heads = [sql for sql in statements if sql.lstrip().startswith("SELECT c.id")]
            assert heads, statements
            for sql in heads:
                plan = [row[-1] for row in store.db.execute(f"EXPLAIN QUERY PLAN {sql}")]
                assert any("conversations_listing" in step for step in plan), (options, plan)
                assert not any("TEMP B-TREE" in step for step in plan), (options, plan)
