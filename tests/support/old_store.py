"""A store as an older sakari-tui left it, to test the migrations that convert it.

The rows are written with today's code (into a store of today's schema) and copied, the columns
the older schema has, into a database migrated only up to `version`: so a test does not depend
on today's write code still fitting yesterday's tables.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from sakari_tui.store.cache import InboxCache
from sakari_tui.store.connection import register_functions
from sakari_tui.store.db import MIGRATIONS, connect
from sakari_tui.store.packing import conversation_json_sql, message_json_sql

DATA_TABLES = ("contacts", "conversations", "messages", "read_marks", "drafts", "outbox", "mutes", "sent_here")
# What today's rows hold in another format than the one an older sakari-tui wrote (before
# migration 14: plain JSON text and hex fingerprints).
OLD_FORMAT = {
    ("conversations", "raw"): conversation_json_sql("r"),
    ("conversations", "fingerprint"): "lower(hex(r.fingerprint))",
    ("messages", "raw"): message_json_sql("r"),
}


def old_store(path: Path, version: int, fill: Callable[[InboxCache], None]) -> None:
    """Write a store of schema `version` at `path`, holding what `fill` merged."""
    scratch = path.with_name(path.name + ".today")
    today = connect(scratch)
    fill(InboxCache(today))
    today.close()
    old = sqlite3.connect(str(path), isolation_level=None)
    register_functions(old)
    for number in range(version):
        for statement in MIGRATIONS[number]:
            old.execute(statement)
    old.execute(f"PRAGMA user_version = {version}")
    old.execute("ATTACH DATABASE ? AS today", (str(scratch),))
    tables = {row[0] for row in old.execute("SELECT name FROM main.sqlite_master WHERE type = 'table'")}
    # The tables rows are written to; the search tables follow them by triggers (or their migration).
    for table in [name for name in DATA_TABLES if name in tables]:
        columns = [row[1] for row in old.execute(f"PRAGMA main.table_info({table})")]
        names = ", ".join(columns)
        values = ", ".join(OLD_FORMAT.get((table, column), f"r.{column}") for column in columns)
        old.execute(f"INSERT INTO main.{table} ({names}) SELECT {values} FROM today.{table} AS r")
    old.execute("DETACH DATABASE today")
    old.close()
