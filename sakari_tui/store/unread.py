"""What counts as unread, in SQL, with nothing but sqlite3 behind it.

`sakari-tui unread` (a status-bar or prompt widget may call it every few seconds) reads the store
through this module alone, without the API models; the cache can take `UNREAD_SQL` from here too.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import NamedTuple

from .times import parse_iso
from .views import SNOOZE_JOIN, UNREAD_MARK_JOIN, View, view_where

# A conversation's local read mark (`r`), for UNREAD_SQL.
READ_MARK_JOIN = "LEFT JOIN read_marks r ON r.conversation_id = c.id"
# A conversation has unread texts when the API counts unread messages and nothing newer than our
# local read mark arrived since. Expects `conversations c` with READ_MARK_JOIN.
UNREAD_SQL = "(c.unread_count > 0 AND (r.read_through IS NULL OR c.last_at > r.read_through))"
# It is shown unread when it has, or when the user marked it unread (U) and has not opened it
# since. Expects `conversations c` with `UNREAD_JOINS`.
SHOWN_UNREAD_SQL = f"({UNREAD_SQL} OR um.marked_at IS NOT NULL)"
UNREAD_JOINS = f"{READ_MARK_JOIN} {UNREAD_MARK_JOIN}"

COUNTS_SQL = f"""SELECT COALESCE(SUM({SHOWN_UNREAD_SQL} AND mu.conversation_id IS NULL), 0), COUNT(*)
    FROM conversations c
    {READ_MARK_JOIN}
    LEFT JOIN mutes mu ON mu.conversation_id = c.id
    {UNREAD_MARK_JOIN}
    WHERE c.closed = 0"""
# A store the app has not migrated to schema 11 yet (sakari-tui upgraded, not started since): no
# unread marks to count, and a status bar keeps working until the app next starts.
_UNMARKED_COUNTS_SQL = COUNTS_SQL.replace(UNREAD_MARK_JOIN, "").replace(SHOWN_UNREAD_SQL, UNREAD_SQL)


class UnreadCounts(NamedTuple):
    unread: int
    """Open, unmuted conversations with unread texts."""
    total: int
    """Open conversations (muted ones included: they are still listed)."""


def unread_counts(db: sqlite3.Connection) -> UnreadCounts:
    """Unread and total open conversations in the store behind `db` (raises sqlite3.Error)."""
    try:
        unread, total = db.execute(COUNTS_SQL).fetchone()
    except sqlite3.OperationalError as exc:
        if "no such table: unread_marks" not in str(exc):
            raise
        unread, total = db.execute(_UNMARKED_COUNTS_SQL).fetchone()
    return UnreadCounts(int(unread), int(total))


class NeedsReply(NamedTuple):
    count: int
    """Open, unmuted, not snoozed conversations whose last message is the customer's (or an auto-reply)."""
    oldest_at: datetime | None
    """When the longest of those waits began; None when nobody waits."""


def needs_reply(db: sqlite3.Connection, now: float) -> NeedsReply:
    """Who waits for an answer at `now` (an epoch time) in the store behind `db` (raises sqlite3.Error)."""
    count, oldest = db.execute(
        f"""SELECT COUNT(*), MIN(c.last_at) FROM conversations c {SNOOZE_JOIN}
            LEFT JOIN mutes mu ON mu.conversation_id = c.id
            WHERE {view_where(View.NEEDS_REPLY, now)} AND mu.conversation_id IS NULL"""
    ).fetchone()
    return NeedsReply(int(count), parse_iso(oldest))


def wait_words(seconds: float) -> str:
    """A wait as a person reads it at a glance: "now", "47m", "3h", "2d"."""
    minutes = int(max(0.0, seconds) // 60)
    if minutes < 1:
        return "now"
    if minutes < 60:
        return f"{minutes}m"
    hours = minutes // 60
    if hours < 48:
        return f"{hours}h"
    return f"{hours // 24}d"
