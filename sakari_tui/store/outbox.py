"""The outbox: replies recorded before they are sent, so none is lost or silently doubled.

A row lives from the moment the user presses send until the API has accepted the message (then
the message itself is in the cache and the row is deleted), or until the user discards it.
States:
  queued   waiting for its (next) attempt at `next_attempt` (a connect error is retried by itself);
  sending  a request is in flight; found in this state at start-up, it may or may not have gone;
  failed   the API refused it (the reason is in `error`); only the user sends it again;
  unknown  it may have gone: it is looked for on the server at widening intervals (`checks` so far,
           from `ambiguous_since`) and, when the window is over without finding it, waits for the
           user to check and resend (never resent by itself).

A row is a reply in a conversation, or (`target` set) the first text to a number, whose
`conversation_id` is then a local placeholder until Sakari says which conversation it opened.
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
from typing import Any

NEW_CONVERSATION_PREFIX = "new:"
"""Placeholder conversation ids (`new:+14155550100`) of first texts Sakari has not confirmed yet."""


def placeholder_id(number: str) -> str:
    return NEW_CONVERSATION_PREFIX + number


def is_placeholder(conversation_id: str | None) -> bool:
    return bool(conversation_id) and conversation_id.startswith(NEW_CONVERSATION_PREFIX)


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
    target: dict[str, Any] | None = None
    """A first text's recipient: {"number": E.164, "firstName", "lastName", "country"}; None for a reply."""
    not_before: float | None = None
    """Server time (Unix seconds) before which no server message can be this one; None: not known."""
    context: dict[str, str] | None = None
    """The contact's details the text's placeholders are filled from, as known when it was queued."""
    ambiguous_since: float | None = None
    """Engine time of the first outcome that left it unknown whether the text reached Sakari."""
    checks: int = 0
    """Looks on the server for it since then."""


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
        target=json.loads(row["target"]) if row["target"] else None,
        not_before=row["not_before"],
        context=json.loads(row["context"] or "{}"),
        ambiguous_since=row["ambiguous_since"],
        checks=row["checks"],
    )


class Outbox:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self.db = connection
        # Unique across restarts and processes sharing the store: time, pid and a counter.
        self._ids = itertools.count(1)
        self._prefix = f"out-{int(time.time() * 1000):x}-{os.getpid():x}"

    def add(
        self,
        conversation_id: str,
        contact_id: str | None,
        text: str,
        exclude_ids: tuple[str, ...],
        *,
        created_at: datetime | None = None,
        target: dict[str, Any] | None = None,
        context: dict[str, str] | None = None,
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
            target=target,
            context=context or {},
        )
        with self.db:
            self.db.execute("BEGIN")
            # The reply replaces the draft (whatever version of it was saved last) in one transaction:
            # a crash between the two would bring the sent text back, one keypress from a second copy.
            self.db.execute("DELETE FROM drafts WHERE conversation_id = ?", (conversation_id,))
            self.db.execute(
                """INSERT INTO outbox (local_id, conversation_id, contact_id, text, state, created_at, exclude_ids,
                                       target, context)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    entry.local_id,
                    conversation_id,
                    contact_id,
                    text,
                    entry.state.value,
                    entry.created_at.timestamp(),
                    json.dumps(list(exclude_ids)),
                    json.dumps(target) if target else None,
                    json.dumps(entry.context),
                ),
            )
        return entry

    def update(self, entry: OutboxEntry) -> None:
        with self.db:
            self.db.execute(
                """UPDATE outbox SET state = ?, attempts = ?, next_attempt = ?, error = ?, not_before = ?,
                          ambiguous_since = ?, checks = ? WHERE local_id = ?""",
                (
                    entry.state.value,
                    entry.attempts,
                    entry.next_attempt,
                    entry.error,
                    entry.not_before,
                    entry.ambiguous_since,
                    entry.checks,
                    entry.local_id,
                ),
            )

    def adopted(self, local_id: str, message_id: str | None) -> None:
        """The server has this row's message: drop the row, record the message as sent here, and let
        no other row claim that message.

        Every other row is told (whatever its text: a placeholder-filled text can match another),
        in the same transaction, so a crash cannot leave the message claimable by a second row.
        """
        with self.db:
            self.db.execute("BEGIN")
            self.db.execute("DELETE FROM outbox WHERE local_id = ?", (local_id,))
            if message_id:
                # This machine sent it: the one record that makes it "You" (sms/authors.py).
                self.db.execute(
                    "INSERT OR IGNORE INTO sent_here (message_id, local_id, sent_at) VALUES (?, ?, ?)",
                    (message_id, local_id, time.time()),
                )
                for row in self.db.execute("SELECT local_id, exclude_ids FROM outbox").fetchall():
                    excluded = json.loads(row["exclude_ids"])
                    if message_id not in excluded:
                        self.db.execute(
                            "UPDATE outbox SET exclude_ids = ? WHERE local_id = ?",
                            (json.dumps([*excluded, message_id]), row["local_id"]),
                        )

    def move_conversation(self, old_id: str, new_id: str, contact_id: str | None) -> list[str]:
        """Rows waiting under a placeholder conversation now belong to the real one Sakari opened."""
        with self.db:
            rows = self.db.execute("SELECT local_id FROM outbox WHERE conversation_id = ?", (old_id,)).fetchall()
            self.db.execute(
                "UPDATE outbox SET conversation_id = ?, contact_id = COALESCE(contact_id, ?) WHERE conversation_id = ?",
                (new_id, contact_id, old_id),
            )
        return [row["local_id"] for row in rows]

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
