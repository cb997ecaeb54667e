"""Converting a store's old rows (plain JSON text, before migration 14) to the packed format, in place.

Reads take both formats and every write packs, so nothing waits for this: it only gives the
space back. It goes through each table in rowid order, a batch of old rows per transaction,
and records in the same transaction how far it got (`compaction.through`): a kill loses at
most the batch in flight, and the next run carries on from there. Each batch takes the write
lock first (BEGIN IMMEDIATE), so two converters at once never both convert a row; rows the app
writes meanwhile are packed already and are skipped.

The app runs it in the background (`compact_in_background`), in batches small enough for a key
press to get through between them; `sakari-tui store compact` runs it to the end and VACUUMs.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass

from .connection import StoreError
from .packing import CONVERSATION_CONTEXT, pack_json, row_context

_log = logging.getLogger(__name__)

TABLES = ("messages", "conversations")
"""The tables whose `raw` is packed, in the order they are converted (the bigger first)."""
BATCH = 500
"""Old rows converted in one transaction by `compact_rows`."""
SPAN = 4000
"""Rowids looked at in one transaction at most: a stretch already packed is passed over in
bounded steps, never in one long scan."""
BACKGROUND_BATCH = 64
BACKGROUND_PAUSE_S = 0.025


@dataclass
class Progress:
    """What a conversion did."""

    converted: dict[str, int]
    """Rows packed, per table."""
    done: bool
    """No old row is left."""

    @property
    def total(self) -> int:
        return sum(self.converted.values())


def pending(db: sqlite3.Connection) -> list[str]:
    """The tables that may still hold old rows."""
    done = {row[0] for row in db.execute("SELECT table_name FROM compaction WHERE done_at IS NOT NULL")}
    return [table for table in TABLES if table not in done]


def restart(db: sqlite3.Connection) -> None:
    """Look at every row again on the next run (after something else may have renumbered rowids)."""
    db.execute("DELETE FROM compaction")


def compact_step(db: sqlite3.Connection, table: str, *, batch: int = BATCH, span: int = SPAN) -> int | None:
    """Convert up to `batch` old rows of `table` in one transaction, from where the last step
    stopped; the number converted, or None when the table has none left (and is marked done)."""
    if table not in TABLES:
        raise ValueError(table)
    with db:
        db.execute("BEGIN IMMEDIATE")
        state = db.execute("SELECT through, done_at FROM compaction WHERE table_name = ?", (table,)).fetchone()
        if state is not None and state[1] is not None:
            return None
        through = state[0] if state is not None else 0
        last = db.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0] or 0
        if through >= last:
            _record(db, table, through, done=True)
            return None
        converted, reached = _convert(db, table, through, through + span, batch)
        _record(db, table, reached, done=False)
        return converted


def _convert(db: sqlite3.Connection, table: str, after: int, until: int, batch: int) -> tuple[int, int]:
    """Pack the old rows with rowid in (after, until], at most `batch`; (how many, rowid reached)."""
    if table == "messages":
        rows = db.execute(
            """SELECT rowid, raw FROM messages WHERE rowid > ? AND rowid <= ? AND typeof(raw) = 'text'
               ORDER BY rowid LIMIT ?""",
            (after, until, batch),
        ).fetchall()
        db.executemany("UPDATE messages SET raw = ? WHERE rowid = ?", [(pack_json(r[1]), r[0]) for r in rows])
    else:
        context = ", ".join(CONVERSATION_CONTEXT)
        rows = db.execute(
            f"""SELECT rowid, raw, fingerprint, {context} FROM conversations
                WHERE rowid > ? AND rowid <= ? AND (typeof(raw) = 'text' OR typeof(fingerprint) = 'text')
                ORDER BY rowid LIMIT ?""",
            (after, until, batch),
        ).fetchall()
        db.executemany(
            "UPDATE conversations SET raw = ?, fingerprint = ? WHERE rowid = ?",
            [(_packed_conversation(row), _fingerprint(row[2]), row[0]) for row in rows],
        )
    reached = rows[-1][0] if len(rows) == batch else until
    return len(rows), reached


def _packed_conversation(row: sqlite3.Row) -> bytes:
    raw = row[1]
    if isinstance(raw, bytes):  # packed already (only its fingerprint was old)
        return raw
    return pack_json(raw, row_context(*(row[column] for column in CONVERSATION_CONTEXT)))


def _fingerprint(value: object) -> object:
    """A fingerprint of 24 hex digits as its 12 bytes (anything else as it is)."""
    if isinstance(value, str):
        try:
            return bytes.fromhex(value)
        except ValueError:
            return value
    return value


def _record(db: sqlite3.Connection, table: str, through: int, *, done: bool) -> None:
    db.execute(
        """INSERT INTO compaction (table_name, through, done_at) VALUES (?, ?, ?)
           ON CONFLICT(table_name) DO UPDATE SET through = max(through, excluded.through),
               done_at = COALESCE(done_at, excluded.done_at)""",
        (table, through, time.time() if done else None),
    )


def compact_rows(
    db: sqlite3.Connection,
    *,
    batch: int = BATCH,
    on_batch: Callable[[str, int], None] | None = None,
) -> Progress:
    """Convert every old row, a batch per transaction; `on_batch(table, converted)` after each."""
    converted = dict.fromkeys(TABLES, 0)
    for table in pending(db):
        while (count := compact_step(db, table, batch=batch)) is not None:
            converted[table] += count
            if on_batch is not None:
                on_batch(table, count)
    return Progress(converted, done=True)


async def compact_in_background(
    db: sqlite3.Connection, *, batch: int = BACKGROUND_BATCH, pause: float = BACKGROUND_PAUSE_S
) -> Progress:
    """`compact_rows` on the event loop, a small batch at a time with a pause between: on the
    app's own connection (a second writer would make the app's writes wait, or fail), and in
    batches of a few milliseconds each. A store with nothing left costs one query. A failure
    of the store (a full disk) stops it quietly: the next start carries on."""
    converted = dict.fromkeys(TABLES, 0)
    try:
        for table in pending(db):
            while (count := compact_step(db, table, batch=batch)) is not None:
                converted[table] += count
                await asyncio.sleep(pause)
    except StoreError as error:
        _log.warning("converting the store's old rows stopped: %s", error)
        return Progress(converted, done=False)
    if sum(converted.values()):
        _log.info("converted the store's old rows: %s", converted)
    return Progress(converted, done=True)
