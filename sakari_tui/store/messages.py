"""The cached messages of each conversation: merged from the API, read as threads."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import TYPE_CHECKING

from .packing import message_json_sql, pack_json
from .raw import created_by_json, dump_json, load_json, message_text
from .times import iso

if TYPE_CHECKING:
    from ..api.models import Message

EPOCH = "0000"
_UNKNOWN = object()  # an argument not given (None is a value: a message by nobody)


class CachedMessages:
    """The messages part of `InboxCache`."""

    db: sqlite3.Connection

    def merge_messages(self, conversation_id: str, messages: Iterable[Message]) -> list[str]:
        """Upsert a conversation's messages; returns the ids that were new or changed."""
        changed: list[str] = []
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            for message in messages:
                if not message.id:
                    continue
                raw = dump_json(message)
                previous = self.db.execute("SELECT raw FROM messages WHERE id = ?", (message.id,)).fetchone()
                if previous is not None and message_text(previous["raw"], self.db) == raw:
                    continue
                changed.append(message.id)
                self._upsert_message(message, conversation_id, raw)
        return changed

    def _upsert_message(
        self,
        message: Message,
        conversation_id: str,
        raw: str | None = None,
        *,
        packed: bytes | None = None,
        by: str | None | object = _UNKNOWN,
    ) -> None:
        """Write one message; `raw` (its `dump_json`), `packed` (that packed) and `by` (its
        `created_by_json`) when the caller has them already."""
        if not message.id:
            return
        self.db.execute(
            """INSERT INTO messages (id, conversation_id, created_at, outgoing, status, raw, created_by)
               VALUES (?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT(id) DO UPDATE SET conversation_id=excluded.conversation_id,
                   created_at=excluded.created_at, outgoing=excluded.outgoing, status=excluded.status,
                   raw=excluded.raw, created_by=excluded.created_by""",
            (
                message.id,
                conversation_id,
                iso(message.created_at) or EPOCH,
                int(message.outgoing),
                message.status,
                packed if packed is not None else pack_json(raw or dump_json(message)),
                created_by_json(message) if by is _UNKNOWN else by,
            ),
        )

    def thread(self, conversation_id: str, *, limit: int = 200, before: str | None = None) -> list[Message]:
        """The newest `limit` messages (older than `before`, an ISO time), oldest first."""
        from ..api.models import Message

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
        return [load_json(Message, row["raw"], self.db) for row in reversed(rows)]

    def sent_here(self, message_ids: Iterable[str]) -> set[str]:
        """Those of `message_ids` that this machine's outbox sent (sms/authors.py: "You")."""
        ids = [mid for mid in message_ids if mid]
        found: set[str] = set()
        for start in range(0, len(ids), 500):  # within SQLite's limit on bound parameters
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(
                row[0]
                for row in self.db.execute(f"SELECT message_id FROM sent_here WHERE message_id IN ({marks})", chunk)
            )
        return found

    def outgoing_texts(self, conversation_id: str, contact_id: str | None) -> list[tuple[str, str, str | None]]:
        """Cached outgoing messages to this contact (or conversation): (id, text, template) each."""
        rows = self.db.execute(
            f"""SELECT m.id, json_extract({message_json_sql("m")}, '$.message') AS body,
                   json_extract({message_json_sql("m")}, '$.template') AS template
               FROM messages m JOIN conversations c ON c.id = m.conversation_id
               WHERE m.outgoing = 1 AND (c.id = ? OR (? IS NOT NULL AND c.contact_id = ?))""",
            (conversation_id, contact_id, contact_id),
        )
        return [(row["id"], row["body"] or "", row["template"]) for row in rows]

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
