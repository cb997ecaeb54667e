"""What counts as unread, in SQL, with nothing but sqlite3 behind it.

`sakari-tui unread` (a status-bar or prompt widget may call it every few seconds) reads the store
through this module alone, without the API models; the cache can take `UNREAD_SQL` from here too.
"""

from __future__ import annotations

import sqlite3
from typing import NamedTuple

# A conversation is unread when the API counts unread messages and nothing newer than our local
# read mark arrived since. Expects `conversations c LEFT JOIN read_marks r ON r.conversation_id = c.id`.
UNREAD_SQL = "(c.unread_count > 0 AND (r.read_through IS NULL OR c.last_at > r.read_through))"

COUNTS_SQL = f"""SELECT COALESCE(SUM({UNREAD_SQL} AND mu.conversation_id IS NULL), 0), COUNT(*)
    FROM conversations c
    LEFT JOIN read_marks r ON r.conversation_id = c.id
    LEFT JOIN mutes mu ON mu.conversation_id = c.id
    WHERE c.closed = 0"""


class UnreadCounts(NamedTuple):
    unread: int
    """Open, unmuted conversations with unread texts."""
    total: int
    """Open conversations (muted ones included: they are still listed)."""


def unread_counts(db: sqlite3.Connection) -> UnreadCounts:
    """Unread and total open conversations in the store behind `db` (raises sqlite3.Error)."""
    unread, total = db.execute(COUNTS_SQL).fetchone()
    return UnreadCounts(int(unread), int(total))
