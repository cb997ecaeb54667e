"""Local state in SQLite: the cached inbox, drafts and read marks. Never imports Textual.

Names load on first use (PEP 562): `sakari-tui unread`, run by status bars every few seconds,
reads the store through `store.unread` alone and must not pay for the API models behind the cache.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_HOMES = {
    "Store": ".store",
    "StoreError": ".db",
    "StoreLocked": ".lock",
    "StoreWriteError": ".db",
    "StoreDamaged": ".db",
    "Salvage": ".salvage",
    "move_aside": ".salvage",
    "ConversationListing": ".cache",
    "ConversationRow": ".cache",
    "InboxCache": ".cache",
    "ListingOptions": ".cache",
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
    from .cache import ConversationListing, ConversationRow, InboxCache, ListingOptions, MergeResult
    from .db import StoreDamaged, StoreError, StoreWriteError
    from .drafts import Drafts
    from .lock import StoreLocked
    from .outbox import Outbox, OutboxEntry, SendState
    from .salvage import Salvage, move_aside
    from .search import Search, SearchHit, Snippet
    from .store import Store


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(home, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
