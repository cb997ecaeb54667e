"""Drafts: the unsent text of each conversation, kept across restarts and crashes."""

from __future__ import annotations

import sqlite3
import time


class Drafts:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self.db = connection

    def save(self, conversation_id: str, text: str, base: str | None = None) -> None:
        """Keep `text` as the conversation's draft; an empty or blank text removes it (and its base).

        `base`: what the thread looked like when the draft started (the collision guard's
        `DraftBase` as JSON); None keeps the one saved before.
        """
        with self.db:
            if text.strip():
                self.db.execute(
                    """INSERT INTO drafts (conversation_id, text, updated_at, base) VALUES (?, ?, ?, ?)
                       ON CONFLICT(conversation_id) DO UPDATE SET text = excluded.text,
                           updated_at = excluded.updated_at, base = COALESCE(excluded.base, drafts.base)""",
                    (conversation_id, text, time.time(), base),
                )
            else:
                self.db.execute("DELETE FROM drafts WHERE conversation_id = ?", (conversation_id,))

    def get(self, conversation_id: str) -> str:
        row = self.db.execute("SELECT text FROM drafts WHERE conversation_id = ?", (conversation_id,)).fetchone()
        return row["text"] if row else ""

    def base(self, conversation_id: str) -> str | None:
        """The base kept with the conversation's draft (JSON), None without a draft or a base."""
        row = self.db.execute("SELECT base FROM drafts WHERE conversation_id = ?", (conversation_id,)).fetchone()
        return row["base"] if row else None

    def clear(self, conversation_id: str) -> None:
        self.save(conversation_id, "")
