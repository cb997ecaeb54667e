"""A sync's pages of conversations written off the event loop: a connection of their own, in a thread.

Merging a page of 100 conversations is tens of milliseconds of SQL, most of it in the search
index's triggers. On the app's connection it ran on the event loop, so a key pressed meanwhile
waited for the whole page (p99 76 ms during a first sync of 100,000 conversations, against a
33 ms target). SQLite runs a statement without Python's GIL, so on a second connection in a
thread the loop keeps handling keys and frames while a page is written.

The two connections write the same file. Every write transaction on the store takes the write
lock when it begins (BEGIN IMMEDIATE, waiting out the other's transaction through the busy
handler) rather than upgrading a read part-way through, which SQLite refuses outright once the
other connection has committed since the read began. A page is one transaction here as on the
loop: all of it or, on a failure, none of it. One page is written at a time (a lock: the sync
awaits each page, but a close must wait for the page in flight), and what the page changed is
announced by the engine on the loop after the commit, when the app's own connection reads it.

A page's search documents are written unindexed, and `index_search` indexes them in bulk: the
engine calls it every few pages and when a sync ends (search_backlog.py).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .cache import InboxCache, MergeResult
from .db import StoreError, connect_writer
from .search_backlog import index_backlog

if TYPE_CHECKING:
    from ..api.models import Conversation


class PageWriter:
    """Merges pages of conversations on a connection of its own, from any one thread at a time."""

    def __init__(self, path: Path | str) -> None:
        self._lock = threading.Lock()
        self.db_path = path
        self.db = connect_writer(path)
        self._inbox = InboxCache(self.db)
        self._closed = False

    def merge_page(self, conversations: Sequence[Conversation]) -> MergeResult:
        """`InboxCache.merge_conversations` of a page (prepared here too), in one transaction; its
        search documents wait for `index_search`."""
        with self._lock:
            self._check_open()
            return self._inbox.merge_conversations(self._inbox.prepare_conversations(conversations), defer_search=True)

    def index_search(self) -> int:
        """Index the search documents the pages (or a killed process) left unindexed; how many."""
        with self._lock:
            self._check_open()
            return index_backlog(self.db)

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError(f"The local store at {self.db_path} is closed.")

    def close(self) -> None:
        """Close the connection once the page in flight (if any) is written."""
        with self._lock:
            if not self._closed:
                self._closed = True
                self.db.close()
