"""The conversation list: which conversations it shows, in what order, their rows read lazily.

`ConversationListing` is the ordered sequence the UI scrolls; `InboxListing` (part of
`InboxCache`) reads it from SQLite and keeps it up to date as conversations change.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from ..sms.authors import Author, author_of, parse_created_by
from .snoozes import Snooze
from .times import parse_iso
from .unread import SHOWN_UNREAD_SQL, UNREAD_JOINS
from .views import SNOOZE_JOIN, SNOOZE_REPLIED_SQL, View, view_where


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
# Up to this many changed conversations, a move finds each by a scan of the ids (no map is built).
SCAN_LIMIT = 8
# Past this many changed conversations (or a 50th of the list, if more), ordering the list afresh
# is quicker than moving each one.
RELIST_LIMIT = 500


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
    head is asked for, or when `complete()` is called (after that frame).

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
        rest: Callable[[], tuple[list[str], list[bool], list[str]]] | None = None,
        unread_total: int | None = None,
    ) -> None:
        self._ids = ids
        self._unread = unread
        self._last_at = last_at if last_at is not None else [""] * len(ids)
        self.options = options
        self._load = load
        self._rows: dict[int, ConversationRow] = {}
        # A head: the count of the whole listing, and how to read all of it.
        self._total = total if rest is not None else None
        self._rest = rest
        self._unread_total = unread_total
        self._seen: dict[str, str] | None = None  # see _activity_map

    # --- the whole listing, read when first needed ----------------------------------------------

    @property
    def complete(self) -> bool:
        """Every entry is read (False for a head whose rest is not read yet)."""
        return self._rest is None

    def read_rest(self) -> None:
        """Read the entries past the head (nothing when there are none left to read)."""
        if self._rest is None:
            return
        rest, self._rest, self._total = self._rest, None, None
        ids, unread, last_at = rest()
        if ids[: len(self._ids)] != self._ids:
            self._rows.clear()  # the store moved on since the head: its rows may sit elsewhere
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
        return moved


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


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


ROW_SQL = f"""SELECT c.id, c.contact_id, c.contact_name, c.contact_number, c.sender_number, c.closed,
                  c.unread_count, c.last_text, c.last_outgoing, c.last_status, c.last_at, c.last_by,
                  sh.message_id IS NOT NULL AS last_sent_here,
                  {SHOWN_UNREAD_SQL} AS is_unread,
                  d.conversation_id IS NOT NULL AS has_draft,
                  mu.conversation_id IS NOT NULL AS muted,
                  COALESCE(k.opted_out, 0) AS opted_out,
                  s.until AS snooze_until, {SNOOZE_REPLIED_SQL} AS snooze_replied,
                  um.marked_at IS NOT NULL AS marked_unread
           FROM conversations c
           {UNREAD_JOINS}
           {SNOOZE_JOIN}
           LEFT JOIN drafts d ON d.conversation_id = c.id
           LEFT JOIN mutes mu ON mu.conversation_id = c.id
           LEFT JOIN contacts k ON k.id = c.contact_id
           LEFT JOIN sent_here sh ON sh.message_id = c.last_message_id"""


# Every sender number in order, one step of `conversations_by_sender` each (a skip scan): a
# DISTINCT over 100,000 rows took 85-140 ms before the first frame.
SENDER_NUMBERS_SQL = """WITH RECURSIVE numbers(number) AS (
        SELECT MIN(sender_number) FROM conversations WHERE sender_number > ''
        UNION ALL
        SELECT (SELECT MIN(sender_number) FROM conversations WHERE sender_number > number)
        FROM numbers WHERE number IS NOT NULL)
    SELECT number FROM numbers WHERE number IS NOT NULL"""


def _row(row: sqlite3.Row) -> ConversationRow:
    return ConversationRow(
        id=row["id"],
        contact_id=row["contact_id"],
        name=row["contact_name"],
        number=row["contact_number"],
        sender_number=row["sender_number"],
        closed=bool(row["closed"]),
        unread=bool(row["is_unread"]),
        unread_count=row["unread_count"],
        has_draft=bool(row["has_draft"]),
        muted=bool(row["muted"]),
        opted_out=bool(row["opted_out"]),
        last_text=row["last_text"],
        last_outgoing=bool(row["last_outgoing"]),
        last_status=row["last_status"],
        last_at=parse_iso(row["last_at"]),
        last_by=row["last_by"],
        last_sent_here=bool(row["last_sent_here"]),
        snooze=Snooze(float(row["snooze_until"]), bool(row["snooze_replied"]))
        if row["snooze_until"] is not None
        else None,
        marked_unread=bool(row["marked_unread"]),
    )


class InboxListing:
    """The list queries of `InboxCache`: the listing, its update, and the rows of conversations."""

    db: sqlite3.Connection

    def _where(self, options: ListingOptions, now: float) -> tuple[str, list[object]]:
        where = [view_where(options.view, now)]
        params: list[object] = []
        if options.view is View.ALL and not options.show_closed:
            where.append("c.closed = 0")
        if options.sender:
            # A first text not yet on Sakari has no number yet: it stays in view whatever the filter.
            where.append("c.sender_number IN (?, '')")
            params.append(options.sender)
        if options.query:
            like = f"%{_escape_like(options.query)}%"
            digits = "".join(ch for ch in options.query if ch.isdigit())
            clause = "(c.contact_name LIKE ? ESCAPE '\\' OR c.last_text LIKE ? ESCAPE '\\'"
            params += [like, like]
            if digits:
                clause += " OR c.contact_number LIKE ?"
                params.append(f"%{digits}%")
            # The messages' text from the search index's own copy of it (plain, kept by triggers):
            # reading it out of each message's packed JSON would unpack the whole cache.
            clause += (
                " OR EXISTS (SELECT 1 FROM messages m JOIN message_text t ON t.message_id = m.id"
                " WHERE m.conversation_id = c.id AND t.body LIKE ? ESCAPE '\\'))"
            )
            params.append(like)
            where.append(clause)
        return " AND ".join(where), params

    @staticmethod
    def _order(options: ListingOptions) -> str:
        # Ties broken by id: a total order (see ConversationListing), from the listing's indexes.
        if options.oldest_first:
            return "c.last_at ASC, c.id ASC"
        if options.view is View.ALL and options.unread_first:
            return f"{SHOWN_UNREAD_SQL} DESC, c.last_at DESC, c.id DESC"
        return "c.last_at DESC, c.id DESC"

    @staticmethod
    def _snooze_join(options: ListingOptions) -> str:
        # All shows snoozed conversations too: its order needs no snoozes (10,000 lookups saved).
        return "" if options.view is View.ALL else SNOOZE_JOIN

    @staticmethod
    def _options(show_closed: bool, unread_first: bool, query: str, sender: str, view: View | str) -> ListingOptions:
        return ListingOptions(show_closed, unread_first, query, sender, View(view))

    def listing(
        self,
        *,
        show_closed: bool = True,
        unread_first: bool = True,
        query: str = "",
        sender: str = "",
        view: View | str = View.ALL,
        now: float | None = None,
        first: int | None = None,
    ) -> ConversationListing:
        """The conversations of `view` (snoozes as they are at `now`, epoch seconds, by default the
        present), in the view's order (All: newest activity first, unread first when asked), rows
        read lazily. With `first`, only the first `first` entries and the counts are read now: the
        rest when first needed (`ConversationListing.read_rest`)."""
        return self._listing(self._options(show_closed, unread_first, query, sender, view), now, first=first)

    def _listing(self, options: ListingOptions, now: float | None, *, first: int | None = None) -> ConversationListing:
        now = time.time() if now is None else now
        if first is not None:
            return self._head(options, now, first)
        ids, unread, last_at = self._entries(options, now)
        return ConversationListing(ids, unread, self.rows_by_id, last_at=last_at, options=options)

    def _entries(self, options: ListingOptions, now: float, limit: int | None = None, *, unread: bool | None = None):
        """(ids, unread, last_at) of the listing in order, the first `limit` only when given; with
        `unread`, only the unread (True) or read (False) ones."""
        where, params = self._where(options, now)
        order = self._order(options)
        if unread is not None:
            where += f" AND {'' if unread else 'NOT '}{SHOWN_UNREAD_SQL}"
            order = self._order(ListingOptions(options.show_closed, False, options.query, options.sender, options.view))
        entries = self.db.execute(
            f"""SELECT c.id, {SHOWN_UNREAD_SQL}, c.last_at FROM conversations c {UNREAD_JOINS} {self._snooze_join(options)}
                WHERE {where} ORDER BY {order}{"" if limit is None else f" LIMIT {int(limit)}"}""",
            params,
        ).fetchall()
        return [entry[0] for entry in entries], [bool(entry[1]) for entry in entries], [entry[2] for entry in entries]

    def _head(self, options: ListingOptions, now: float, first: int) -> ConversationListing:
        """The listing's first `first` entries and its counts (the whole listing when it has no more)."""
        if options.view is View.ALL and options.unread_first:
            # Unread first, from the index in two runs: one ORDER BY over the unread flag would
            # sort the whole inbox to find its first screenful.
            ids, unread, last_at = self._entries(options, now, first + 1, unread=True)
            if len(ids) <= first:
                more = self._entries(options, now, first + 1 - len(ids), unread=False)
                ids, unread, last_at = ids + more[0], unread + more[1], last_at + more[2]
        else:
            ids, unread, last_at = self._entries(options, now, first + 1)
        if len(ids) <= first:
            return ConversationListing(ids, unread, self.rows_by_id, last_at=last_at, options=options)
        where, params = self._where(options, now)
        total, unread_total = self.db.execute(
            f"""SELECT COUNT(*), COALESCE(SUM({SHOWN_UNREAD_SQL}), 0) FROM conversations c {UNREAD_JOINS}
                {self._snooze_join(options)} WHERE {where}""",
            params,
        ).fetchone()
        return ConversationListing(
            ids[:first],
            unread[:first],
            self.rows_by_id,
            last_at=last_at[:first],
            options=options,
            total=total,
            rest=lambda: self._entries(options, now),
            unread_total=unread_total,
        )

    def relisted(
        self, listing: ConversationListing, changed: Iterable[str], *, now: float | None = None
    ) -> ConversationListing:
        """`listing` brought up to date after the `changed` conversations changed (or appeared).

        The same as a new `listing()` with the same options, in time proportional to the change
        rather than to the inbox: while a large account syncs, a page of 100 conversations moves
        100 entries instead of re-sorting 10,000 each time. A text filter re-runs the query.
        """
        changed = set(changed)
        options = listing.options
        if not changed:
            return listing
        if options.query or len(changed) > max(RELIST_LIMIT, len(listing) // 50):
            return self._listing(options, now)
        changes: dict[str, tuple[bool, str] | None] = dict.fromkeys(changed)
        if changed:
            # Whether each is in the view now: the view's own condition, on those conversations only.
            where, params = self._where(options, time.time() if now is None else now)
            marks = ",".join("?" * len(changed))
            for conversation_id, unread, last_at in self.db.execute(
                f"""SELECT c.id, {SHOWN_UNREAD_SQL}, c.last_at FROM conversations c {UNREAD_JOINS} {SNOOZE_JOIN}
                    WHERE c.id IN ({marks}) AND {where}""",
                [*changed, *params],
            ):
                changes[conversation_id] = (bool(unread), last_at)
        return listing.moved(changes)

    def rows(
        self,
        *,
        show_closed: bool = True,
        unread_first: bool = True,
        query: str = "",
        sender: str = "",
        view: View | str = View.ALL,
        now: float | None = None,
    ) -> list[ConversationRow]:
        """The whole conversation list at once (see `listing` for the lazy one the UI uses)."""
        options = self._options(show_closed, unread_first, query, sender, view)
        where, params = self._where(options, time.time() if now is None else now)
        return [
            _row(row) for row in self.db.execute(f"{ROW_SQL} WHERE {where} ORDER BY {self._order(options)}", params)
        ]

    def rows_by_id(self, ids: Sequence[str]) -> dict[str, ConversationRow]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        return {row["id"]: _row(row) for row in self.db.execute(f"{ROW_SQL} WHERE c.id IN ({marks})", list(ids))}

    def count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM conversations").fetchone()[0]

    # --- sender numbers -----------------------------------------------------------------------

    def sender_numbers(self, ids: Sequence[str] | None = None) -> list[str]:
        """The account's numbers the cached conversations are on (of `ids` only, when given), sorted.

        From the conversations, not the messages: a message's number may be a shared-pool number
        Sakari fell back to, which is no number of this account's to filter by or start from.
        """
        if ids is None:
            return [row[0] for row in self.db.execute(SENDER_NUMBERS_SQL)]
        if not ids:
            return []
        query = f"""SELECT DISTINCT c.sender_number FROM conversations c
                    WHERE c.sender_number != '' AND c.id IN ({",".join("?" * len(ids))}) ORDER BY 1"""
        return [row[0] for row in self.db.execute(query, list(ids))]

    def last_sender_to(self, contact_number: str) -> tuple[str, str] | None:
        """(contact's name, sender number) of the newest conversation with `contact_number` on a
        known sender number; None when there is none."""
        row = self.db.execute(
            """SELECT c.contact_name, c.sender_number FROM conversations c
               WHERE c.contact_number = ? AND c.sender_number != ''
               ORDER BY c.last_at DESC, c.id DESC LIMIT 1""",
            (contact_number,),
        ).fetchone()
        return (row[0], row[1]) if row is not None else None
