"""Moving a damaged store aside: a fresh store in its place, with the replies and drafts still readable.

The cached inbox comes back with the next sync; what only this machine has is the outbox (replies
recorded but maybe not sent: losing one loses the text, and losing its state could send it twice)
and the drafts. Those are copied row by row, each read on its own, so a damaged page costs only
the rows on it.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .db import connect
from .outbox import SendState

SIDE_FILES = ("", "-wal", "-shm")


@dataclass(frozen=True)
class Salvage:
    """What moving a damaged store aside kept."""

    damaged: Path
    """Where the damaged file is now (its -wal and -shm, if any, beside it with the same name)."""
    replies_kept: int
    """Outbox rows copied into the fresh store."""
    replies_lost: int
    """Outbox rows known to exist (from an index) that could not be read."""
    drafts_kept: int


def damaged_name(path: Path, now: datetime) -> Path:
    """`NAME.damaged-YYYYmmdd-HHMMSS` beside `path`, with a counter if that is taken."""
    base = path.with_name(f"{path.name}.damaged-{now:%Y%m%d-%H%M%S}")
    candidate, number = base, 1
    while any(Path(f"{candidate}{suffix}").exists() for suffix in SIDE_FILES):
        number += 1
        candidate = base.with_name(f"{base.name}-{number}")
    return candidate


def move_aside(path: Path | str, *, now: datetime | None = None) -> Salvage:
    """Rename the store at `path` (and its -wal, -shm) aside, create a fresh one at `path`, and copy
    into it every outbox row and draft still readable. Nothing may have the store open meanwhile."""
    path = Path(path)
    damaged = damaged_name(path, now or datetime.now())
    for suffix in SIDE_FILES:
        with contextlib.suppress(FileNotFoundError):
            Path(f"{path}{suffix}").rename(f"{damaged}{suffix}")
    replies, replies_lost = _readable(damaged, "outbox", _usable_reply, index_order="conversation_id, created_at")
    drafts, _ = _readable(damaged, "drafts", _usable_draft, index_order="conversation_id")
    fresh = connect(path)
    try:
        kept_replies = _insert(fresh, "outbox", replies)
        kept_drafts = _insert(fresh, "drafts", drafts)
    finally:
        fresh.close()
    return Salvage(damaged, kept_replies, replies_lost + len(replies) - kept_replies, kept_drafts)


def _readable(
    damaged: Path,
    table: str,
    usable: Callable[[dict], bool],
    *,
    index_order: str,
) -> tuple[list[dict], int]:
    """The rows of `table` that can be read and make sense, and how many more exist but cannot."""
    try:
        db = sqlite3.connect(f"{damaged.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return [], 0
    try:
        rowids = _rowids(db, table, index_order)
        rows: list[dict] = []
        for rowid in sorted(rowids):
            try:
                cursor = db.execute(f"SELECT * FROM {table} WHERE rowid = ?", (rowid,))
                values = cursor.fetchone()
            except sqlite3.Error:  # a damaged page, or text that is not UTF-8
                continue
            if values is None:
                continue
            row = dict(zip((column[0] for column in cursor.description), values))
            if usable(row):
                rows.append(row)
        return rows, len(rowids) - len(rows)
    finally:
        db.close()


def _rowids(db: sqlite3.Connection, table: str, index_order: str) -> set[int]:
    """Every rowid of `table` that some path through the file still reaches.

    A damaged page stops a scan where it lies: the table is scanned from both ends, and once
    through an index (whose pages are elsewhere in the file), each up to where it fails.
    """
    rowids: set[int] = set()
    for query in (
        f"SELECT rowid FROM {table} ORDER BY rowid",
        f"SELECT rowid FROM {table} ORDER BY rowid DESC",
        f"SELECT rowid FROM {table} ORDER BY {index_order}",
    ):
        with contextlib.suppress(sqlite3.Error):
            for (rowid,) in db.execute(query):
                if isinstance(rowid, int):
                    rowids.add(rowid)
    return rowids


def _usable_reply(row: dict) -> bool:
    """An outbox row the Outbox can read back (garbage that SQLite did not notice is left out)."""
    try:
        SendState(row["state"])
        exclude_ids = json.loads(row["exclude_ids"])
    except (KeyError, TypeError, ValueError):
        return False
    return (
        isinstance(row.get("local_id"), str)
        and isinstance(row.get("conversation_id"), str)
        and isinstance(row.get("text"), str)
        and isinstance(row.get("created_at"), (int, float))
        and isinstance(exclude_ids, list)
    )


def _usable_draft(row: dict) -> bool:
    return isinstance(row.get("conversation_id"), str) and isinstance(row.get("text"), str)


def _insert(fresh: sqlite3.Connection, table: str, rows: list[dict]) -> int:
    """Copy `rows` into `table` of the fresh store, by the columns both schemas have."""
    columns = [column["name"] for column in fresh.execute(f"PRAGMA table_info({table})")]
    kept = 0
    with fresh:
        fresh.execute("BEGIN")
        for row in rows:
            shared = [column for column in columns if column in row]
            placeholders = ", ".join("?" * len(shared))
            cursor = fresh.execute(
                f"INSERT OR IGNORE INTO {table} ({', '.join(shared)}) VALUES ({placeholders})",
                [row[column] for column in shared],
            )
            kept += cursor.rowcount
    return kept
