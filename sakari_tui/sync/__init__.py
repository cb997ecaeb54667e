"""The inbox engine: polling, merging into the store, sending. Never imports Textual."""

from .backoff import backoff_delay
from .closes import PendingCloses
from .engine import InboxEngine
from .events import (
    Connection,
    ConversationMarked,
    ConversationMoved,
    ConversationsChanged,
    Event,
    SendState,
    SendStateChanged,
    SyncStatusChanged,
    ThreadChanged,
)
from .poller import Poller

__all__ = [
    "InboxEngine",
    "Poller",
    "PendingCloses",
    "backoff_delay",
    "Connection",
    "ConversationMarked",
    "ConversationMoved",
    "ConversationsChanged",
    "Event",
    "SendState",
    "SendStateChanged",
    "SyncStatusChanged",
    "ThreadChanged",
]
