"""One local database, with one object per concern."""

from __future__ import annotations

import sqlite3
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from .cache import InboxCache
from .db import connect, open_reader
from .drafts import Drafts
from .lock import StoreLock
from .outbox import Outbox
from .overdue import OverdueWaits
from .page_writer import PageWriter

if TYPE_CHECKING:
    from .search import Search


class Store:
    """One database, with one object per concern."""

    def __init__(self, path: Path | str, *, exclusive: bool = False, role: str = "command") -> None:
        """`exclusive`: this process owns the store (and its outbox) until `close()`; a second
        owner is refused with `StoreLocked`. The app opens its store so; tools that only read
        (or tests that look alongside) do not."""
        self.path = path
        self.in_memory = str(path) == ":memory:"
        """No file behind it (tests): no lock, and no second connection to read or write on."""
        self._lock = StoreLock(path, role).acquire() if exclusive and not self.in_memory else None
        try:
            self.db: sqlite3.Connection = connect(path)
        except BaseException:
            if self._lock is not None:
                self._lock.release()
            raise
        self.inbox = InboxCache(self.db)
        self.drafts = Drafts(self.db)
        self.outbox = Outbox(self.db)
        self.overdue = OverdueWaits(self.db)
        self._reader: sqlite3.Connection | None = None
        self._page_writer: PageWriter | None = None

    @cached_property
    def search(self) -> Search:
        """Full-text search (Ctrl+F), made at its first use: its module is not wanted before the first frame."""
        from .search import Search

        return Search(self.reader)

    def reader(self) -> sqlite3.Connection:
        """A read-only connection of its own, for searches run in a thread.

        On the app's connection a search would hold SQLite's per-connection lock for its whole
        query, stalling the event loop's next store call, and would read the app's unfinished
        transactions. With WAL, a second connection reads its own consistent snapshot alongside.
        An in-memory store has no file to open twice, so it shares its one connection.
        """
        if self.in_memory:
            return self.db
        if self._reader is None:
            # A StoreConnection too: a damaged page met by a search is StoreDamaged, as anywhere else.
            self._reader = open_reader(self.path)
        return self._reader

    def page_writer(self) -> PageWriter | None:
        """The connection a sync writes its pages on in a thread (store/page_writer.py), opened
        on first use; None for an in-memory store, which has no file to open twice (its pages
        are written on the app's connection, on the event loop)."""
        if self.in_memory:
            return None
        if self._page_writer is None:
            self._page_writer = PageWriter(self.path)
        return self._page_writer

    def close(self) -> None:
        if self._page_writer is not None:
            self._page_writer.close()  # after the page in flight, if any
        if self._reader is not None:
            self._reader.close()
        self.db.close()
        if self._lock is not None:
            self._lock.release()
