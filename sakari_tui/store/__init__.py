"""Local state in SQLite: the cached inbox, drafts and read marks. Never imports Textual."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from .cache import ConversationListing, ConversationRow, InboxCache, ListingOptions, MergeResult
from .db import StoreError, connect
from .drafts import Drafts
from .outbox import Outbox, OutboxEntry, SendState


class Store:
    """One database, with one object per concern."""

    def __init__(self, path: Path | str) -> None:
        self.path = path
        self.db: sqlite3.Connection = connect(path)
        self.inbox = InboxCache(self.db)
        self.drafts = Drafts(self.db)
        self.outbox = Outbox(self.db)

    def close(self) -> None:
        self.db.close()


__all__ = ["Store", "StoreError", "ConversationListing", "ConversationRow", "ListingOptions", "InboxCache", "MergeResult", "Drafts", "Outbox", "OutboxEntry", "SendState"]
