"""Typed, past-tense events the sync engine emits to whoever listens (the UI)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from ..store.outbox import SendState


@dataclass(frozen=True)
class ConversationsChanged:
    changed: tuple[str, ...]
    new_inbound: tuple[str, ...]


@dataclass(frozen=True)
class ThreadChanged:
    conversation_id: str


@dataclass(frozen=True)
class ConversationMoved:
    """A new conversation's placeholder (`new:+1…`) gave way to the conversation Sakari opened."""

    placeholder_id: str
    conversation_id: str


@dataclass(frozen=True)
class SendStateChanged:
    conversation_id: str
    local_id: str
    state: SendState
    error: str | None = None


@dataclass(frozen=True)
class UploadProgress:
    """An MMS reply's attachment is being uploaded: `sent` of `total` bytes handed over so far
    (at most about ten a second, the last with `sent == total`). The row stays queued meanwhile;
    its link and expiry are in the row (`OutboxEntry.media_url`, `media_expires`) once it is done."""

    conversation_id: str
    local_id: str
    sent: int
    total: int

    @property
    def percent(self) -> int:
        return 100 if self.total <= 0 else min(100, self.sent * 100 // self.total)


@dataclass(frozen=True)
class ConversationMarked:
    """Something only this machine keeps about a conversation changed: its read mark, its
    draft (begun or emptied) or its mute. The row shows it; nothing went to Sakari."""

    conversation_id: str


class Connection(str, Enum):
    CONNECTING = "connecting"
    ONLINE = "online"
    OFFLINE = "offline"
    RATE_LIMITED = "rate_limited"
    AUTH_FAILED = "auth_failed"
    SLOW = "slow"
    STORE_FAILED = "store_failed"


@dataclass(frozen=True)
class SyncStatusChanged:
    connection: Connection
    last_success: float | None
    """Monotonic time of the last successful poll."""
    retry_at: float | None = None
    """Monotonic time of the next attempt after a failure."""
    message: str = ""


Event = (
    ConversationsChanged
    | ThreadChanged
    | SendStateChanged
    | SyncStatusChanged
    | ConversationMoved
    | ConversationMarked
    | UploadProgress
)
