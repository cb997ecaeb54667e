"""Migration 18: a sync's pages leave their search documents to be indexed in bulk, every few pages.

Indexing each document as its row is written (an FTS5 insert per row, through the content
table's trigger, and a flush of a new index segment at each page's commit) was a third of a
page's SQL in a first sync: 16 ms of 48 a page at 10,000 conversations. The same documents
indexed by one INSERT … SELECT every 20 pages cost 1-2 ms a page.

How it stays exact. The content tables (message_text, contact_text) are written as before; only
their FTS5 index lags. `search_backlog` holds, per content table, the last docid the index held
when a page began to defer: while that row is there, a document whose docid is past it is left
out of the index, and so are its deletes and updates (deleting from an external-content FTS5
index what it never held corrupts it). So at every moment the index holds exactly the documents
at or below the mark, whoever wrote them (a thread's messages on the app's connection too), and
`index_backlog` indexes the rest in one statement and removes the mark, in one transaction. A
docid reused after a delete keeps to the same rule: at or below the mark it is indexed as
written, above it it waits. A process killed between the two leaves the mark, and the next
sync's catch-up indexes what it left.

Meanwhile a search does not find the documents of the last few pages: at most ~2 seconds of a
first sync's newest rows, which the list is still filling in anyway.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from .search_schema import FTS_INDEXES, _fts_sync_triggers


def _deferred(content: str) -> Callable[[str], str]:
    """SQL of a row (new or old) of `content` that is past its mark, so not in the index."""
    return lambda row: (
        f"EXISTS (SELECT 1 FROM search_backlog WHERE content = '{content}' AND {row}.docid > indexed_through)"
    )


def search_backlog_migration() -> list[str]:
    """Migration 18: the marks table, and the content tables' index triggers that heed it."""
    return [
        "CREATE TABLE search_backlog (content TEXT PRIMARY KEY, indexed_through INTEGER NOT NULL)",
        *(
            sql
            for content, fts, columns in FTS_INDEXES
            for sql in (
                *(f"DROP TRIGGER {content}_{event}" for event in ("ai", "ad", "au")),
                *_fts_sync_triggers(content, fts, "docid", columns, unless=_deferred(content)),
            )
        ),
    ]


def defer_indexing(db: sqlite3.Connection) -> None:
    """Leave the documents written from now on out of the search index until `index_backlog`
    (inside the caller's transaction; a mark already set stays where it is)."""
    for content, _fts, _columns in FTS_INDEXES:
        db.execute(
            f"INSERT OR IGNORE INTO search_backlog (content, indexed_through)"
            f" SELECT '{content}', COALESCE(MAX(docid), 0) FROM {content}"
        )


def index_backlog(db: sqlite3.Connection) -> int:
    """Index every document past its mark and remove the marks, in one transaction; how many
    documents were indexed (0, and no write, when nothing was deferred)."""
    if db.execute("SELECT 1 FROM search_backlog LIMIT 1").fetchone() is None:
        return 0
    indexed = 0
    with db:
        db.execute("BEGIN IMMEDIATE")
        for content, fts, columns in FTS_INDEXES:
            mark = db.execute("SELECT indexed_through FROM search_backlog WHERE content = ?", (content,)).fetchone()
            if mark is None:
                continue
            names = ", ".join(columns)
            indexed += db.execute(
                f"INSERT INTO {fts} (rowid, {names}) SELECT docid, {names} FROM {content} WHERE docid > ?", (mark[0],)
            ).rowcount
        db.execute("DELETE FROM search_backlog")
    return indexed
