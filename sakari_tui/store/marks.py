"""What the user marks locally on a conversation, where the API has no call for it: read, unread
(U), muted, and snoozed (`snoozes.py`).

Unread marks, like snoozes, are per machine and keyed by (contact, sender number) (`views.KEY_SQL`),
so the conversation Sakari opens after a close keeps them; mutes and read marks are by conversation.
"""

from __future__ import annotations

import sqlite3
import time

from .snoozes import Snoozes
from .unread import SHOWN_UNREAD_SQL, UNREAD_JOINS


class LocalMarks(Snoozes):
    """The read and unread marks, mutes and snoozes of `InboxCache`."""

    db: sqlite3.Connection

    def mark_read(self, conversation_id: str, *, now: float | None = None) -> None:
        """Mark everything in the conversation so far as read (kept locally: the API cannot); it
        was opened, so a mark "unread" goes, and a woken snooze (it has said why it is back)."""
        with self.db:
            self.db.execute(
                """INSERT INTO read_marks (conversation_id, read_through)
                   SELECT id, last_at FROM conversations WHERE id = ?
                   ON CONFLICT(conversation_id) DO UPDATE SET read_through = excluded.read_through""",
                (conversation_id,),
            )
            key = self._key(conversation_id)
            if key is not None:
                self.db.execute("DELETE FROM unread_marks WHERE contact_key = ? AND sender_number = ?", key[:2])
                self._forget_woken_snooze(key[0], key[1], time.time() if now is None else now)

    def mark_unread(self, conversation_id: str) -> None:
        """Show the conversation as unread until it is next opened (kept locally, per machine)."""
        key = self._key(conversation_id)
        if key is None:
            return
        with self.db:
            self.db.execute(
                """INSERT OR IGNORE INTO unread_marks (contact_key, sender_number, marked_at)
                   VALUES (?, ?, strftime('%s','now'))""",
                key[:2],
            )

    def is_unread(self, conversation_id: str) -> bool:
        row = self.db.execute(
            f"SELECT {SHOWN_UNREAD_SQL} FROM conversations c {UNREAD_JOINS} WHERE c.id = ?",
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
