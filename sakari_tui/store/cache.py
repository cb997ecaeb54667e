"""The cached inbox: conversations, messages, contacts' opt-out state and local read marks.

The sync engine merges what the API returns; the UI reads rows and threads from here, so the
app can open instantly with the last known inbox, even offline.

`InboxCache` is one object over one connection, made of parts with one job each: the conversation
list (`listing.py`), read marks and mutes (`marks.py`), messages (`messages.py`) and contacts
(`contacts.py`); the conversations' own merge lives here. This module also re-exports the names
callers import from it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..media.attachments import attachments_of, media_summary
from ..sms.authors import AuthorKind, message_author
from .contacts import CachedContacts
from .listing import (
    LISTING_BLOCK,
    RELIST_LIMIT,
    ROW_SQL,
    ConversationListing,
    ConversationRow,
    InboxListing,
    ListingOptions,
)
from .marks import LocalMarks
from .messages import EPOCH, CachedMessages
from .packing import pack_json
from .raw import (
    conversation_text,
    dump_conversation,
    json_fingerprint,
    load_json,
    packed_conversation,
    same_fingerprint,
)
from .search_backlog import defer_indexing
from .search_triggers import CONVERSATION_DOCUMENT, MESSAGE_DOCUMENT
from .times import iso, parse_iso
from .unread import UNREAD_SQL

if TYPE_CHECKING:
    from ..api.models import Conversation, Message


def preview_text(message: Message) -> str:
    """What the list (and a notification) shows of a message: its text, after what it carries
    ("📷 photo · This is how it arrived", or "📷 photo" alone)."""
    summary = media_summary(attachments_of(message)) if message.media else ""
    text = message.message or ""
    return f"{summary} · {text}" if summary and text else summary or text


@dataclass(frozen=True)
class MergeResult:
    """What a merge of conversations changed."""

    changed: tuple[str, ...]
    """Conversations that are new or differ from the cache."""
    new_inbound: tuple[str, ...]
    """Conversations whose newest message is an inbound text the cache had not seen."""
    unchanged: int
    """How many merged conversations were exactly as cached."""


class PreparedConversation:
    """A conversation as a merge writes it: its JSON (and its last message's) dumped once, the
    fingerprint, and the packed values, made on first use (`pack`)."""

    __slots__ = (
        "conversation",
        "raw",
        "fingerprint",
        "last_raw",
        "last_by",
        "contact_id",
        "contact_name",
        "contact_number",
        "last_id",
        "last_text",
        "_packed",
    )

    def __init__(self, conversation: Conversation, raw: str, last_raw: str | None, last_by: str | None) -> None:
        self.conversation = conversation
        self.raw = raw
        self.fingerprint = json_fingerprint(raw)
        self.last_raw = last_raw
        self.last_by = last_by
        contact, last = conversation.contact, conversation.last_message
        self.contact_id = contact.id if contact else None
        self.contact_name = contact.display_name if contact else ""
        self.contact_number = (contact.mobile.number or "") if contact and contact.mobile else ""
        self.last_id = last.id if last else None
        self.last_text = preview_text(last) if last else ""
        self._packed: tuple[bytes, bytes | None] | None = None

    @classmethod
    def of(cls, conversation: Conversation) -> PreparedConversation:
        return cls(conversation, *dump_conversation(conversation))

    def pack(self) -> tuple[bytes, bytes | None]:
        """The conversation's `raw` packed against its row, and its last message's packed."""
        if self._packed is None:
            conversation = packed_conversation(
                self.raw, self.conversation.id, self.contact_id, self.last_id, self.last_text
            )
            self._packed = (conversation, pack_json(self.last_raw) if self.last_raw is not None else None)
        return self._packed


def _automatic(message: Message) -> bool:
    """An auto-responder's answer: sent by no person, in answer to the customer."""
    return message_author(message, sent_here=False).kind is AuthorKind.AUTO_REPLY


class InboxCache(InboxListing, LocalMarks, CachedMessages, CachedContacts):
    """Reads and writes the cached inbox in one SQLite connection."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.db = connection

    # --- conversations -----------------------------------------------------------------------

    def prepare_conversations(self, conversations: Iterable[Conversation]) -> list[PreparedConversation]:
        """Work out what merging `conversations` would write, outside any transaction: each one's
        JSON dumped once, and packed when it differs from the stored copy (an unchanged one is
        only dumped and fingerprinted). `merge_conversations` then only runs the SQL.

        The engine prepares a page a few conversations at a time, letting the event loop run in
        between, and writes it in one transaction; what changed meanwhile is checked again there.
        """
        prepared = [PreparedConversation.of(conversation) for conversation in conversations]
        stored = self._stored_fingerprints([p.conversation.id for p in prepared])
        for item in prepared:
            previous = stored.get(item.conversation.id)
            if previous is None or not same_fingerprint(previous[0], item.fingerprint):
                item.pack()
        return prepared

    def merge_conversations(
        self, conversations: Iterable[Conversation | PreparedConversation], *, defer_search: bool = False
    ) -> MergeResult:
        """Upsert conversations in one transaction (all of them or, on a failure, none) and report
        what changed. An unchanged conversation writes nothing. `defer_search`: the search
        documents it adds wait for `index_backlog` (search_backlog.py; a sync's pages)."""
        prepared = [
            item if isinstance(item, PreparedConversation) else PreparedConversation.of(item) for item in conversations
        ]
        changed: list[str] = []
        new_inbound: list[str] = []
        unchanged = 0
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            stored = self._stored_fingerprints([item.conversation.id for item in prepared])
            for item in prepared:
                conversation = item.conversation
                previous = stored.get(conversation.id)
                if previous is not None and same_fingerprint(previous[0], item.fingerprint):
                    unchanged += 1
                    continue
                if defer_search and not changed:  # the first write: a page with nothing new writes nothing
                    defer_indexing(self.db)
                changed.append(conversation.id)
                last = conversation.last_message
                if (
                    last is not None
                    and (previous is None or previous[1] != last.id)
                    and (not last.outgoing or (bool(conversation.unread) and _automatic(last)))
                ):
                    # A customer's text; or one an auto-responder answered before we looked, which
                    # is still news (nobody has read it): the answer must not swallow the bell.
                    new_inbound.append(conversation.id)
                self._write_documents(item, previous)
                flipped = self._upsert_conversation(item)
                stored[conversation.id] = (item.fingerprint, last.id if last else None)  # a page may repeat one
                if last is not None and item.last_raw is not None:
                    self._upsert_message(last, conversation.id, item.last_raw, packed=item.pack()[1], by=item.last_by)
                if flipped:
                    # A STOP or START changed the contact: its other conversations show it too.
                    changed += [
                        row[0]
                        for row in self.db.execute("SELECT id FROM conversations WHERE contact_id = ?", (flipped,))
                        if row[0] not in changed
                    ]
        return MergeResult(tuple(changed), tuple(new_inbound), unchanged)

    def _stored_fingerprints(self, ids: list[str]) -> dict[str, tuple[object, str | None]]:
        """The stored (fingerprint, last message id) of those of `ids` that are cached."""
        stored: dict[str, tuple[object, str | None]] = {}
        for start in range(0, len(ids), 500):  # within SQLite's limit on bound parameters
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.db.execute(
                f"SELECT id, fingerprint, last_message_id FROM conversations WHERE id IN ({marks})", chunk
            ):
                stored[row[0]] = (row[1], row[2])
        return stored

    def _write_documents(self, item: PreparedConversation, previous: tuple[object, str | None] | None) -> None:
        """The search documents of what merging `item` adds (`previous`: its stored fingerprint
        and last message id, if stored), from its fields rather than from its packed JSON
        (search_triggers.py, migration 17): a new conversation's contact document, and its last
        message's when that may be new. A document the store has already stays as it is (its
        row's update trigger keeps it current)."""
        conversation = item.conversation
        contact, last = conversation.contact, conversation.last_message
        if previous is None:
            self.db.execute(
                CONVERSATION_DOCUMENT,
                {
                    "id": conversation.id,
                    "name": item.contact_name,
                    "number": item.contact_number,
                    "email": contact.email if contact else None,
                },
            )
        if last is not None and last.id and (previous is None or previous[1] != last.id):
            self.db.execute(MESSAGE_DOCUMENT, (last.id, last.message))

    def _upsert_conversation(self, item: PreparedConversation) -> str | None:
        """Write one conversation; returns its contact's id when a keyword in it flipped the
        contact's opt-out state."""
        conversation = item.conversation
        contact = conversation.contact
        last = conversation.last_message
        self.db.execute(
            """INSERT INTO conversations (id, contact_id, contact_name, contact_number, sender_number, closed,
                   unread_count, last_message_id, last_text, last_outgoing, last_status, last_at, fingerprint, raw,
                   last_by)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT(id) DO UPDATE SET contact_id=excluded.contact_id, contact_name=excluded.contact_name,
                   contact_number=excluded.contact_number, sender_number=excluded.sender_number,
                   closed=excluded.closed, unread_count=excluded.unread_count,
                   last_message_id=excluded.last_message_id, last_text=excluded.last_text,
                   last_outgoing=excluded.last_outgoing, last_status=excluded.last_status,
                   last_at=excluded.last_at, fingerprint=excluded.fingerprint, raw=excluded.raw,
                   last_by=excluded.last_by""",
            (
                conversation.id,
                item.contact_id,
                item.contact_name,
                item.contact_number,
                (conversation.phone_number.number or "") if conversation.phone_number else "",
                int(conversation.closed),
                len(conversation.unread),
                item.last_id,
                item.last_text,
                int(bool(last and last.outgoing)),
                last.status if last else None,
                iso(last.created_at if last else None)
                or iso(conversation.updated.at if conversation.updated else None),
                item.fingerprint,
                item.pack()[0],
                item.last_by,
            ),
        )
        if last is not None and not last.outgoing and contact is not None and contact.id:
            if self._note_keyword(contact.id, last.message):
                return contact.id
        return None

    def is_closed(self, conversation_id: str) -> bool | None:
        """Whether the cached conversation is closed, from its row's column (None: not cached).
        The footer asks on every redraw; reading the conversation's JSON would load the models."""
        row = self.db.execute("SELECT closed FROM conversations WHERE id = ?", (conversation_id,)).fetchone()
        return None if row is None else bool(row[0])

    def conversation(self, conversation_id: str) -> Conversation | None:
        from ..api.models import Conversation

        row = self.db.execute(
            "SELECT raw, id, contact_id, last_message_id, last_text FROM conversations WHERE id = ?", (conversation_id,)
        ).fetchone()
        return load_json(Conversation, conversation_text(row, self.db), self.db) if row else None

    def forget_conversation(self, conversation_id: str) -> None:
        """Remove a conversation and what hangs on it (a local placeholder that Sakari replaced)."""
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            for table, column in (
                ("messages", "conversation_id"),
                ("read_marks", "conversation_id"),
                ("mutes", "conversation_id"),
                ("conversations", "id"),
            ):
                self.db.execute(f"DELETE FROM {table} WHERE {column} = ?", (conversation_id,))


__all__ = [
    "EPOCH",
    "LISTING_BLOCK",
    "RELIST_LIMIT",
    "ROW_SQL",
    "UNREAD_SQL",
    "ConversationListing",
    "ConversationRow",
    "InboxCache",
    "ListingOptions",
    "MergeResult",
    "PreparedConversation",
    "iso",
    "parse_iso",
]
