"""The messages the inbox's parts talk by: past tense, each saying what happened."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message
from textual.widget import Widget

from ...sync import ConversationMarked, Event, SyncStatusChanged, ThreadChanged


@dataclass
class EngineEvent(Message):
    """An engine event, queued on the inbox screen instead of handled inside the engine's call."""

    event: Event
    after_first_walk: bool = True
    """Whether the engine's first walk of every conversation was over when it emitted the event
    (what the first walk brings in was there before the app looked: no alerts for it)."""

    def can_replace(self, message: Message) -> bool:
        # Textual asks the queued (older) message whether the next (newer) one stands for it:
        # only the newest status matters, and a thread or a row is redrawn whole each time.
        if not isinstance(message, EngineEvent):
            return False
        older, newer = self.event, message.event
        if isinstance(older, SyncStatusChanged):
            return isinstance(newer, SyncStatusChanged)
        if isinstance(older, (ThreadChanged, ConversationMarked)):
            return type(newer) is type(older) and newer.conversation_id == older.conversation_id
        return False


@dataclass
class ReplySubmitted(Message):
    """The user asked to send the reply in the compose box (Ctrl+S)."""

    pane: Widget
    conversation_id: str
    text: str

    @property
    def control(self) -> Widget:
        return self.pane
