"""The lazy conversation listing: order from the index, rows read in blocks only when looked at."""

from sakari_tui.store import Store
from sakari_tui.store.cache import LISTING_BLOCK

from .test_cache import conversation


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
