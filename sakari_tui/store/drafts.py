"""Drafts: the unsent text of each conversation, and the file attached to it, kept across
restarts and crashes."""

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

    def save_file(self, conversation_id: str, path: str | None) -> None:
        """Keep the path of the file attached to the conversation's reply (None: no file). It goes
        with the reply when it is queued (`Outbox.add` drops it in the same transaction)."""
        with self.db:
            if path:
                self.db.execute(
                    """INSERT INTO draft_files (conversation_id, path, saved_at) VALUES (?, ?, ?)
                       ON CONFLICT(conversation_id) DO UPDATE SET path = excluded.path, saved_at = excluded.saved_at""",
                    (conversation_id, path, time.time()),
                )
            else:
                self.db.execute("DELETE FROM draft_files WHERE conversation_id = ?", (conversation_id,))

    def file(self, conversation_id: str) -> str | None:
        """The path of the file attached to the conversation's reply, None without one."""
        row = self.db.execute("SELECT path FROM draft_files WHERE conversation_id = ?", (conversation_id,)).fetchone()
        return row["path"] if row else None
