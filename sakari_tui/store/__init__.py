"""Local state in SQLite: the cached inbox, drafts and read marks. Never imports Textual.

Names load on first use (PEP 562): `sakari-tui unread`, run by status bars every few seconds,
reads the store through `store.unread` alone and must not pay for the API models behind the cache.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_names

_HOMES = {
    "Store": ".store",
    "StoreError": ".db",
    "StoreLocked": ".lock",
    "StoreWriteError": ".db",
    "StoreDamaged": ".db",
    "Salvage": ".salvage",
    "move_aside": ".salvage",
    "ConversationListing": ".listing",
    "ConversationRow": ".listing",
    "InboxCache": ".cache",
    "ListingOptions": ".listing",
    "MergeResult": ".cache",
    "Drafts": ".drafts",
    "Outbox": ".outbox",
    "OutboxEntry": ".outbox",
    "SendState": ".outbox",
    "Search": ".search",
    "SearchHit": ".search",
    "Snippet": ".search",
}

__all__ = list(_HOMES)

if TYPE_CHECKING:
    from .cache import InboxCache, MergeResult
    from .db import StoreDamaged, StoreError, StoreWriteError
    from .drafts import Drafts
    from .listing import ConversationListing, ConversationRow, ListingOptions
    from .lock import StoreLocked
    from .outbox import Outbox, OutboxEntry, SendState
    from .salvage import Salvage, move_aside
    from .search import Search, SearchHit, Snippet
    from .store import Store


__getattr__, __dir__ = lazy_names(__name__, _HOMES)
