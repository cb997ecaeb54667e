"""The conversation list: which conversations it shows, in what order, their rows read lazily.

`ConversationListing` is the ordered sequence the UI scrolls; `InboxListing` (part of
`InboxCache`) reads it from SQLite and keeps it up to date as conversations change.
"""

from __future__ import annotations

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
# Past this many changed conversations, ordering the list afresh is quicker than moving each one.
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
    """

    def __init__(
        self,
        ids: list[str],
        unread: list[bool],
        load: Callable[[Sequence[str]], dict[str, ConversationRow]],
        *,
        last_at: list[str] | None = None,
        options: ListingOptions = ListingOptions(),
    ) -> None:
        self.ids = ids
        self.unread = unread
        self.last_at = last_at if last_at is not None else [""] * len(ids)
        self.options = options
        self._load = load
        self._rows: dict[int, ConversationRow] = {}
        self._positions: dict[str, int] | None = None

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self.ids)))]
        if index < 0:
            index += len(self.ids)
        if not 0 <= index < len(self.ids):
            raise IndexError(index)
        row = self._rows.get(index)
        if row is None:
            start = index - index % LISTING_BLOCK
            block = self.ids[start : start + LISTING_BLOCK]
            loaded = self._load(block)
            for offset, conversation_id in enumerate(block):
                if conversation_id in loaded:
                    self._rows[start + offset] = loaded[conversation_id]
            row = self._rows[index]
        return row

    def index_of(self, conversation_id: str | None) -> int | None:
        if conversation_id is None:
            return None
        if self._positions is None:
            self._positions = {cid: i for i, cid in enumerate(self.ids)}
        return self._positions.get(conversation_id)

    @property
    def unread_total(self) -> int:
        return sum(self.unread)

    def next_unread(self, after: int, *, skip: str | None = None) -> int | None:
        """The first unread conversation after position `after`, wrapping around (not `skip`)."""
        count = len(self.ids)
        for step in range(1, count + 1):
            index = (after + step) % count
            if self.unread[index] and self.ids[index] != skip:
                return index
        return None

    def sort_key(self, unread: bool, last_at: str, conversation_id: str) -> tuple:
        """Rows are in descending order of this key (ascending for `ListingOptions.oldest_first`)."""
        if self.options.view is View.ALL and self.options.unread_first:
            return (unread, last_at, conversation_id)
        return (last_at, conversation_id)

    def _key_at(self, index: int) -> tuple:
        return self.sort_key(self.unread[index], self.last_at[index], self.ids[index])

    def moved(self, changes: dict[str, tuple[bool, str] | None]) -> ConversationListing:
        """A new listing with each changed conversation taken out and, unless its change is None,
        put back at the place its (unread, last_at) gives it."""
        ids, unread, last_at = list(self.ids), list(self.unread), list(self.last_at)
        gone = sorted((i for i in map(self.index_of, changes) if i is not None), reverse=True)
        for index in gone:
            del ids[index], unread[index], last_at[index]
        moved = ConversationListing(ids, unread, self._load, last_at=last_at, options=self.options)
        for conversation_id, change in changes.items():
            if change is not None:
                moved._insert(conversation_id, *change)
        return moved

    def _insert(self, conversation_id: str, unread: bool, last_at: str) -> None:
        key = self.sort_key(unread, last_at, conversation_id)
        ascending = self.options.oldest_first
        low, high = 0, len(self.ids)
        while low < high:  # the first position whose key comes after (smaller when descending)
            middle = (low + high) // 2
            here = self._key_at(middle)
            if (here < key) if ascending else (here > key):
                low = middle + 1
            else:
                high = middle
        self.ids.insert(low, conversation_id)
        self.unread.insert(low, unread)
        self.last_at.insert(low, last_at)


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
    ) -> ConversationListing:
        """The conversations of `view` (snoozes as they are at `now`, epoch seconds, by default the
        present), in the view's order (All: newest activity first, unread first when asked), rows
        read lazily."""
        return self._listing(self._options(show_closed, unread_first, query, sender, view), now)

    def _listing(self, options: ListingOptions, now: float | None) -> ConversationListing:
        where, params = self._where(options, time.time() if now is None else now)
        entries = self.db.execute(
            f"""SELECT c.id, {SHOWN_UNREAD_SQL}, c.last_at FROM conversations c {UNREAD_JOINS} {self._snooze_join(options)}
                WHERE {where} ORDER BY {self._order(options)}""",
            params,
        ).fetchall()
        return ConversationListing(
            [entry[0] for entry in entries],
            [bool(entry[1]) for entry in entries],
            self.rows_by_id,
            last_at=[entry[2] for entry in entries],
            options=options,
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
        if options.query or len(changed) > RELIST_LIMIT:
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
        if ids is not None and not ids:
            return []
        where, params = "c.sender_number != ''", []
        if ids is not None:
            where += f" AND c.id IN ({','.join('?' * len(ids))})"
            params = list(ids)
        query = f"SELECT DISTINCT c.sender_number FROM conversations c WHERE {where} ORDER BY 1"
        return [row[0] for row in self.db.execute(query, params)]

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
