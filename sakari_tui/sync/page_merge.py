"""Writing a sync's pages of conversations to the store without holding up the event loop.

A page is merged in one transaction (all of it or, on a failure, none): in a thread on the
store's page writer (store/page_writer.py) for a store file, so keys and frames keep being
handled meanwhile; on the event loop, a few conversations prepared at a time, for an in-memory
store. The page writer leaves its pages' search documents unindexed; `index_search` indexes
them in bulk (store/search_backlog.py).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from ..store import MergeResult, Store

if TYPE_CHECKING:
    from ..api import Conversation

# Conversations prepared between two turns of the event loop (see `PageMerge._merge_in_chunks`).
MERGE_CHUNK = 10


class PageMerge:
    """Merges pages of conversations into one store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    async def merge(self, conversations: list[Conversation]) -> MergeResult:
        """Merge a page in one transaction, off the loop where the store can."""
        writer = self.store.page_writer()
        if writer is None:
            return await self._merge_in_chunks(conversations)
        return await asyncio.to_thread(writer.merge_page, conversations)

    async def index_search(self) -> None:
        """Index the search documents the page writer's pages left unindexed (search_backlog.py)."""
        writer = self.store.page_writer()
        if writer is not None:
            await asyncio.to_thread(writer.index_search)

    async def _merge_in_chunks(self, conversations: list[Conversation]) -> MergeResult:
        """Merge a page in one transaction on the store's own connection, prepared a few
        conversations at a time with the event loop running in between.

        Preparing (dumping and packing each one's JSON) is a quarter of a page's merge: in
        chunks, keys and frames get through between them. The SQL then runs in one go: a
        transaction cannot stay open across a turn of the loop (the UI writes on the same
        connection), and one commit a page rather than one a chunk saves most of the commits'
        cost (each flushes the search index).
        """
        prepared = []
        for start in range(0, len(conversations), MERGE_CHUNK):
            # Also before the first chunk: the page was just read and validated in this turn.
            await asyncio.sleep(0)
            prepared += self.store.inbox.prepare_conversations(conversations[start : start + MERGE_CHUNK])
        await asyncio.sleep(0)
        return self.store.inbox.merge_conversations(prepared)
