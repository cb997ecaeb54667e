"""The cached inbox: conversations, messages, contacts' opt-out state and local read marks.

The sync engine merges what the API returns; the UI reads rows and threads from here, so the
app can open instantly with the last known inbox, even offline.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from pydantic import ValidationError

from ..api.models import Contact, Conversation, Message
from ..sms.keywords import is_opt_in_keyword, is_opt_out_keyword
from .db import store_damaged
from .times import iso, parse_iso
from .unread import UNREAD_SQL

EPOCH = "0000"


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


@dataclass(frozen=True)
class MergeResult:
    """What a merge of conversations changed."""

    changed: tuple[str, ...]
    """Conversations that are new or differ from the cache."""
    new_inbound: tuple[str, ...]
    """Conversations whose newest message is an inbound text the cache had not seen."""
    unchanged: int
    """How many merged conversations were exactly as cached."""


LISTING_BLOCK = 64
# Past this many changed conversations, ordering the list afresh is quicker than moving each one.
RELIST_LIMIT = 500


@dataclass(frozen=True)
class ListingOptions:
    """What a listing shows and in what order; `InboxCache.listing` takes these as keywords."""

    show_closed: bool = True
    unread_first: bool = True
    query: str = ""


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
        """Rows are in descending order of this key."""
        return (unread, last_at, conversation_id) if self.options.unread_first else (last_at, conversation_id)

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
        low, high = 0, len(self.ids)
        while low < high:  # the first position whose key is smaller (the order is descending)
            middle = (low + high) // 2
            if self._key_at(middle) > key:
                low = middle + 1
            else:
                high = middle
        self.ids.insert(low, conversation_id)
        self.unread.insert(low, unread)
        self.last_at.insert(low, last_at)


def _fingerprint(raw: str) -> str:
    return hashlib.blake2b(raw.encode(), digest_size=12).hexdigest()


def _dump(model: Conversation | Message | Contact) -> str:
    return json.dumps(model.to_wire(), sort_keys=True, ensure_ascii=False)


_Model = TypeVar("_Model", Conversation, Message, Contact)


def _load(model: type[_Model], raw: str | bytes, db: sqlite3.Connection) -> _Model:
    """A cached model from its raw JSON; StoreDamaged when that is not what we wrote.

    Only damage makes a row we wrote unreadable, and a ValidationError quotes the row's text (a
    contact's name and number) in its message: the one sentence of StoreDamaged never does.
    """
    try:
        return model.model_validate_json(raw)
    except ValidationError:
        raise store_damaged(getattr(db, "store_path", "(memory)")) from None


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


ROW_SQL = f"""SELECT c.id, c.contact_id, c.contact_name, c.contact_number, c.sender_number, c.closed,
                  c.unread_count, c.last_text, c.last_outgoing, c.last_status, c.last_at,
                  {UNREAD_SQL} AS is_unread,
                  d.conversation_id IS NOT NULL AS has_draft,
                  mu.conversation_id IS NOT NULL AS muted,
                  COALESCE(k.opted_out, 0) AS opted_out
           FROM conversations c
           LEFT JOIN read_marks r ON r.conversation_id = c.id
           LEFT JOIN drafts d ON d.conversation_id = c.id
           LEFT JOIN mutes mu ON mu.conversation_id = c.id
           LEFT JOIN contacts k ON k.id = c.contact_id"""


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
    )


class InboxCache:
    """Reads and writes the cached inbox in one SQLite connection."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.db = connection

    # --- conversations -----------------------------------------------------------------------

    def merge_conversations(self, conversations: Iterable[Conversation]) -> MergeResult:
        """Upsert conversations in one transaction and report what changed."""
        changed: list[str] = []
        new_inbound: list[str] = []
        unchanged = 0
        with self.db:
            self.db.execute("BEGIN")
            for conversation in conversations:
                raw = _dump(conversation)
                fingerprint = _fingerprint(raw)
                previous = self.db.execute(
                    "SELECT fingerprint, last_message_id FROM conversations WHERE id = ?", (conversation.id,)
                ).fetchone()
                if previous is not None and previous["fingerprint"] == fingerprint:
                    unchanged += 1
                    continue
                changed.append(conversation.id)
                last = conversation.last_message
                if (
                    last is not None
                    and not last.outgoing
                    and (previous is None or previous["last_message_id"] != last.id)
                ):
                    new_inbound.append(conversation.id)
                flipped = self._upsert_conversation(conversation, raw, fingerprint)
                if last is not None:
                    self._upsert_message(last, conversation.id)
                if flipped:
                    # A STOP or START changed the contact: its other conversations show it too.
                    changed += [
                        row[0]
                        for row in self.db.execute("SELECT id FROM conversations WHERE contact_id = ?", (flipped,))
                        if row[0] not in changed
                    ]
        return MergeResult(tuple(changed), tuple(new_inbound), unchanged)

    def _upsert_conversation(self, conversation: Conversation, raw: str, fingerprint: str) -> str | None:
        """Write one conversation; returns its contact's id when a keyword in it flipped the
        contact's opt-out state."""
        contact = conversation.contact
        last = conversation.last_message
        last_at = iso(last.created_at if last else None) or iso(
            conversation.updated.at if conversation.updated else None
        )
        self.db.execute(
            """INSERT INTO conversations (id, contact_id, contact_name, contact_number, sender_number, closed,
                   unread_count, last_message_id, last_text, last_outgoing, last_status, last_at, fingerprint, raw)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT(id) DO UPDATE SET contact_id=excluded.contact_id, contact_name=excluded.contact_name,
                   contact_number=excluded.contact_number, sender_number=excluded.sender_number,
                   closed=excluded.closed, unread_count=excluded.unread_count,
                   last_message_id=excluded.last_message_id, last_text=excluded.last_text,
                   last_outgoing=excluded.last_outgoing, last_status=excluded.last_status,
                   last_at=excluded.last_at, fingerprint=excluded.fingerprint, raw=excluded.raw""",
            (
                conversation.id,
                contact.id if contact else None,
                contact.display_name if contact else "",
                (contact.mobile.number or "") if contact and contact.mobile else "",
                (conversation.phone_number.number or "") if conversation.phone_number else "",
                int(conversation.closed),
                len(conversation.unread),
                last.id if last else None,
                (last.message or "") if last else "",
                int(bool(last and last.outgoing)),
                last.status if last else None,
                last_at,
                fingerprint,
                raw,
            ),
        )
        if last is not None and not last.outgoing and contact is not None and contact.id:
            if self._note_keyword(contact.id, last.message):
                return contact.id
        return None

    def conversation(self, conversation_id: str) -> Conversation | None:
        row = self.db.execute("SELECT raw FROM conversations WHERE id = ?", (conversation_id,)).fetchone()
        return _load(Conversation, row["raw"], self.db) if row else None

    def _where(self, show_closed: bool, query: str) -> tuple[str, list[object]]:
        where = ["1=1"]
        params: list[object] = []
        if not show_closed:
            where.append("c.closed = 0")
        if query:
            like = f"%{_escape_like(query)}%"
            digits = "".join(ch for ch in query if ch.isdigit())
            clause = "(c.contact_name LIKE ? ESCAPE '\\' OR c.last_text LIKE ? ESCAPE '\\'"
            params += [like, like]
            if digits:
                clause += " OR c.contact_number LIKE ?"
                params.append(f"%{digits}%")
            clause += (
                " OR EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id"
                " AND json_extract(m.raw, '$.message') LIKE ? ESCAPE '\\'))"
            )
            params.append(like)
            where.append(clause)
        return " AND ".join(where), params

    @staticmethod
    def _order(unread_first: bool) -> str:
        # Ties broken by id: a total order (see ConversationListing), from the listing index.
        return f"{UNREAD_SQL} DESC, c.last_at DESC, c.id DESC" if unread_first else "c.last_at DESC, c.id DESC"

    def listing(self, *, show_closed: bool = True, unread_first: bool = True, query: str = "") -> ConversationListing:
        """The conversation list, newest activity first (unread first when asked), rows read lazily."""
        where, params = self._where(show_closed, query)
        entries = self.db.execute(
            f"""SELECT c.id, {UNREAD_SQL}, c.last_at FROM conversations c
                LEFT JOIN read_marks r ON r.conversation_id = c.id
                WHERE {where} ORDER BY {self._order(unread_first)}""",
            params,
        ).fetchall()
        return ConversationListing(
            [entry[0] for entry in entries],
            [bool(entry[1]) for entry in entries],
            self.rows_by_id,
            last_at=[entry[2] for entry in entries],
            options=ListingOptions(show_closed, unread_first, query),
        )

    def relisted(self, listing: ConversationListing, changed: Iterable[str]) -> ConversationListing:
        """`listing` brought up to date after the `changed` conversations changed (or appeared).

        The same as a new `listing()` with the same options, in time proportional to the change
        rather than to the inbox: while a large account syncs, a page of 100 conversations moves
        100 entries instead of re-sorting 10,000 each time. A text filter re-runs the query.
        """
        changed = set(changed)
        options = listing.options
        if options.query or len(changed) > RELIST_LIMIT:
            return self.listing(show_closed=options.show_closed, unread_first=options.unread_first, query=options.query)
        changes: dict[str, tuple[bool, str] | None] = dict.fromkeys(changed)
        if changed:
            marks = ",".join("?" * len(changed))
            for conversation_id, closed, unread, last_at in self.db.execute(
                f"""SELECT c.id, c.closed, {UNREAD_SQL}, c.last_at FROM conversations c
                    LEFT JOIN read_marks r ON r.conversation_id = c.id WHERE c.id IN ({marks})""",
                list(changed),
            ):
                if options.show_closed or not closed:
                    changes[conversation_id] = (bool(unread), last_at)
        return listing.moved(changes)

    def rows(self, *, show_closed: bool = True, unread_first: bool = True, query: str = "") -> list[ConversationRow]:
        """The whole conversation list at once (see `listing` for the lazy one the UI uses)."""
        where, params = self._where(show_closed, query)
        return [
            _row(row)
            for row in self.db.execute(f"{ROW_SQL} WHERE {where} ORDER BY {self._order(unread_first)}", params)
        ]

    def rows_by_id(self, ids: Sequence[str]) -> dict[str, ConversationRow]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        return {row["id"]: _row(row) for row in self.db.execute(f"{ROW_SQL} WHERE c.id IN ({marks})", list(ids))}

    def count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM conversations").fetchone()[0]

    # --- read marks ------------------------------------------------------------------------------

    def mark_read(self, conversation_id: str) -> None:
        """Mark everything in the conversation so far as read (kept locally: the API cannot)."""
        with self.db:
            self.db.execute(
                """INSERT INTO read_marks (conversation_id, read_through)
                   SELECT id, last_at FROM conversations WHERE id = ?
                   ON CONFLICT(conversation_id) DO UPDATE SET read_through = excluded.read_through""",
                (conversation_id,),
            )

    def is_unread(self, conversation_id: str) -> bool:
        row = self.db.execute(
            f"""SELECT {UNREAD_SQL} FROM conversations c LEFT JOIN read_marks r ON r.conversation_id = c.id
                WHERE c.id = ?""",
            (conversation_id,),
        ).fetchone()
        return bool(row and row[0])

    # --- mutes ---------------------------------------------------------------------------------

    def set_muted(self, conversation_id: str, muted: bool) -> None:
        """Mute (no bell) or unmute a conversation; kept locally."""
        with self.db:
            if muted:
                self.db.execute(
                    "INSERT OR IGNORE INTO mutes (conversation_id, muted_at) VALUES (?, strftime('%s','now'))",
                    (conversation_id,),
                )
            else:
                self.db.execute("DELETE FROM mutes WHERE conversation_id = ?", (conversation_id,))

    def is_muted(self, conversation_id: str) -> bool:
        return (
            self.db.execute("SELECT 1 FROM mutes WHERE conversation_id = ?", (conversation_id,)).fetchone() is not None
        )

    # --- messages --------------------------------------------------------------------------------

    def merge_messages(self, conversation_id: str, messages: Iterable[Message]) -> list[str]:
        """Upsert a conversation's messages; returns the ids that were new or changed."""
        changed: list[str] = []
        with self.db:
            self.db.execute("BEGIN")
            for message in messages:
                if not message.id:
                    continue
                raw = _dump(message)
                previous = self.db.execute("SELECT raw FROM messages WHERE id = ?", (message.id,)).fetchone()
                if previous is not None and previous["raw"] == raw:
                    continue
                changed.append(message.id)
                self._upsert_message(message, conversation_id, raw)
        return changed

    def _upsert_message(self, message: Message, conversation_id: str, raw: str | None = None) -> None:
        if not message.id:
            return
        self.db.execute(
            """INSERT INTO messages (id, conversation_id, created_at, outgoing, status, raw)
               VALUES (?, ?, ?, ?, ?, ?)
               ON CONFLICT(id) DO UPDATE SET conversation_id=excluded.conversation_id,
                   created_at=excluded.created_at, outgoing=excluded.outgoing, status=excluded.status,
                   raw=excluded.raw""",
            (
                message.id,
                conversation_id,
                iso(message.created_at) or EPOCH,
                int(message.outgoing),
                message.status,
                raw or _dump(message),
            ),
        )

    def thread(self, conversation_id: str, *, limit: int = 200, before: str | None = None) -> list[Message]:
        """The newest `limit` messages (older than `before`, an ISO time), oldest first."""
        if before:
            rows = self.db.execute(
                """SELECT raw FROM messages WHERE conversation_id = ? AND created_at < ?
                   ORDER BY created_at DESC, id DESC LIMIT ?""",
                (conversation_id, before, limit),
            ).fetchall()
        else:
            rows = self.db.execute(
                "SELECT raw FROM messages WHERE conversation_id = ? ORDER BY created_at DESC, id DESC LIMIT ?",
                (conversation_id, limit),
            ).fetchall()
        return [_load(Message, row["raw"], self.db) for row in reversed(rows)]

    def outgoing_texts(self, conversation_id: str, contact_id: str | None) -> list[tuple[str, str, str | None]]:
        """Cached outgoing messages to this contact (or conversation): (id, text, template) each."""
        rows = self.db.execute(
            """SELECT m.id, json_extract(m.raw, '$.message') AS body, json_extract(m.raw, '$.template') AS template
               FROM messages m JOIN conversations c ON c.id = m.conversation_id
               WHERE m.outgoing = 1 AND (c.id = ? OR (? IS NOT NULL AND c.contact_id = ?))""",
            (conversation_id, contact_id, contact_id),
        )
        return [(row["id"], row["body"] or "", row["template"]) for row in rows]

    def forget_conversation(self, conversation_id: str) -> None:
        """Remove a conversation and what hangs on it (a local placeholder that Sakari replaced)."""
        with self.db:
            self.db.execute("BEGIN")
            for table, column in (
                ("messages", "conversation_id"),
                ("read_marks", "conversation_id"),
                ("mutes", "conversation_id"),
                ("conversations", "id"),
            ):
                self.db.execute(f"DELETE FROM {table} WHERE {column} = ?", (conversation_id,))

    def messages_since(self, conversation_id: str, message_id: str) -> int:
        """How many messages of the thread are as new as `message_id` or newer (it included)."""
        return self.db.execute(
            """SELECT COUNT(*) FROM messages m, (SELECT created_at, id FROM messages WHERE id = ?) t
               WHERE m.conversation_id = ? AND (m.created_at > t.created_at OR (m.created_at = t.created_at AND m.id >= t.id))""",
            (message_id, conversation_id),
        ).fetchone()[0]

    def message_count(self, conversation_id: str) -> int:
        return self.db.execute(
            "SELECT COUNT(*) FROM messages WHERE conversation_id = ?", (conversation_id,)
        ).fetchone()[0]

    # --- contacts --------------------------------------------------------------------------------

    def merge_contact(self, contact: Contact) -> None:
        if not contact.id:
            return
        with self.db:
            self.db.execute(
                """INSERT INTO contacts (id, opted_out, raw) VALUES (?, ?, ?)
                   ON CONFLICT(id) DO UPDATE SET opted_out = excluded.opted_out, raw = excluded.raw""",
                (contact.id, int(contact.opted_out), _dump(contact)),
            )

    def contact(self, contact_id: str) -> Contact | None:
        row = self.db.execute("SELECT raw FROM contacts WHERE id = ?", (contact_id,)).fetchone()
        return _load(Contact, row["raw"], self.db) if row else None

    def is_opted_out(self, contact_id: str | None) -> bool:
        if not contact_id:
            return False
        row = self.db.execute("SELECT opted_out FROM contacts WHERE id = ?", (contact_id,)).fetchone()
        return bool(row and row[0])

    def _note_keyword(self, contact_id: str, text: str | None) -> bool:
        """Record an inbound STOP or START before we next fetch the contact; True when the state changed."""
        if is_opt_out_keyword(text):
            state = 1
        elif is_opt_in_keyword(text):
            cached = self.contact(contact_id)
            if cached is not None and cached.marked_opted_out:
                # Marked opted out in this app: that mark stands until someone removes the tag,
                # or the next fetch of the contact would flip it back (replies allowed meanwhile).
                return False
            state = 0
        else:
            return False
        before = self.is_opted_out(contact_id)
        self.db.execute(
            """INSERT INTO contacts (id, opted_out, raw) VALUES (?, ?, ?)
               ON CONFLICT(id) DO UPDATE SET opted_out = excluded.opted_out""",
            (contact_id, state, json.dumps({"id": contact_id})),
        )
        return before != bool(state)

    def update_contact_identity(self, contact: Contact) -> list[str]:
        """Put a contact's edited name and email into its cached conversations (list rows and
        headers read them from there); returns the ids of all the contact's conversations, whose
        rows may show differently now (a new name, or the contact's opt-out state).

        The fingerprint follows the new copy, so a later sync that brings the same change from the
        server finds nothing new, and one that brings something else still replaces it.
        """
        if not contact.id:
            return []
        ids: list[str] = []
        names = {"firstName": contact.first_name, "lastName": contact.last_name, "email": contact.email}
        with self.db:
            self.db.execute("BEGIN")
            rows = self.db.execute("SELECT id, raw FROM conversations WHERE contact_id = ?", (contact.id,)).fetchall()
            for row in rows:
                try:
                    data = json.loads(row["raw"])
                except ValueError:  # see _load
                    raise store_damaged(getattr(self.db, "store_path", "(memory)")) from None
                embedded = [data.setdefault("contact", {"id": contact.id})]
                last = data.get("lastMessage")
                if (
                    isinstance(last, dict)
                    and isinstance(last.get("contact"), dict)
                    and last["contact"].get("id") == contact.id
                ):
                    embedded.append(last["contact"])
                for identity in embedded:
                    for key, value in names.items():
                        if value:
                            identity[key] = value
                        else:
                            identity.pop(key, None)
                conversation = Conversation.model_validate(data)
                raw = _dump(conversation)
                ids.append(row["id"])
                if raw == row["raw"]:
                    continue
                name = conversation.contact.display_name if conversation.contact else ""
                self.db.execute(
                    "UPDATE conversations SET contact_name = ?, raw = ?, fingerprint = ? WHERE id = ?",
                    (name, raw, _fingerprint(raw), row["id"]),
                )
        return ids
