"""The conversation list as the UI scrolls it: the order (ids, unread flags, last activity), rows
read in blocks as they come into view, positions found by sort key, and moves by slices.

`InboxListing` (listing.py) reads these from SQLite and keeps them up to date.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from ..sms.authors import Author, author_of, parse_created_by
from .snoozes import Snooze
from .views import View


@dataclass(frozen=True)
class ConversationRow:
    """What the conversation list shows for one conversation."""

    id: str
    contact_id: str | None
    name: str
    number: str
    sender_number: str
    closed: bool
    unread: bool
    unread_count: int
    has_draft: bool
    opted_out: bool
    muted: bool
    last_text: str
    last_outgoing: bool
    last_status: str | None
    last_at: datetime | None
    last_by: str | None = None
    """The last message's `created.by`, raw JSON as Sakari sent it."""
    last_sent_here: bool = False
    """This machine's outbox sent the last message."""
    snooze: Snooze | None = None
    """Its snooze, asleep or woken (until the conversation is opened); None when not snoozed."""
    marked_unread: bool = False
    """The user marked it unread (U) and has not opened it since."""

    @property
    def last_author(self) -> Author:
        """Who wrote the last message (the list's "You: " / "Alex: " prefix)."""
        return author_of(self.last_outgoing, parse_created_by(self.last_by), sent_here=self.last_sent_here)


LISTING_BLOCK = 64
Entries = tuple[list[str], list[bool], list[str]]
"""A listing's ids, unread flags and last activity, in order."""
Counts = tuple[int, int]
"""How many conversations a listing has, and how many of them show unread."""
# Up to this many changed conversations, a move finds each by a scan of the ids (no map is built).
SCAN_LIMIT = 8
# Past this many changed conversations (or a 50th of the list, if more), ordering the list afresh
# is quicker than moving each one.
RELIST_LIMIT = 500
# A moved listing keeps up to this many of the rows read so far (a few screens' worth, the latest read).
CARRIED_ROWS = 4 * LISTING_BLOCK


@dataclass(frozen=True)
class ListingOptions:
    """What a listing shows and in what order; `InboxCache.listing` takes these as keywords."""

    show_closed: bool = True
    unread_first: bool = True
    query: str = ""
    sender: str = ""
    """Only conversations on this sender number (and those whose number is not known yet); "" for all."""
    view: View = View.ALL
    """Which conversations (`views.View`); `show_closed` and `unread_first` are All's toggles."""

    @property
    def oldest_first(self) -> bool:
        """Needs reply lists the longest wait first; every other view the newest activity."""
        return self.view is View.NEEDS_REPLY


class ConversationListing(Sequence[ConversationRow]):
    """The conversation list in display order; a row's details are read only when it is looked at.

    Ordering 10,000 conversations takes SQLite a few milliseconds from an index; building 10,000
    row objects takes Python a hundred or more. The list shows a screenful at a time, so rows are
    read in blocks as they come into view. The order is a total one, newest activity first (unread
    before read when asked), ties broken by id, so `InboxCache.relisted` can keep it up to date.

    A listing may start as its head (`InboxListing.listing(first=…)`): the first rows in order and
    how many there are, which is what a first frame needs; the rest is read when something past the
    head is asked for, or when `complete()` is called (after that frame). A head may come without
    its counts too (`counted` False: a listing with other options than the one on screen, whose
    counts cost more than its rows): until `take_counts`, its length is the head's.

    A conversation's position is found from its sort key (its last activity kept per id, which no
    other row's move changes) by bisection, so a listing moved by a sync's page needs no new map of
    100,000 positions; a single look-up before there is a map is a scan of the ids.
    """

    def __init__(
        self,
        ids: list[str],
        unread: list[bool],
        load: Callable[[Sequence[str]], dict[str, ConversationRow]],
        *,
        last_at: list[str] | None = None,
        options: ListingOptions = ListingOptions(),
        total: int | None = None,
        rest: Callable[[sqlite3.Connection | None], Entries] | None = None,
        unread_total: int | None = None,
        count: Callable[[sqlite3.Connection | None], Counts] | None = None,
    ) -> None:
        self._ids = ids
        self._unread = unread
        self._last_at = last_at if last_at is not None else [""] * len(ids)
        self.options = options
        self._load = load
        self._rows: dict[int, ConversationRow] = {}
        self._carried: dict[str, ConversationRow] = {}  # by id: rows a listing it was moved from had read
        # A head: the count of the whole listing, and how to read all of it.
        self._total = total if rest is not None else None
        self._rest = rest
        self._unread_total = unread_total
        # A head without its counts: how to read them (on another connection, in a thread).
        self._count = count if rest is not None and total is None else None
        self._seen: dict[str, str] | None = None  # see _activity_map

    # --- the whole listing, read when first needed ----------------------------------------------

    @property
    def complete(self) -> bool:
        """Every entry is read (False for a head whose rest is not read yet)."""
        return self._rest is None

    @property
    def counted(self) -> bool:
        """Its length and unread count are the whole listing's (False for a head without its counts)."""
        return self._rest is None or self._count is None

    def whole_counts(self, db: sqlite3.Connection | None) -> Counts | None:
        """The whole listing's counts read on `db` (another connection, in a thread: this changes
        nothing here), for `take_counts`; None when they are known already."""
        count = self._count
        return count(db) if count is not None and self._rest is not None else None

    def take_counts(self, counts: Counts) -> None:
        """Take `counts` (from `whole_counts`) as the whole listing's, unless they are known already."""
        if self.counted:
            return
        self._count = None
        self._total, self._unread_total = counts

    def read_rest(self) -> None:
        """Read the entries past the head (nothing when there are none left to read)."""
        if self._rest is not None:
            self.adopt(self._rest(None))

    def whole_entries(self, db: sqlite3.Connection) -> Entries | None:
        """The whole listing's entries read on `db` (another connection, in a thread: this changes
        nothing here), for `adopt`; None when it is complete already."""
        rest = self._rest
        return rest(db) if rest is not None else None

    def adopt(self, entries: Entries) -> None:
        """Take `entries` (from `whole_entries`) as the whole listing, unless it is complete already."""
        if self._rest is None:
            return
        self._rest, self._total, self._count = None, None, None
        ids, unread, last_at = entries
        if ids[: len(self._ids)] != self._ids:
            self._rows.clear()  # the store moved on since the head: its rows may sit elsewhere
            self._carried.clear()
        self._ids, self._unread, self._last_at = ids, unread, last_at
        self._seen = None
        self._unread_total = None

    @property
    def ids(self) -> list[str]:
        self.read_rest()
        return self._ids

    @property
    def unread(self) -> list[bool]:
        self.read_rest()
        return self._unread

    @property
    def last_at(self) -> list[str]:
        self.read_rest()
        return self._last_at

    def id_at(self, index: int) -> str:
        """The id at `index` (0 <= index < len), read from the head when it is there."""
        if index >= len(self._ids):
            self.read_rest()
        return self._ids[index]

    def ids_between(self, first: int, last: int) -> list[str]:
        """ids[first:last], from the head when it holds them all."""
        if last > len(self._ids) and self._rest is not None:
            self.read_rest()
        return self._ids[first:last]

    def __len__(self) -> int:
        return self._total if self._total is not None else len(self._ids)

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        row = self._rows.get(index)
        if row is None and self._carried:
            row = self._carried.get(self.id_at(index))
            if row is not None:
                self._rows[index] = row
        if row is None:
            start = index - index % LISTING_BLOCK
            end = start + LISTING_BLOCK
            if index < len(self._ids):  # in the head: a block of the head, without reading the rest
                end = min(end, len(self._ids))
            block = self.ids_between(start, end)
            loaded = self._load(block)
            for offset, conversation_id in enumerate(block):
                if conversation_id in loaded:
                    self._rows[start + offset] = loaded[conversation_id]
            row = self._rows[index]
        return row

    # --- positions ------------------------------------------------------------------------------

    def _activity_map(self) -> dict[str, str]:
        """id -> last_at of every entry: with the order's other parts, enough to bisect for it."""
        if self._seen is None:
            self.read_rest()
            self._seen = dict(zip(self._ids, self._last_at))
        return self._seen

    def index_of(self, conversation_id: str | None, *, hint: int | None = None) -> int | None:
        """Where `conversation_id` is listed, None when it is not; `hint` is checked first (the
        cursor's row, say)."""
        if conversation_id is None:
            return None
        if hint is not None and 0 <= hint < len(self._ids) and self._ids[hint] == conversation_id:
            return hint
        if self._seen is None:
            # No map yet: one scan in C (a millisecond or two at 100,000) beats building one.
            if self._rest is not None and conversation_id in self._ids:
                return self._ids.index(conversation_id)  # on screen, most likely: the head is short
            with contextlib.suppress(ValueError):
                return self.ids.index(conversation_id)
            return None
        last_at = self._seen.get(conversation_id)
        if last_at is None:
            return None
        unread_first = self.options.view is View.ALL and self.options.unread_first
        for unread in (True, False) if unread_first else (False,):
            index = self._bisect(self.sort_key(unread, last_at, conversation_id))
            if index < len(self._ids) and self._ids[index] == conversation_id:
                return index
        return None

    @property
    def unread_total(self) -> int:
        if not self.counted:  # a head without its counts: they cost less than reading the rest
            self.take_counts(self._count(None))  # type: ignore[misc]
        if self._unread_total is None:
            self.read_rest()
            self._unread_total = sum(self._unread)
        return self._unread_total

    def next_unread(self, after: int, *, skip: str | None = None) -> int | None:
        """The first unread conversation after position `after`, wrapping around (not `skip`)."""
        ids, unread = self.ids, self._unread
        count = len(ids)
        for step in range(1, count + 1):
            index = (after + step) % count
            if unread[index] and ids[index] != skip:
                return index
        return None

    def sort_key(self, unread: bool, last_at: str, conversation_id: str) -> tuple:
        """Rows are in descending order of this key (ascending for `ListingOptions.oldest_first`)."""
        if self.options.view is View.ALL and self.options.unread_first:
            return (unread, last_at, conversation_id)
        return (last_at, conversation_id)

    def _bisect(self, key: tuple) -> int:
        """The first position whose entry does not come before `key` in the listing's order."""
        ids, unread, last_at, sort_key = self._ids, self._unread, self._last_at, self.sort_key
        ascending = self.options.oldest_first
        low, high = 0, len(ids)
        if high:
            # After every entry: where a first sync's pages go (each is older than the last), found
            # by one comparison instead of ~17 (2.3 s of the event loop in a sync of 100,000).
            last = sort_key(unread[-1], last_at[-1], ids[-1])
            if (last < key) if ascending else (last > key):
                return high
        while low < high:
            middle = (low + high) // 2
            here = sort_key(unread[middle], last_at[middle], ids[middle])
            if (here < key) if ascending else (here > key):
                low = middle + 1
            else:
                high = middle
        return low

    # --- moves ----------------------------------------------------------------------------------

    def moved(self, changes: dict[str, tuple[bool, str] | None]) -> ConversationListing:
        """A new listing with each changed conversation taken out and, unless its change is None,
        put back at the place its (unread, last_at) gives it.

        In time proportional to the changes, plus a copy of three lists by slices: this listing
        hands its map of activity on to the new one, which would otherwise build it again.
        """
        self.read_rest()
        # A few changes (an open, a new text) are found by a scan each; a sync's page by the map.
        seen = self._activity_map() if len(changes) > SCAN_LIMIT else self._seen
        gone = sorted(i for i in (self.index_of(cid) for cid in changes) if i is not None)
        ids, unread, last_at = _without(self._ids, gone), _without(self._unread, gone), _without(self._last_at, gone)
        unread_total = self.unread_total - sum(self._unread[i] for i in gone)
        self._seen = None  # handed on: this listing builds its own again if it is ever asked
        moved = ConversationListing(ids, unread, self._load, last_at=last_at, options=self.options)
        # In display order, the places found in the lists without them come out in order too.
        added = sorted(
            ((moved.sort_key(change[0], change[1], cid), cid, change) for cid, change in changes.items() if change),
            reverse=not self.options.oldest_first,
        )
        if added:
            places = [moved._bisect(key) for key, _, _ in added]
            moved._ids = _with(ids, places, [cid for _, cid, _ in added])
            moved._unread = _with(unread, places, [change[0] for _, _, change in added])
            moved._last_at = _with(last_at, places, [change[1] for _, _, change in added])
        if seen is not None:
            for conversation_id in changes:
                seen.pop(conversation_id, None)
            seen.update((cid, change[1]) for _, cid, change in added)
        moved._seen = seen
        moved._unread_total = unread_total + sum(change[0] for _, _, change in added)
        moved._carried = self._rows_to_carry(changes)
        return moved

    def _rows_to_carry(self, changes: Collection[str]) -> dict[str, ConversationRow]:
        """The rows read so far whose conversation is not among `changes`, the latest read last.

        While a large account syncs, each page moves the listing; without these, the rows on
        screen would be read from the store again at the next redraw (a key press), once a page.
        """
        carried = dict(self._carried)
        carried.update((self._ids[index], row) for index, row in self._rows.items())
        for conversation_id in changes:
            carried.pop(conversation_id, None)
        if len(carried) > CARRIED_ROWS:
            carried = dict(list(carried.items())[-CARRIED_ROWS:])
        return carried


def _without(items: list, gone: list[int]) -> list:
    """`items` without the positions `gone` (ascending), copied by slices."""
    kept: list = []
    start = 0
    for index in gone:
        kept += items[start:index]
        start = index + 1
    kept += items[start:]
    return kept


def _with(items: list, places: list[int], added: list) -> list:
    """`items` with `added[i]` put before position `places[i]` (ascending), copied by slices."""
    result: list = []
    start = 0
    for place, item in zip(places, added):
        result += items[start:place]
        result.append(item)
        start = place
    result += items[start:]
    return result
