"""Walking a list operation page by page, without trusting the server to say when it ends.

A server whose `hasNext` is always true, which ignores the offset, or which echoes nonsense
offsets would otherwise keep a walk going for ever. A walk stops when a page brings only items
already seen, when the offset does not move forward, or at a cap on pages (and optionally
items); `WalkOutcome` says which, in a sentence fit for the status line.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from .models import Page

T = TypeVar("T")

DEFAULT_MAX_PAGES = 1000


@dataclass(frozen=True)
class Collected(Generic[T]):
    """Every item a walk gathered; `complete` is False when it stopped before the list's end,
    and then `reason` says why in one sentence."""

    items: list[T]
    complete: bool
    reason: str | None = None


@dataclass
class WalkOutcome:
    """Filled in by `walk_pages` as it ends: `reason` stays None when the list really ended."""

    reason: str | None = None


def noun_of(fetch_page: Callable[..., Any]) -> str:
    """'templates' for `fetch_all_templates`: what the stop sentences call the items."""
    name = getattr(fetch_page, "__name__", "")
    return name.removeprefix("fetch_all_") if name.startswith("fetch_all_") else "items"


def check_caps(max_pages: int, max_items: int | None) -> None:
    if max_pages < 1:
        raise ValueError("max_pages must be at least 1")
    if max_items is not None and max_items < 1:
        raise ValueError("max_items must be at least 1")


async def walk_pages(
    fetch_page: Callable[..., Awaitable[Page[T]]],
    outcome: WalkOutcome,
    *,
    page_size: int,
    start: int,
    max_pages: int,
    max_items: int | None,
    filters: dict[str, Any],
) -> AsyncIterator[T]:
    """Yield each item once (by id) until the list ends or the walk has to stop."""
    check_caps(max_pages, max_items)
    noun = noun_of(fetch_page)
    seen: set[Any] = set()
    yielded = pages = 0
    offset: int | None = max(start, 0)
    while offset is not None:
        page = await fetch_page(offset=offset, limit=page_size, **filters)
        pages += 1
        fresh = [item for item in page.items if _new(item, seen)]
        if page.items and not fresh:
            outcome.reason = f"Stopped reading {noun}: the Sakari API sent the same ones again."
            return
        next_offset = page.next_offset
        for position, item in enumerate(fresh, 1):
            yield item
            yielded += 1
            if max_items is not None and yielded >= max_items:
                if position < len(fresh) or next_offset is not None:
                    outcome.reason = f"Stopped after {max_items:,} {noun}; the Sakari API kept offering more."
                return
        if next_offset is not None and next_offset <= offset:
            # Page.next_offset always advances; a fetch_page of another kind might not.
            outcome.reason = f"Stopped reading {noun}: the Sakari API did not move on to the next page."
            return
        if next_offset is not None and pages >= max_pages:
            outcome.reason = f"Stopped after {max_pages:,} pages of {noun}; the Sakari API kept offering more."
            return
        offset = next_offset


def _new(item: Any, seen: set[Any]) -> bool:
    """Whether `item` was not met before in this walk. Items without an id cannot be told apart:
    they always count as new (the page cap still bounds the walk)."""
    key = getattr(item, "id", None)
    if key is None:
        return True
    if key in seen:
        return False
    seen.add(key)
    return True
