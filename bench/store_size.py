"""The lean store (issue 17, target 3): bytes per cached message and conversation, and the speed
of converting an older store in place.

`measure(path)`: SQLite's dbstat bytes per row of the `messages` and `conversations` tables (the
targets: ≤ 400 and ≤ 600), and as context the all-in bytes (the table, its indexes and its search
index tables) per row, and the file's size.

`conversion(source, work_dir)`: an old-format copy of `source` as the previous release (schema 13)
wrote it, converted in place as an upgraded app would (migration 14, then `compact_rows`), timed,
and checked against `source`: the same JSON for every conversation and message, the same listing,
threads and search hits.

    python -m bench.store_size [STORE]   (default: builds the 10k store first, ~25 s)
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from sakari_tui.store import Store
from sakari_tui.store.compaction import compact_rows
from sakari_tui.store.connection import open_reader, register_functions
from sakari_tui.store.db import MIGRATIONS
from sakari_tui.store.packing import conversation_json_sql, message_json_sql

MESSAGE_ROW_TARGET = 400
CONVERSATION_ROW_TARGET = 600
OLD_VERSION = 13
"""The schema the release before the packed format left."""
# What each table's all-in figure counts besides the table and its own indexes.
SEARCH_TABLES = {
    "messages": ("message_text", "message_fts_data", "message_fts_idx", "message_fts_docsize", "message_fts_config"),
    "conversations": (
        "contact_text",
        "contact_fts_data",
        "contact_fts_idx",
        "contact_fts_docsize",
        "contact_fts_config",
    ),
}
DATA_TABLES = ("contacts", "conversations", "messages", "read_marks", "drafts", "outbox", "mutes", "sent_here")
OLD_FORMAT = {
    ("conversations", "raw"): conversation_json_sql("r"),
    (
        "conversations",
        "fingerprint",
    ): "CASE WHEN typeof(r.fingerprint) = 'blob' THEN lower(hex(r.fingerprint)) ELSE r.fingerprint END",
    ("messages", "raw"): message_json_sql("r"),
}
SEARCH_QUERIES = ("refund", "blue", "Abbott", "5550100", "thanks for")


def measure(path: Path) -> dict:
    """Bytes per row of the message and conversation tables (dbstat), all-in bytes, file size."""
    db = open_reader(path)
    try:
        pages = dict(db.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall())
        figures: dict = {"file_bytes": os.path.getsize(path)}
        for table, singular in (("messages", "message"), ("conversations", "conversation")):
            rows = db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            indexes = [
                row[0]
                for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?", (table,))
            ]
            search_indexes = [
                row[0]
                for row in db.execute(
                    f"SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ({','.join('?' * len(SEARCH_TABLES[table]))})",
                    SEARCH_TABLES[table],
                )
            ]
            all_in = sum(pages.get(name, 0) for name in (table, *indexes, *SEARCH_TABLES[table], *search_indexes))
            figures[table] = rows
            figures[f"{singular}_row_bytes"] = round(pages.get(table, 0) / rows, 1) if rows else 0.0
            figures[f"{singular}_all_in_bytes"] = round(all_in / rows, 1) if rows else 0.0
        figures["message_row_met"] = figures["message_row_bytes"] <= MESSAGE_ROW_TARGET
        figures["conversation_row_met"] = figures["conversation_row_bytes"] <= CONVERSATION_ROW_TARGET
        return figures
    finally:
        db.close()


def old_format_copy(source: Path, target: Path) -> Path:
    """`source`'s rows in a store as the previous release wrote it: schema 13 (its migrations, its
    triggers, which fill the search tables as rows go in), plain JSON text and hex fingerprints."""
    for name in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
        name.unlink(missing_ok=True)
    old = sqlite3.connect(str(target), isolation_level=None)
    register_functions(old)  # to read the source's packed rows
    try:
        old.execute("PRAGMA journal_mode=WAL")
        for number in range(OLD_VERSION):
            for statement in MIGRATIONS[number]:
                old.execute(statement)
        old.execute(f"PRAGMA user_version = {OLD_VERSION}")
        old.execute("ATTACH DATABASE ? AS source", (f"{source.resolve().as_uri()}?mode=ro",))
        old.execute("BEGIN")
        for table in DATA_TABLES:
            columns = [row[1] for row in old.execute(f"PRAGMA main.table_info({table})")]
            values = ", ".join(OLD_FORMAT.get((table, column), f"r.{column}") for column in columns)
            old.execute(f"INSERT INTO main.{table} ({', '.join(columns)}) SELECT {values} FROM source.{table} AS r")
        old.execute("COMMIT")
        old.execute("DETACH DATABASE source")
        old.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        old.close()
    return target


def _same_rows(a: sqlite3.Connection, b: sqlite3.Connection, sql: str) -> tuple[int, int]:
    """(rows, rows that differ) of one query on both stores, compared row by row in id order."""
    rows = differ = 0
    left, right = a.execute(sql), b.execute(sql)
    while True:
        x, y = left.fetchmany(1000), right.fetchmany(1000)
        if not x and not y:
            return rows, differ
        rows += max(len(x), len(y))
        differ += sum(tuple(p) != tuple(q) for p, q in zip(x, y)) + abs(len(x) - len(y))


def _hits(store: Store, query: str) -> list[tuple]:
    return [
        (h.kind, h.conversation_id, h.message_id, h.snippet.text, h.snippet.spans) for h in store.search.search(query)
    ]


def conversion(source_store: Path, work_dir: Path) -> dict:
    """Time the in-place conversion of an old-format copy of `source_store` and check it reads
    the same as `source_store`."""
    work_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    copy = old_format_copy(Path(source_store), work_dir / "old-format.sqlite3")
    copy_s = time.perf_counter() - started
    before = measure(copy)
    started = time.perf_counter()
    store = Store(copy)  # migration 14 only: what the first start of the new release waits for
    open_s = time.perf_counter() - started
    started = time.perf_counter()
    progress = compact_rows(store.db)
    convert_s = time.perf_counter() - started
    source = Store(source_store)
    try:
        checks = {}
        for name, sql in (
            ("conversations", f"SELECT id, {conversation_json_sql()} FROM conversations ORDER BY id"),
            ("messages", f"SELECT id, {message_json_sql()} FROM messages ORDER BY id"),
            ("search_text", "SELECT message_id, body FROM message_text ORDER BY message_id"),
        ):
            rows, differ = _same_rows(store.db, source.db, sql)
            checks[f"{name}_compared"], checks[f"{name}_differ"] = rows, differ
        listing = store.inbox.listing().ids
        checks["same_listing"] = listing == source.inbox.listing().ids
        sample = listing[:5] + [
            row[0]
            for row in store.db.execute(
                "SELECT conversation_id FROM messages GROUP BY conversation_id ORDER BY count(*) DESC LIMIT 2"
            )
        ]
        checks["same_threads"] = all(
            [m.model_dump() for m in store.inbox.thread(cid)] == [m.model_dump() for m in source.inbox.thread(cid)]
            for cid in sample
        )
        checks["same_search_hits"] = all(_hits(store, q) == _hits(source, q) for q in SEARCH_QUERIES)
        checks["search_hits"] = sum(len(_hits(store, q)) for q in SEARCH_QUERIES)
    finally:
        source.close()
    started = time.perf_counter()
    store.db.execute("VACUUM")
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    vacuum_s = time.perf_counter() - started
    store.close()
    after = measure(copy)
    rows = progress.total
    identical = (
        checks["conversations_differ"] == 0
        and checks["messages_differ"] == 0
        and checks["search_text_differ"] == 0
        and checks["same_listing"]
        and checks["same_threads"]
        and checks["same_search_hits"]
    )
    return {
        "rows_converted": rows,
        "convert_s": round(convert_s, 2),
        "rows_per_s": round(rows / convert_s) if convert_s else 0,
        "migration_open_s": round(open_s, 3),
        "vacuum_s": round(vacuum_s, 2),
        "old_copy_s": round(copy_s, 2),
        "old_file_bytes": before["file_bytes"],
        "old_message_row_bytes": before["message_row_bytes"],
        "old_conversation_row_bytes": before["conversation_row_bytes"],
        "converted_file_bytes": after["file_bytes"],
        "converted_message_row_bytes": after["message_row_bytes"],
        "converted_conversation_row_bytes": after["conversation_row_bytes"],
        "identical": identical,
        **checks,
    }


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    with tempfile.TemporaryDirectory(prefix="sakari-bench-store-") as folder:
        work = Path(folder)
        if args:
            source = Path(args[0])
        else:
            from .datasets import SHAPE_10K, anchor_now, build_store

            source = work / "store-10k.sqlite3"
            started = time.perf_counter()
            build_store(source, SHAPE_10K, anchor_now())
            print(f"built the 10k store in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        print(json.dumps({"measure": measure(source), "conversion": conversion(source, work / "conversion")}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
