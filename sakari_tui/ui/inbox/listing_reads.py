"""The conversation pane's reads of the store off the event loop, in threads on the store's reader.

- The rest of a listing past its head (`_read_rest`), after the frame that showed the head: a bulk
  read, 0.1-0.7 s at 100,000.
- What a sync's page changed (`_relist_in_thread`): on the app's connection the rows the sync's own
  connection has just written are read from disk again (its cache is dropped on each of that one's
  commits), 10-25 ms at 100,000 on the event loop, where a key press waited for them.

An in-memory store has no second connection: there, both are read on the loop.

A worker is given a weak reference to the listing it reads for, not the listing: a finished
worker sits in a reference cycle (its task, coroutine and callable) until the collector's next
full pass, and the listings it held, each with lists of 100,000 entries, would wait with it. At
100,000 conversations a sync left eight or so of them to each full pass, which then stopped the
event loop for 200-300 ms (issue 17: keys during a sync).
"""

from __future__ import annotations

import time
import weakref
from functools import partial
from typing import TYPE_CHECKING

from ...store.listing import SCAN_LIMIT, ConversationListing, Counts, Entries, ListingOptions

if TYPE_CHECKING:
    from ...senders import SenderBook
    from ...store import Store

REST_GROUP = "listing-rest"
CHANGES_GROUP = "listing-changes"


class ListingReads:
    """The reads in threads of `ConversationPane`, whose list, options and relists they use."""

    store: Store
    senders: SenderBook
    _reading_rest: bool
    _reading_changes: bool
    _relisted_at: float
    _listed_with: ListingOptions | None

    def _read_rest(self) -> None:
        """The entries past the head, after the frame that showed it: in a thread on a store of
        its own connection (a bulk read: 0.1-0.7 s at 100,000), on the loop for one in memory."""
        rows = self.list.rows
        if rows.complete:
            return
        if self.store.in_memory:  # no second connection to read it on
            self._adopt(weakref.ref(rows), rows.whole_entries(self.store.db))
            return
        self._reading_rest = True
        self.run_worker(
            partial(self._read_entries, weakref.ref(rows)),
            thread=True,
            group=REST_GROUP,
            exclusive=True,
            exit_on_error=False,
        )

    def _read_entries(self, listed: weakref.ref[ConversationListing]) -> None:
        rows = listed()
        if rows is None:  # listed afresh before the thread started
            self.app.call_from_thread(self._adopt, listed, None)
            return
        try:
            db = self.store.reader()
            counts = rows.whole_counts(db)
            if counts is not None:  # a head drawn before it was counted: the title and scrollbar first
                self.app.call_from_thread(self._counted, listed, counts)
            entries = rows.whole_entries(db)
        except BaseException:
            # The head stays: what is past it is read on the loop when first needed.
            self.app.call_from_thread(self._adopt, listed, None)
            raise
        finally:
            del rows
        self.app.call_from_thread(self._adopt, listed, entries)

    def _counted(self, listed: weakref.ref[ConversationListing], counts: Counts) -> None:
        listing = self.list
        rows = listed()
        if rows is None or listing.rows is not rows or rows.counted:
            return  # listed afresh meanwhile, or already counted on the loop
        rows.take_counts(counts)
        listing.set_rows(rows, changed=())  # the same rows: only the scrollbar's thumb changes
        self._show_title(rows, self.sender_filter)

    def _adopt(self, listed: weakref.ref[ConversationListing], entries: Entries | None) -> None:
        self._reading_rest = False
        listing = self.list
        rows = listed()
        if rows is None or listing.rows is not rows or rows.complete:
            return  # listed afresh meanwhile, or already read on the loop
        if entries is None:  # the thread failed (its worker's error is reported): counted on the loop
            counts = rows.whole_counts(None)
            if counts is not None:
                self._counted(listed, counts)
            return
        shown = listing.visible_ids()
        rows.adopt(entries)
        # The same listing, now whole: the rows on screen are drawn again only if the store moved them.
        listing.set_rows(rows, changed=() if listing.visible_ids() == shown else None)
        self._show_title(rows, self.sender_filter)

    def _relist_in_thread(self, changed: set[str] | None) -> bool:
        """Read what a relist of `changed` needs in a thread, on a store file's reader, and move
        the rows when it is back (`_changes_read`); False when it is to be done on the loop: a
        few changes (an open, a new text), an in-memory store, a list not yet whole, or one that
        is to be listed afresh."""
        rows = self.list.rows
        if (
            changed is None
            or len(changed) <= SCAN_LIMIT
            or self.store.in_memory
            or self._options() != self._listed_with
            or not rows.complete
            or not self.store.inbox.moves_suffice(rows, changed)
        ):
            return False
        self._relisted_at = time.monotonic()
        self._reading_changes = True
        read = partial(self._read_changes, weakref.ref(rows), rows.options, changed, self.clock.now().timestamp())
        self.run_worker(read, thread=True, group=CHANGES_GROUP, exit_on_error=False)
        return True

    def _read_changes(
        self, listed: weakref.ref[ConversationListing], options: ListingOptions, changed: set[str], now: float
    ) -> None:
        try:
            db = self.store.reader()
            numbers = self.store.inbox.sender_numbers(list(changed), db=db)
            changes = self.store.inbox.listing_changes(options, changed, now=now, db=db)
        except BaseException:
            self.app.call_from_thread(self._changes_read, listed, changed, now, None)
            raise
        self.app.call_from_thread(self._changes_read, listed, changed, now, (numbers, changes))

    def _changes_read(
        self,
        listed: weakref.ref[ConversationListing],
        changed: set[str],
        now: float,
        read: tuple[list[str], dict[str, tuple[bool, str] | None]] | None,
    ) -> None:
        self._reading_changes = False
        if read is None:  # the thread failed (its worker's error is reported): on the loop, then
            self.relist(changed)
            return
        rows = listed()
        if rows is None or self.list.rows is not rows or self._options() != self._listed_with:
            self.relist_soon(changed)  # listed since: move them in what is listed now
            return
        numbers, changes = read
        if self.senders.learn(numbers):
            self.relist()  # a new number may turn the sender labels on: every row is drawn again
            return
        self._show(rows.moved(changes), changed, self._listed_with, now)
