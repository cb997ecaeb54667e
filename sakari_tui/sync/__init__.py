"""The inbox engine: polling, merging into the store, sending. Never imports Textual."""

from .engine import InboxEngine, PendingSend
from .events import (
    Connection,
    ConversationsChanged,
    Event,
    SendState,
    SendStateChanged,
    SyncStatusChanged,
    ThreadChanged,
)
from .poller import Poller, backoff_delay

__all__ = [
    "InboxEngine", "PendingSend", "Poller", "backoff_delay", "Connection", "ConversationsChanged", "Event",
    "SendState", "SendStateChanged", "SyncStatusChanged", "ThreadChanged",
]
