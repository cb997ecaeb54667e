"""A message's delivery state, as the list, the thread and the outbox name it.

Apart from the models (which use it) so that what the first frame draws can name a state
without loading pydantic (issue 17).
"""

from __future__ import annotations

from enum import Enum


class MessageStatus(str, Enum):
    """Known delivery states. The wire value is an open set; unknown ones map to UNKNOWN."""

    NEW = "new"
    VALIDATED = "validated"
    QUEUED = "queued"
    SENT = "sent"
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    ERROR = "error"
    INVALID = "invalid"
    RECEIVED = "received"
    UNKNOWN = "unknown"

    @classmethod
    def parse(cls, value: str | None) -> MessageStatus:
        if not value:
            return cls.UNKNOWN
        try:
            return cls(value.strip().lower())
        except ValueError:
            return cls.UNKNOWN
