"""One page of a list operation, and where the next one starts."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel

from .base import ApiModel


class Pagination(ApiModel):
    offset: int = 0
    limit: int | None = None
    total_count: int | None = None
    has_next: bool | None = None


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list endpoint, with what is needed to ask for the next one."""

    items: list[T]
    pagination: Pagination
    requested_offset: int = 0

    @property
    def next_offset(self) -> int | None:
        """The offset of the next page, or None when this was the last.

        Uses `hasNext` when the API sent it, else `totalCount`, else whether the page was full.
        Counted from the offset we asked for, not the one the server echoed: an echo that is
        ignored, negative or absurd must not send the next request backwards or in place.
        """
        if not self.items:
            return None
        after = max(self.requested_offset, 0) + len(self.items)
        if self.pagination.has_next is not None:
            return after if self.pagination.has_next else None
        if self.pagination.total_count is not None:
            return after if after < self.pagination.total_count else None
        if self.pagination.limit is not None and len(self.items) >= self.pagination.limit:
            return after
        return None
