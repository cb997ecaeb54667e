"""The outbox: replies recorded before they are sent, so none is lost or silently doubled.

A row lives from the moment the user presses send until the API has accepted the message (then
the message itself is in the cache and the row is deleted), or until the user discards it.
States:
  scheduled waiting for its send time (`send_at`, wall clock): never sent before it. When it comes,
           the row is checked again (sync/scheduled.py: the customer writing first, an opt-out,
           quiet hours, a colleague's answer) and either becomes queued, in the same commit that
           records the check, or goes back into the draft (`back_to_draft`), or waits longer;
  queued   waiting for its (next) attempt at `next_attempt` (a connect error is retried by itself);
  sending  a request is in flight; found in this state at start-up, it may or may not have gone;
  failed   the API refused it (the reason is in `error`); only the user sends it again;
  unknown  it may have gone: it is looked for on the server at widening intervals (`checks` so far,
           from `ambiguous_since`) and, when the window is over without finding it, waits for the
           user to check and resend (never resent by itself).

A row is a reply in a conversation, or (`target` set) the first text to a number, whose
`conversation_id` is then a local placeholder until Sakari says which conversation it opened.

A row with an attachment (MMS) holds a staged copy of the file (store/outbox_media.py), made
before the row is written and removed with the row (sent, discarded, back into the draft), and,
once uploaded, the link Sakari hosts it on (`media_url`, committed before the send).
"""

from __future__ import annotations

import itertools
import json
import os
import sqlite3
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .outbox_entries import (  # noqa: F401  (the outbox's names, imported from here by its callers)
    NEW_CONVERSATION_PREFIX,
    OutboxEntry,
    Schedule,
    SendState,
    entry_from_row,
    is_placeholder,
    placeholder_id,
)
from .outbox_media import LocalFile, StagedFiles, files_folder


class Outbox:
    def __init__(self, connection: sqlite3.Connection, files: Path | None = None) -> None:
        self.db = connection
        self.files = StagedFiles(files or files_folder(connection))
        # Rows being delivered in this process, whichever Delivery over this store took them: two
        # engines sharing one store never send (or upload) the same row at once. (Two processes
        # are kept apart by the store's lock.)
        self.delivering: set[str] = set()
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
        send_at: float | None = None,
        schedule: Schedule | None = None,
        media: LocalFile | None = None,
        keep_draft: bool = False,
    ) -> OutboxEntry:
        """Record a reply (committed before any request is made); its draft goes in the same commit,
        unless `keep_draft` (a scripted send: the draft in the app is another reply).
        With `send_at` it is scheduled: it waits, on disk, until then.

        With `media`, the file is first copied into the outbox folder (ValueError when it cannot be
        read, `StagingFailed`, a StoreWriteError, when the copy cannot be written): nothing is
        recorded and the draft stays unless both the copy and the row are kept."""
        local_id = f"{self._prefix}-{next(self._ids)}"
        staged: Path | None = None
        size: int | None = None
        if media is not None:
            staged, size = self.files.stage(local_id, media)
        entry = OutboxEntry(
            local_id=local_id,
            conversation_id=conversation_id,
            contact_id=contact_id,
            text=text,
            state=SendState.QUEUED if send_at is None else SendState.SCHEDULED,
            created_at=created_at or datetime.now(timezone.utc),
            exclude_ids=exclude_ids,
            target=target,
            context=context or {},
            send_at=send_at,
            schedule=schedule,
            media_path=str(staged) if staged else None,
            media_name=media.name if media else None,
            media_type=media.content_type if media else None,
            media_size=size,
        )
        try:
            self._insert(entry, keep_draft=keep_draft)
        except BaseException:
            self.files.remove(staged)
            raise
        return entry

    def _insert(self, entry: OutboxEntry, *, keep_draft: bool = False) -> None:
        conversation_id = entry.conversation_id
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            # The reply replaces the draft (whatever version of it was saved last) in one transaction:
            # a crash between the two would bring the sent text back, one keypress from a second copy.
            if not keep_draft:
                self.db.execute("DELETE FROM drafts WHERE conversation_id = ?", (conversation_id,))
                self.db.execute("DELETE FROM draft_files WHERE conversation_id = ?", (conversation_id,))
            self.db.execute(
                """INSERT INTO outbox (local_id, conversation_id, contact_id, text, state, created_at, exclude_ids,
                                       target, context, send_at, schedule,
                                       media_path, media_name, media_type, media_size)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    entry.local_id,
                    conversation_id,
                    entry.contact_id,
                    entry.text,
                    entry.state.value,
                    entry.created_at.timestamp(),
                    json.dumps(list(entry.exclude_ids)),
                    json.dumps(entry.target) if entry.target else None,
                    json.dumps(entry.context),
                    entry.send_at,
                    entry.schedule.to_json() if entry.schedule else None,
                    entry.media_path,
                    entry.media_name,
                    entry.media_type,
                    entry.media_size,
                ),
            )

    def set_media_link(self, entry: OutboxEntry, url: str, expires: float | None) -> None:
        """The attachment is hosted at `url` (until `expires`, server time): committed on its own,
        before the send, so a send resumed after a crash uses (and is looked for by) this link."""
        with self.db:
            self.db.execute(
                "UPDATE outbox SET media_url = ?, media_expires = ? WHERE local_id = ?", (url, expires, entry.local_id)
            )
        entry.media_url, entry.media_expires = url, expires

    def sweep_files(self) -> list[Path]:
        """Remove staged copies no row names (left by a crash); only the store's owner may call
        this, when no reply is being queued (a copy is made just before its row is written)."""
        keep = {row[0] for row in self.db.execute("SELECT media_path FROM outbox WHERE media_path IS NOT NULL")}
        return self.files.sweep(keep)

    def _staged_path(self, local_id: str) -> str | None:
        row = self.db.execute("SELECT media_path FROM outbox WHERE local_id = ?", (local_id,)).fetchone()
        return row[0] if row else None

    def update(self, entry: OutboxEntry) -> None:
        with self.db:
            self.db.execute(
                """UPDATE outbox SET state = ?, attempts = ?, next_attempt = ?, error = ?, not_before = ?,
                          ambiguous_since = ?, checks = ?, send_at = ? WHERE local_id = ?""",
                (
                    entry.state.value,
                    entry.attempts,
                    entry.next_attempt,
                    entry.error,
                    entry.not_before,
                    entry.ambiguous_since,
                    entry.checks,
                    entry.send_at,
                    entry.local_id,
                ),
            )

    def adopted(self, local_id: str, message_id: str | None) -> None:
        """The server has this row's message: drop the row, record the message as sent here, and let
        no other row claim that message.

        Every other row is told (whatever its text: a placeholder-filled text can match another),
        in the same transaction, so a crash cannot leave the message claimable by a second row.
        """
        staged = self._staged_path(local_id)
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
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
        self.files.remove(staged)  # after the commit: a crash between the two leaves a copy to sweep

    def back_to_draft(self, local_id: str, base: str | None = None) -> OutboxEntry | None:
        """A scheduled reply that will not go: drop the row and put its text back into the
        conversation's draft (after any draft typed since), in one transaction, so a crash keeps
        the text in exactly one of the two places. `base`: the draft's collision-guard base from now.
        Only a scheduled row: one already released to be sent is past taking back (None then)."""
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            row = self.db.execute(
                "SELECT * FROM outbox WHERE local_id = ? AND state = ?", (local_id, SendState.SCHEDULED.value)
            ).fetchone()
            if row is None:
                return None
            entry = entry_from_row(row)
            draft = self.db.execute(
                "SELECT text FROM drafts WHERE conversation_id = ?", (entry.conversation_id,)
            ).fetchone()
            typed = draft["text"].rstrip() if draft else ""
            text = f"{typed}\n\n{entry.text}" if typed.strip() else entry.text
            self.db.execute("DELETE FROM outbox WHERE local_id = ?", (local_id,))
            self.db.execute(
                """INSERT INTO drafts (conversation_id, text, updated_at, base) VALUES (?, ?, ?, ?)
                   ON CONFLICT(conversation_id) DO UPDATE SET text = excluded.text,
                       updated_at = excluded.updated_at, base = COALESCE(excluded.base, drafts.base)""",
                (entry.conversation_id, text, time.time(), base),
            )
        # The draft holds text only: the attachment goes with the row (the caller says so).
        self.files.remove(entry.media_path)
        return entry

    def release(self, entry: OutboxEntry) -> bool:
        """A scheduled row's time came and its checks passed: it becomes queued (sent next), only
        if it is still scheduled (not taken back into the draft meanwhile). True when released."""
        with self.db:
            cursor = self.db.execute(
                "UPDATE outbox SET state = ?, next_attempt = 0, error = NULL WHERE local_id = ? AND state = ?",
                (SendState.QUEUED.value, entry.local_id, SendState.SCHEDULED.value),
            )
        if cursor.rowcount:
            entry.state, entry.next_attempt, entry.error = SendState.QUEUED, 0.0, None
        return bool(cursor.rowcount)

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
        staged = self._staged_path(local_id)
        with self.db:
            self.db.execute("DELETE FROM outbox WHERE local_id = ?", (local_id,))
        self.files.remove(staged)

    def get(self, local_id: str) -> OutboxEntry | None:
        row = self.db.execute("SELECT * FROM outbox WHERE local_id = ?", (local_id,)).fetchone()
        return entry_from_row(row) if row else None

    def all(self) -> list[OutboxEntry]:
        return [entry_from_row(row) for row in self.db.execute("SELECT * FROM outbox ORDER BY created_at, local_id")]

    def for_conversation(self, conversation_id: str) -> list[OutboxEntry]:
        rows = self.db.execute(
            "SELECT * FROM outbox WHERE conversation_id = ? ORDER BY created_at, local_id", (conversation_id,)
        )
        return [entry_from_row(row) for row in rows]
