"""Conversations whose customer has waited too long, each paged once (`notifications.on_overdue`).

A conversation is waiting when the Needs reply view lists it (open, not snoozed, its last message
the customer's or an auto-responder's, which answers nobody) and it is not muted. It is overdue once that message is older than
the alert threshold. Each (conversation, last message) pages once: the record is kept in the
store, so a restart does not page a team again for the same wait; a new text starts a new wait.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from .times import iso, parse_iso
from .views import SNOOZE_JOIN, View, view_where

# Waits this long past the threshold are not paged at all: an inbox opened after a long holiday
# must not start dozens of pages for conversations that were overdue days ago.
STALE_AFTER = timedelta(days=2)


@dataclass(frozen=True)
class OverdueWait:
    conversation_id: str
    message_id: str
    contact_name: str
    number: str
    since: datetime


def _candidates_sql(now: datetime) -> str:
    # Needs reply's own condition (open, the customer's turn, an auto-reply counting as no answer,
    # not snoozed), so what pages is exactly what that view lists as waiting.
    return f"""
        SELECT c.id, c.last_message_id, c.contact_name, c.contact_number, c.last_at
        FROM conversations c
        {SNOOZE_JOIN}
        LEFT JOIN mutes mu ON mu.conversation_id = c.id
        LEFT JOIN overdue_paged p ON p.conversation_id = c.id AND p.message_id = c.last_message_id
        WHERE {view_where(View.NEEDS_REPLY, now.timestamp())}
          AND mu.conversation_id IS NULL AND p.conversation_id IS NULL
          AND c.last_message_id IS NOT NULL AND c.last_at <= ? AND c.last_at >= ?"""


class OverdueWaits:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self.db = connection

    def newly_overdue(self, now: datetime, alert_after: timedelta) -> list[OverdueWait]:
        """Waits past `alert_after` at `now` (server time) not paged yet, oldest first; each is
        recorded as paged in the same call (a page is never run twice for one wait)."""
        due_before = iso(now - alert_after)
        rows = self.db.execute(_candidates_sql(now), (due_before, iso(now - alert_after - STALE_AFTER))).fetchall()
        found = [
            OverdueWait(row["id"], row["last_message_id"], row["contact_name"], row["contact_number"], since)
            for row in rows
            if (since := parse_iso(row["last_at"])) is not None
        ]
        if found:
            with self.db:
                self.db.executemany(
                    "INSERT OR IGNORE INTO overdue_paged (conversation_id, message_id, paged_at) VALUES (?, ?, ?)",
                    [(wait.conversation_id, wait.message_id, now.timestamp()) for wait in found],
                )
        return sorted(found, key=lambda wait: wait.since)


def waited(since: datetime, now: datetime) -> str:
    """How long, as a page says it: "47m", "2h 5m", "3d"."""
    minutes = max(0, int((now - since).total_seconds() // 60))
    if minutes < 60:
        return f"{minutes}m"
    if minutes < 24 * 60:
        hours, rest = divmod(minutes, 60)
        return f"{hours}h {rest}m" if rest else f"{hours}h"
    return f"{minutes // (24 * 60)}d"
