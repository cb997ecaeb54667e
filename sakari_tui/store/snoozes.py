"""Snoozes: a conversation out of the views until a time or until the customer writes.

Local state, per machine, keyed by (contact, sender number) (see `views.KEY_SQL`): the conversation
Sakari opens when the customer texts after a close is still the one snoozed. A snooze that has
woken (its time came, or the customer wrote) stays until the conversation is opened, so the row
can say why it is back.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass

from .views import KEY_SQL, SNOOZE_REPLIED_SQL

_KEY_OF = f"SELECT {KEY_SQL}, c.sender_number, c.last_at FROM conversations c WHERE c.id = ?"
# A snooze's conversation: the open one with that key if there is one (it replaced the snoozed one).
_SNOOZE_OF = f"""SELECT s.until, {SNOOZE_REPLIED_SQL} FROM conversations c
    JOIN snoozes s ON s.contact_key = {KEY_SQL} AND s.sender_number = c.sender_number WHERE c.id = ?"""


@dataclass(frozen=True)
class Snooze:
    until: float
    """When it wakes (epoch seconds)."""
    customer_replied: bool
    """The customer wrote since it was snoozed: it woke already."""

    def woke(self, now: float) -> str | None:
        """Why it is back ("customer replied", "snooze ended"), or None while it sleeps."""
        if self.customer_replied:
            return "customer replied"
        return "snooze ended" if self.until <= now else None


class Snoozes:
    """The snoozes of `InboxCache` (a part of `LocalMarks`)."""

    db: sqlite3.Connection

    def _key(self, conversation_id: str) -> tuple[str, str, str] | None:
        row = self.db.execute(_KEY_OF, (conversation_id,)).fetchone()
        return (row[0], row[1], row[2]) if row is not None else None

    def snooze(self, conversation_id: str, until: float, now: float | None = None) -> None:
        """Snooze the conversation until `until` (epoch seconds) or until the customer writes."""
        key = self._key(conversation_id)
        if key is None:
            return
        contact_key, sender, last_at = key
        with self.db:
            self.db.execute(
                """INSERT INTO snoozes (contact_key, sender_number, until, through, snoozed_at) VALUES (?, ?, ?, ?, ?)
                   ON CONFLICT(contact_key, sender_number) DO UPDATE SET until = excluded.until,
                       through = excluded.through, snoozed_at = excluded.snoozed_at""",
                (contact_key, sender, until, last_at, time.time() if now is None else now),
            )

    def unsnooze(self, conversation_id: str) -> None:
        key = self._key(conversation_id)
        if key is not None:
            with self.db:
                self.db.execute("DELETE FROM snoozes WHERE contact_key = ? AND sender_number = ?", key[:2])

    def snooze_of(self, conversation_id: str) -> Snooze | None:
        """The conversation's snooze, asleep or woken; None when it has none."""
        row = self.db.execute(_SNOOZE_OF, (conversation_id,)).fetchone()
        return Snooze(float(row[0]), bool(row[1])) if row is not None else None

    def next_wake(self, now: float) -> float | None:
        """The earliest time a snooze ends after `now` (the list moves its row then); None if none does."""
        row = self.db.execute("SELECT MIN(until) FROM snoozes WHERE until > ?", (now,)).fetchone()
        return float(row[0]) if row and row[0] is not None else None

    def _forget_woken_snooze(self, contact_key: str, sender: str, now: float) -> None:
        """Opened: a snooze that woke has said why; one still asleep stays (opening is not answering)."""
        self.db.execute(
            f"""DELETE FROM snoozes WHERE contact_key = ? AND sender_number = ? AND (until <= ? OR EXISTS (
                    SELECT 1 FROM conversations c WHERE {KEY_SQL} = snoozes.contact_key
                    AND c.sender_number = snoozes.sender_number AND EXISTS (SELECT 1 FROM messages m
                    WHERE m.conversation_id = c.id AND m.outgoing = 0 AND m.created_at > snoozes.through)))""",
            (contact_key, sender, now),
        )
