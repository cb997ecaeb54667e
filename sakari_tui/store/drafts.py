"""Drafts: the unsent text of each conversation, kept across restarts and crashes."""

from __future__ import annotations

import sqlite3
import time


class Drafts:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self.db = connection

    def save(self, conversation_id: str, text: str) -> None:
        """Keep `text` as the conversation's draft; an empty or blank text removes it."""
        with self.db:
            if text.strip():
                self.db.execute(
                    """INSERT INTO drafts (conversation_id, text, updated_at) VALUES (?, ?, ?)
                       ON CONFLICT(conversation_id) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at""",
                    (conversation_id, text, time.time()),
                )
            else:
                self.db.execute("DELETE FROM drafts WHERE conversation_id = ?", (conversation_id,))

    def get(self, conversation_id: str) -> str:
        row = self.db.execute("SELECT text FROM drafts WHERE conversation_id = ?", (conversation_id,)).fetchone()
        return row["text"] if row else ""

    def clear(self, conversation_id: str) -> None:
        self.save(conversation_id, "")
