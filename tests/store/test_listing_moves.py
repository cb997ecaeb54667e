"""A listing moved by changes (`ConversationListing.moved`) is the listing sorted afresh.

A first sync's pages land after every row (each page is older than the last); `_bisect` finds
that place by one comparison, and anywhere else by bisecting. Both must give the order a fresh
sort gives, in every view's order.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from sakari_tui.store.conversation_listing import ConversationListing, ListingOptions
from sakari_tui.store.views import View

OPTIONS = [
    ListingOptions(unread_first=True),
    ListingOptions(unread_first=False),
    ListingOptions(view=View.NEEDS_REPLY),  # oldest first
]

times = st.integers(min_value=0, max_value=60).map(lambda minute: f"2026-03-04T12:{minute:02d}:00Z")
entries = st.dictionaries(st.text("abcdefgh", min_size=1, max_size=3), st.tuples(st.booleans(), times), max_size=30)


def listing_of(rows: dict[str, tuple[bool, str]], options: ListingOptions) -> ConversationListing:
    probe = ConversationListing([], [], lambda ids: {}, options=options)
    ordered = sorted(rows, key=lambda cid: probe.sort_key(*rows[cid], cid), reverse=not options.oldest_first)
    return ConversationListing(
        ordered,
        [rows[cid][0] for cid in ordered],
        lambda ids: {},
        last_at=[rows[cid][1] for cid in ordered],
        options=options,
    )


@settings(max_examples=300, deadline=None)
@given(
    before=entries,
    changes=entries,
    gone=st.sets(st.text("abcdefgh", min_size=1, max_size=3), max_size=5),
    which=st.sampled_from(OPTIONS),
)
def test_a_moved_listing_is_the_listing_sorted_afresh(before, changes, gone, which):
    moves: dict[str, tuple[bool, str] | None] = {**changes, **dict.fromkeys(gone - changes.keys())}
    after = {cid: row for cid, row in before.items() if cid not in moves}
    after.update(changes)
    moved = listing_of(before, which).moved(moves)
    expected = listing_of(after, which)
    assert moved.ids == expected.ids and moved.unread_total == sum(unread for unread, _ in after.values())


def test_a_page_older_than_every_row_goes_after_them_in_its_own_order():
    """The first sync's case: the quick path, each of the page's rows after all the others."""
    rows = {f"c{n:03d}": (False, f"2026-03-04T12:{59 - n:02d}:00Z") for n in range(40)}
    page = {f"p{n:03d}": (n % 2 == 0, f"2026-03-04T11:{59 - n:02d}:00Z") for n in range(20)}
    options = ListingOptions(unread_first=False)
    moved = listing_of(rows, options).moved(page)
    assert moved.ids == [*listing_of(rows, options).ids, *sorted(page)]
