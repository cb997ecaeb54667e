"""The outbox: replies recorded before they are sent, so none is lost or silently doubled.

A row lives from the moment the user presses send until the API has accepted the message (then
the message itself is in the cache and the row is deleted), or until the user discards it.
States:
  queued   waiting for its (next) attempt at `next_attempt` (a connect error is retried by itself);
  sending  a request is in flight; found in this state at start-up, it may or may not have gone;
  failed   the API refused it (the reason is in `error`); only the user sends it again;
  unknown  it may have gone and we could not check; the user checks before resending.
"""

from __future__ import annotations

import itertools
import json
import os
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from enum import Enum



class SendState(str, Enum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"  # only ever an event: a sent reply leaves the outbox
    FAILED = "failed"
    UNKNOWN = "unknown"


@dataclass
class OutboxEntry:
    local_id: str
    conversation_id: str
    contact_id: str | None
    text: str
    state: SendState
    created_at: datetime
    attempts: int = 0
    next_attempt: float = 0.0
    error: str | None = None
    exclude_ids: tuple[str, ...] = ()
    """Ids of matching messages that existed before this reply, so reconciliation never adopts them."""



def _entry(row: sqlite3.Row) -> OutboxEntry:
    return OutboxEntry(
        local_id=row["local_id"],
        conversation_id=row["conversation_id"],
        contact_id=row["contact_id"],
        text=row["text"],
        state=SendState(row["state"]),
        created_at=datetime.fromtimestamp(row["created_at"], timezone.utc),
        attempts=row["attempts"],
        next_attempt=row["next_attempt"],
        error=row["error"],
        exclude_ids=tuple(json.loads(row["exclude_ids"])),
    )


class Outbox:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self.db = connection
        # Unique across restarts and processes sharing the store: time, pid and a counter.
        self._ids = itertools.count(1)
        self._prefix = f"out-{int(time.time() * 1000):x}-{os.getpid():x}"

    def add(
        self, conversation_id: str, contact_id: str | None, text: str, exclude_ids: tuple[str, ...],
        *, created_at: datetime | None = None,
    ) -> OutboxEntry:
        """Record a reply (committed before any request is made); its draft goes in the same commit."""
        entry = OutboxEntry(
            local_id=f"{self._prefix}-{next(self._ids)}",
            conversation_id=conversation_id,
            contact_id=contact_id,
            text=text,
            state=SendState.QUEUED,
            created_at=created_at or datetime.now(timezone.utc),
            exclude_ids=exclude_ids,
        )
        with self.db:
            self.db.execute("BEGIN")
            # The reply replaces the draft (whatever version of it was saved last) in one transaction:
            # a crash between the two would bring the sent text back, one keypress from a second copy.
            self.db.execute("DELETE FROM drafts WHERE conversation_id = ?", (conversation_id,))
            self.db.execute(
                """INSERT INTO outbox (local_id, conversation_id, contact_id, text, state, created_at, exclude_ids)
                   VALUES (?, ?, ?, ?, ?, ?, ?)""",
                (entry.local_id, conversation_id, contact_id, text, entry.state.value, entry.created_at.timestamp(),
                 json.dumps(list(exclude_ids))),
            )
        return entry

    def update(self, entry: OutboxEntry) -> None:
        with self.db:
            self.db.execute(
                "UPDATE outbox SET state = ?, attempts = ?, next_attempt = ?, error = ? WHERE local_id = ?",
                (entry.state.value, entry.attempts, entry.next_attempt, entry.error, entry.local_id),
            )

    def exclude_everywhere(self, message_id: str, text: str, contact_id: str | None) -> None:
        """A server message now belongs to one reply: no other reply with the same text may claim it."""
        for entry in self.all():
            if entry.text == text and entry.contact_id == contact_id and message_id not in entry.exclude_ids:
                with self.db:
                    self.db.execute(
                        "UPDATE outbox SET exclude_ids = ? WHERE local_id = ?",
                        (json.dumps([*entry.exclude_ids, message_id]), entry.local_id),
                    )

    def remove(self, local_id: str) -> None:
        with self.db:
            self.db.execute("DELETE FROM outbox WHERE local_id = ?", (local_id,))

    def get(self, local_id: str) -> OutboxEntry | None:
        row = self.db.execute("SELECT * FROM outbox WHERE local_id = ?", (local_id,)).fetchone()
        return _entry(row) if row else None

    def all(self) -> list[OutboxEntry]:
        return [_entry(row) for row in self.db.execute("SELECT * FROM outbox ORDER BY created_at, local_id")]

    def for_conversation(self, conversation_id: str) -> list[OutboxEntry]:
        rows = self.db.execute(
            "SELECT * FROM outbox WHERE conversation_id = ? ORDER BY created_at, local_id", (conversation_id,)
        )
        return [_entry(row) for row in rows]
