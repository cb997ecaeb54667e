"""What the user marks locally on a conversation, where the API has no call for it: read and muted."""

from __future__ import annotations

import sqlite3

from .unread import UNREAD_SQL


class LocalMarks:
    """The read marks and mutes of `InboxCache`."""

    db: sqlite3.Connection

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
