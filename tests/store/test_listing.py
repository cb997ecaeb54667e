"""The lazy conversation listing: order from the index, rows read in blocks only when looked at."""

import itertools
import random

from sakari_tui.store import Store
from sakari_tui.store.cache import LISTING_BLOCK, RELIST_LIMIT

from ..support.factories import conversation


def make_store(count: int, unread_every: int = 3) -> Store:
    store = Store(":memory:")
    store.inbox.merge_conversations(
        conversation(f"c{i}", minutes_ago=i, unread=(["u"] if i % unread_every == 0 else []), name=f"Name {i}")
        for i in range(count)
    )
    return store


def test_listing_matches_rows_in_order_and_content():
    store = make_store(150)
    for unread_first in (True, False):
        listing = store.inbox.listing(unread_first=unread_first)
        assert list(listing) == store.inbox.rows(unread_first=unread_first)
        assert listing[-1] == listing[len(listing) - 1]
        assert listing[10:13] == store.inbox.rows(unread_first=unread_first)[10:13]


def test_rows_are_read_only_in_the_blocks_looked_at():
    store = make_store(300)
    loads: list[int] = []
    listing = store.inbox.listing()
    load = listing._load
    listing._load = lambda ids: (loads.append(len(ids)), load(ids))[1]
    assert listing[0].id == listing.ids[0]
    assert listing[1].id == listing.ids[1]  # same block: no second read
    assert listing[LISTING_BLOCK + 5].id == listing.ids[LISTING_BLOCK + 5]
    assert loads == [LISTING_BLOCK, LISTING_BLOCK]


def test_index_of_unread_total_and_next_unread_wrap_around():
    store = make_store(10, unread_every=4)  # c0, c4, c8 unread
    listing = store.inbox.listing(unread_first=False)
    assert listing.ids[:3] == ["c0", "c1", "c2"]
    assert listing.index_of("c4") == 4 and listing.index_of("nope") is None and listing.index_of(None) is None
    assert listing.unread_total == 3
    assert listing.next_unread(0) == 4
    assert listing.next_unread(8) == 0  # wraps to the top
    assert listing.next_unread(4, skip="c8") == 0


def test_listing_filters_like_rows():
    store = make_store(20)
    listing = store.inbox.listing(query="Name 1")
    assert set(listing.ids) == {row.id for row in store.inbox.rows(query="Name 1")}
    assert len(store.inbox.listing(query="no such person")) == 0


def _same(listing, fresh):
    assert listing.ids == fresh.ids
    assert listing.unread == fresh.unread
    assert listing.last_at == fresh.last_at


def test_relisted_matches_a_fresh_listing_after_every_kind_of_change():
    """New, newer, read, closed and reopened conversations and equal timestamps (ties go by id):
    the incremental update lands each where a fresh query puts it, for every listing option."""
    rng = random.Random(5)
    for show_closed, unread_first in itertools.product((True, False), repeat=2):
        store = make_store(60)
        inbox = store.inbox
        listing = inbox.listing(show_closed=show_closed, unread_first=unread_first)
        for step in range(40):
            picked = [f"c{rng.randrange(80)}" for _ in range(rng.randrange(1, 6))]
            kind = rng.choice(["merge", "read", "close", "tie"])
            if kind == "read":
                for cid in picked:
                    inbox.mark_read(cid)
            else:
                inbox.merge_conversations(
                    conversation(
                        cid,
                        minutes_ago=(7 if kind == "tie" else rng.randrange(-5, 90)),
                        unread=(["u", str(step)] if rng.random() < 0.5 else []),
                        closed=(kind == "close"),
                        message_id=f"m{step}-{cid}",
                    )
                    for cid in picked
                )
            listing = inbox.relisted(listing, picked)
            _same(listing, inbox.listing(show_closed=show_closed, unread_first=unread_first))
        store.close()


def test_relisted_with_a_text_filter_or_a_large_change_queries_afresh():
    store = make_store(30)
    filtered = store.inbox.listing(query="Name 2")
    store.inbox.merge_conversations([conversation("c99", minutes_ago=-1, name="Name 2b")])
    assert "c99" in store.inbox.relisted(filtered, ["c99"]).ids
    everything = store.inbox.listing()
    _same(store.inbox.relisted(everything, [f"c{i}" for i in range(RELIST_LIMIT + 1)]), store.inbox.listing())


def _counting_loads(listing, loads: list[str]):
    original = listing._load

    def counted(ids):
        loads.extend(ids)
        return original(ids)

    listing._load = counted


def test_a_moved_listing_keeps_the_rows_it_had_read_and_reads_the_changed_ones_again():
    """A sync's page moves the listing: the rows already read (those on screen) are not read from
    the store again at the next redraw, unless their conversation is among the changes."""
    store = make_store(200)
    inbox = store.inbox
    listing = inbox.listing()
    on_screen = [listing[i] for i in range(20)]
    far_down = ["c150", "c153", "c156", "c199"]  # below the screenful, as a sync's later pages are
    for cid in far_down:
        inbox.mark_read(cid)
    listing = inbox.relisted(listing, far_down)
    loads: list[str] = []
    _counting_loads(listing, loads)
    assert [listing[i] for i in range(20)] == on_screen == inbox.rows()[:20]
    assert loads == []
    shown = on_screen[4].id
    store.drafts.save(shown, "half a reply")  # a change to a row on screen: that one is read again
    listing = inbox.relisted(listing, [shown])
    _counting_loads(listing, loads)
    assert [listing[i] for i in range(20)] == inbox.rows()[:20]
    assert shown in loads and listing[4].id == shown and listing[4] != on_screen[4]
    store.close()


def test_a_moved_listing_reads_what_a_fresh_one_reads_after_every_kind_of_change():
    """The rows carried from listing to listing are never stale: row for row, what the moved
    listing gives is what a fresh listing reads from the store."""
    rng = random.Random(11)
    store = make_store(200)
    inbox = store.inbox
    listing = inbox.listing()
    for step in range(40):
        first = rng.randrange(0, 150)
        [listing[i] for i in range(first, first + 20)]  # a screenful somewhere, read
        picked = [f"c{rng.randrange(220)}" for _ in range(rng.randrange(1, 5))]
        kind = step % 3
        if kind == 0:
            for cid in picked:
                inbox.mark_read(cid)
        elif kind == 1:
            for cid in picked:
                store.drafts.save(cid, f"draft {step}")
        else:
            inbox.merge_conversations(
                conversation(cid, minutes_ago=rng.randrange(-5, 300), unread=["u", str(step)], message_id=f"m{step}")
                for cid in picked
            )
        listing = inbox.relisted(listing, picked)
        assert list(listing) == inbox.rows()
    store.close()
