"""Reading a whole conversation from the API for an export: every page, each message once, oldest first.

The app's thread pages on demand (`InboxEngine.load_older`); an export needs everything at once,
and must not quietly write part of a thread as if it were all of it. So the walk here ends only
when the API says the list is over (an empty page, `hasNext` false, or a short page when it sends
neither), and a server that keeps offering pages past a cap, or sends the same page again, is an
error with one sentence rather than a shorter file.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

from ..api import BadResponse, Message, Page
from ..api.models.base import EARLIEST

MAX_PAGES = 1000
"""With 100 messages a page, a thread of 100,000 messages; past that the export stops with an error."""
MAX_PAGE_SIZE = 100  # the API's own bound on `limit`


class ThreadExportError(BadResponse):
    """The API's answers did not let the whole thread be read; `str()` is one sentence for the user.

    A `BadResponse` (a `SakariError`), so a command reports it as an API error.
    """


class MessagePages(Protocol):
    """What the walk needs of `SakariClient`."""

    async def fetch_all_messages(
        self, *, offset: int | None = None, limit: int | None = None, conversation_id: str | None = None
    ) -> Page[Message]: ...


def _aware(moment: datetime) -> datetime:
    # A date without a zone is what a person typed: their own local time, as `astimezone` reads it.
    return moment if moment.tzinfo is not None else moment.astimezone()


def time_of(message: Message) -> datetime:
    """When a message was created; a message without a time sorts oldest (as Sakari's zero time does)."""
    return message.created_at or EARLIEST


def oldest_first(messages: Iterable[Message]) -> list[Message]:
    """Sorted by `created.at`, then by id, so messages of the same instant keep one order."""
    return sorted(messages, key=lambda message: (time_of(message), message.id or ""))


def _runs_newest_first(page: list[Message], previous_oldest: datetime | None) -> bool:
    """Whether this page, and the pages before it, came newest first (ties allowed)."""
    times = [time_of(message) for message in page]
    descending = all(a >= b for a, b in zip(times, times[1:], strict=False))
    return descending and (previous_oldest is None or times[0] <= previous_oldest)


async def fetch_whole_thread(
    client: MessagePages,
    conversation_id: str,
    *,
    since: datetime | None = None,
    page_size: int = MAX_PAGE_SIZE,
    max_pages: int = MAX_PAGES,
) -> list[Message]:
    """Every message of the conversation (from `since` on, when given), each once, oldest first.

    `since` without a time zone is local time; a message without a time is left out when `since`
    is given (it cannot be shown to be newer). Paging stops early at a page wholly older than
    `since`, but only while the pages really come newest first: the API does not document its
    order, and stopping on an oldest-first list would lose the newest messages.

    Raises `ThreadExportError` when the API offers more than `max_pages` pages or sends a page of
    messages already read; API errors (`SakariError`) pass through.
    """
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValueError(f"page_size must be between 1 and {MAX_PAGE_SIZE}")
    if max_pages < 1:
        raise ValueError("max_pages must be at least 1")
    cut = _aware(since) if since is not None else None
    by_id: dict[str, Message] = {}
    without_id: list[Message] = []
    offset: int | None = 0
    pages = 0
    newest_first = True
    previous_oldest: datetime | None = None
    while offset is not None:
        if pages >= max_pages:
            count = len(by_id) + len(without_id)
            raise ThreadExportError(
                f"Stopped after {max_pages:,} pages ({count:,} messages): the Sakari API kept offering more, "
                "so the export would be incomplete."
            )
        page = await client.fetch_all_messages(conversation_id=conversation_id, offset=offset, limit=page_size)
        pages += 1
        items = list(page.items)
        fresh = [message for message in items if message.id is None or message.id not in by_id]
        if items and not fresh:
            raise ThreadExportError(
                "The Sakari API sent the same messages again instead of the next page, so the export stopped."
            )
        for message in fresh:
            if message.id is None:
                without_id.append(message)
            else:
                by_id[message.id] = message
        if items and cut is not None:
            newest_first = newest_first and _runs_newest_first(items, previous_oldest)
            previous_oldest = time_of(items[-1])
            if newest_first and all(time_of(message) < cut for message in items):
                break
        offset = page.next_offset
    found = [*by_id.values(), *without_id]
    if cut is not None:
        found = [message for message in found if message.created_at is not None and message.created_at >= cut]
    return oldest_first(found)
