"""The conversation list's queries: which conversations it shows, in what order, their rows.

`ConversationListing` (conversation_listing.py) is the ordered sequence the UI scrolls;
`InboxListing` (part of `InboxCache`) reads it from SQLite and keeps it up to date as
conversations change.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Sequence

from .conversation_listing import (  # noqa: F401  (imported from here by the cache and the UI)
    LISTING_BLOCK,
    RELIST_LIMIT,
    SCAN_LIMIT,
    ConversationListing,
    ConversationRow,
    Counts,
    Entries,
    ListingOptions,
)
from .snoozes import Snooze
from .times import parse_iso
from .unread import READ_MARK_JOIN, SHOWN_UNREAD_SQL, UNREAD_JOINS, UNREAD_SQL
from .views import SNOOZE_JOIN, SNOOZE_REPLIED_SQL, View, view_where


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


# The conversations marked unread (U), from the marks: each mark's key is its conversation's
# contact (the conversation itself when it has none; views.KEY_SQL) with its sender number. The
# marks come first (CROSS JOIN keeps that order) and each finds its conversations by contact or
# id, not by sender number (`+` keeps that index out), which most conversations share.
MARKED_UNREAD_IDS_SQL = """SELECT k.id FROM unread_marks um CROSS JOIN conversations k
        ON k.contact_id = um.contact_key AND +k.sender_number = um.sender_number
    UNION ALL SELECT k.id FROM unread_marks um CROSS JOIN conversations k
        ON k.id = um.contact_key AND k.contact_id IS NULL AND +k.sender_number = um.sender_number"""


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

    def _where(self, options: ListingOptions, now: float, *, in_order: bool = False) -> tuple[str, list[object]]:
        """The listing's condition on `conversations c`. `in_order`: for reading its first entries
        in the listing's order, where the closed flag and the sender number must not choose the
        index (`+` keeps them out of it): from the triage index SQLite read every open
        conversation and sorted them all to find the first screenful (40-55 ms at 100,000 before
        the first frame), from the listing's own index it stops after them (under 1 ms)."""
        where = [view_where(options.view, now)]
        params: list[object] = []
        plus = "+" if in_order else ""
        if options.view is View.ALL and not options.show_closed:
            where.append(f"{plus}c.closed = 0")
        if options.sender:
            # A first text not yet on Sakari has no number yet: it stays in view whatever the filter.
            where.append(f"{plus}c.sender_number IN (?, '')")
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
        counted: bool = True,
    ) -> ConversationListing:
        """The conversations of `view` (snoozes as they are at `now`, epoch seconds, by default the
        present), in the view's order (All: newest activity first, unread first when asked), rows
        read lazily. With `first`, only the first `first` entries and the counts are read now: the
        rest when first needed (`ConversationListing.read_rest`); without `counted`, not the counts
        either (`ConversationListing.whole_counts`)."""
        options = self._options(show_closed, unread_first, query, sender, view)
        return self._listing(options, now, first=first, counted=counted)

    def _listing(
        self, options: ListingOptions, now: float | None, *, first: int | None = None, counted: bool = True
    ) -> ConversationListing:
        now = time.time() if now is None else now
        if first is not None:
            return self._head(options, now, first, counted=counted)
        ids, unread, last_at = self._entries(options, now)
        return ConversationListing(ids, unread, self.rows_by_id, last_at=last_at, options=options)

    def _entries(
        self,
        options: ListingOptions,
        now: float,
        limit: int | None = None,
        *,
        unread: bool | None = None,
        db: sqlite3.Connection | None = None,
    ) -> Entries:
        """(ids, unread, last_at) of the listing in order, the first `limit` only when given; with
        `unread`, only the unread (True) or read (False) ones; on `db` when given."""
        where, params = self._where(options, now, in_order=limit is not None)
        order = self._order(options)
        if unread is not None:
            where += f" AND {'' if unread else 'NOT '}{SHOWN_UNREAD_SQL}"
            order = self._order(ListingOptions(options.show_closed, False, options.query, options.sender, options.view))
        entries = (
            (db or self.db)
            .execute(
                f"""SELECT c.id, {SHOWN_UNREAD_SQL}, c.last_at FROM conversations c {UNREAD_JOINS} {self._snooze_join(options)}
                WHERE {where} ORDER BY {order}{"" if limit is None else f" LIMIT {int(limit)}"}""",
                params,
            )
            .fetchall()
        )
        return [entry[0] for entry in entries], [bool(entry[1]) for entry in entries], [entry[2] for entry in entries]

    def _head(self, options: ListingOptions, now: float, first: int, *, counted: bool = True) -> ConversationListing:
        """The listing's first `first` entries and, when `counted`, its counts (the whole listing
        when it has no more)."""
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
        total, unread_total = self._counts(options, now) if counted else (None, None)
        return ConversationListing(
            ids[:first],
            unread[:first],
            self.rows_by_id,
            last_at=last_at[:first],
            options=options,
            total=total,
            rest=lambda db: self._entries(options, now, db=db),
            unread_total=unread_total,
            count=lambda db: self._counts(options, now, db=db),
        )

    def _counts(self, options: ListingOptions, now: float, *, db: sqlite3.Connection | None = None) -> Counts:
        """How many conversations the listing has, and how many of them show unread.

        For All (no text filter), three counts, each from an index, rather than one pass joining
        every row to its read and unread marks (28 ms at 100,000 before the first frame, against
        9 ms for these): all of them (SQLite counts a table's rows without reading them when
        nothing filters); those with unread texts, whose read mark is looked up for those alone;
        and those only marked unread (U), found from the few marks. Another view's condition
        costs more than the marks, so it is worked out once, in one pass. On `db` when given (a
        thread's own connection).
        """
        db = db or self.db
        where, params = self._where(options, now)
        if options.view is not View.ALL or options.query:
            # A condition that costs more than the marks (a view's, a text filter's): one pass.
            total, unread = db.execute(
                f"""SELECT COUNT(*), COALESCE(SUM({SHOWN_UNREAD_SQL}), 0) FROM conversations c {UNREAD_JOINS}
                    {self._snooze_join(options)} WHERE {where}""",
                params,
            ).fetchone()
            return total, unread
        if where == view_where(View.ALL, now):
            total = db.execute("SELECT COUNT(*) FROM conversations").fetchone()[0]
        else:
            total = db.execute(f"SELECT COUNT(*) FROM conversations c WHERE {where}", params).fetchone()[0]
        unread = db.execute(
            f"SELECT COUNT(*) FROM conversations c {READ_MARK_JOIN} WHERE {where} AND {UNREAD_SQL}", params
        ).fetchone()[0]
        marked = db.execute(
            f"""SELECT COUNT(*) FROM conversations c {READ_MARK_JOIN}
                WHERE c.id IN ({MARKED_UNREAD_IDS_SQL}) AND {where} AND NOT {UNREAD_SQL}""",
            params,
        ).fetchone()[0]
        return total, unread + marked

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
        if not self.moves_suffice(listing, changed):
            return self._listing(options, now)
        return listing.moved(self.listing_changes(options, changed, now=now))

    @staticmethod
    def moves_suffice(listing: ConversationListing, changed: set[str]) -> bool:
        """Whether `relisted` moves the `changed` conversations (rather than listing afresh: a
        text filter re-runs its query, and past a 50th of the list ordering it again is quicker)."""
        return not listing.options.query and len(changed) <= max(RELIST_LIMIT, len(listing) // 50)

    def listing_changes(
        self,
        options: ListingOptions,
        changed: Iterable[str],
        *,
        now: float | None = None,
        db: sqlite3.Connection | None = None,
    ) -> dict[str, tuple[bool, str] | None]:
        """For `ConversationListing.moved`: each changed conversation's (unread, last_at) if it is
        in the view now, None if not; read on `db` when given (a thread's own connection)."""
        changed = list(changed)
        changes: dict[str, tuple[bool, str] | None] = dict.fromkeys(changed)
        if changed:
            # Whether each is in the view now: the view's own condition, on those conversations only.
            where, params = self._where(options, time.time() if now is None else now)
            marks = ",".join("?" * len(changed))
            for conversation_id, unread, last_at in (db or self.db).execute(
                f"""SELECT c.id, {SHOWN_UNREAD_SQL}, c.last_at FROM conversations c {UNREAD_JOINS} {SNOOZE_JOIN}
                    WHERE c.id IN ({marks}) AND {where}""",
                [*changed, *params],
            ):
                changes[conversation_id] = (bool(unread), last_at)
        return changes

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

    def sender_numbers(self, ids: Sequence[str] | None = None, *, db: sqlite3.Connection | None = None) -> list[str]:
        """The account's numbers the cached conversations are on (of `ids` only, when given), sorted.

        From the conversations, not the messages: a message's number may be a shared-pool number
        Sakari fell back to, which is no number of this account's to filter by or start from.
        """
        db = db or self.db
        if ids is None:
            return [row[0] for row in db.execute(SENDER_NUMBERS_SQL)]
        if not ids:
            return []
        query = f"""SELECT DISTINCT c.sender_number FROM conversations c
                    WHERE c.sender_number != '' AND c.id IN ({",".join("?" * len(ids))}) ORDER BY 1"""
        return [row[0] for row in db.execute(query, list(ids))]

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
