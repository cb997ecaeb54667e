"""One local database, with one object per concern."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from .cache import InboxCache
from .db import connect
from .drafts import Drafts
from .outbox import Outbox
from .search import Search


class Store:
    """One database, with one object per concern."""

    def __init__(self, path: Path | str) -> None:
        self.path = path
        self.db: sqlite3.Connection = connect(path)
        self.inbox = InboxCache(self.db)
        self.drafts = Drafts(self.db)
        self.outbox = Outbox(self.db)
        self.search = Search(self.db)

    def close(self) -> None:
        self.db.close()
