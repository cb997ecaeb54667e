"""The inbox engine: merges API pages into the store and carries out the user's commands.

It never touches the screen. It emits events (see `events.py`) through one listener callback;
the UI turns them into redraws. Every method may raise `SakariError` with a plain message.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone

from ..api import ContactRequest, Conversation, Message, SakariClient, SakariError
from ..store import Store
from .events import ConversationsChanged, Event, SendState, SendStateChanged, ThreadChanged

PAGE_SIZE = 100
THREAD_PAGE_SIZE = 50


@dataclass
class PendingSend:
    """A reply the API has not accepted yet (shown as a 'sending' or 'failed' bubble)."""

    local_id: str
    conversation_id: str
    text: str
    created_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    state: SendState = SendState.SENDING
    error: str | None = None


class InboxEngine:
    """Sync and commands for one account, over one client and one store."""

    def __init__(
        self,
        client: SakariClient,
        store: Store,
        *,
        listener: Callable[[Event], None] | None = None,
        page_size: int = PAGE_SIZE,
        thread_page_size: int = THREAD_PAGE_SIZE,
    ) -> None:
        self.client = client
        self.store = store
        self.listener = listener or (lambda event: None)
        self.page_size = page_size
        self.thread_page_size = thread_page_size
        self.pending: dict[str, PendingSend] = {}
        # Whether the API has messages older than those cached, per conversation (None: not known yet).
        self.older_available: dict[str, bool] = {}
        self._local_ids = itertools.count(1)
        self._walked_once = False

    def emit(self, event: Event) -> None:
        self.listener(event)

    # --- reading -----------------------------------------------------------------------------

    async def sync_conversations(self, *, full: bool = False) -> ConversationsChanged:
        """Fetch conversations newest first, stopping at the first page that reaches unchanged ones.

        The first sync of a session (or `full=True`) walks every page, so changes far down the
        list made while the app was closed are seen too.
        """
        walk_all = full or not self._walked_once
        changed: list[str] = []
        new_inbound: list[str] = []
        offset: int | None = 0
        while offset is not None:
            page = await self.client.fetch_all_conversations(offset=offset, limit=self.page_size)
            result = self.store.inbox.merge_conversations(page.items)
            changed += result.changed
            new_inbound += result.new_inbound
            if result.changed:
                # Emit page by page so the first page shows before the rest of a large account syncs.
                self.emit(ConversationsChanged(result.changed, result.new_inbound))
            if result.unchanged and not walk_all:
                break
            offset = page.next_offset
        self._walked_once = True
        return ConversationsChanged(tuple(changed), tuple(new_inbound))

    async def sync_thread(self, conversation_id: str) -> bool:
        """Fetch the newest messages of a conversation; True if anything changed."""
        page = await self.client.fetch_all_messages(conversation_id=conversation_id, limit=self.thread_page_size)
        changed = self.store.inbox.merge_messages(conversation_id, page.items)
        if conversation_id not in self.older_available:
            self.older_available[conversation_id] = page.next_offset is not None
        if changed:
            self.emit(ThreadChanged(conversation_id))
        return bool(changed)

    async def load_older(self, conversation_id: str) -> int:
        """Fetch the page of messages older than those cached; returns how many were new."""
        offset = self.store.inbox.message_count(conversation_id)
        page = await self.client.fetch_all_messages(
            conversation_id=conversation_id, offset=offset, limit=self.thread_page_size
        )
        changed = self.store.inbox.merge_messages(conversation_id, page.items)
        self.older_available[conversation_id] = page.next_offset is not None
        if changed:
            self.emit(ThreadChanged(conversation_id))
        return len(changed)

    async def sync_contact(self, contact_id: str) -> None:
        """Refresh a contact (for its opt-out state)."""
        self.store.inbox.merge_contact(await self.client.fetch_contact(contact_id))

    def thread(self, conversation_id: str, *, limit: int = 200) -> tuple[list[Message], list[PendingSend]]:
        """Cached messages (oldest first) and the replies still being sent."""
        messages = self.store.inbox.thread(conversation_id, limit=limit)
        pending = [p for p in self.pending.values() if p.conversation_id == conversation_id]
        return messages, pending

    # --- commands ----------------------------------------------------------------------------

    def queue_reply(self, conversation_id: str, text: str) -> PendingSend:
        """Record a reply as 'sending' (shown at once); `deliver()` then sends it."""
        pending = PendingSend(f"local-{next(self._local_ids)}", conversation_id, text)
        self.pending[pending.local_id] = pending
        self.emit(SendStateChanged(conversation_id, pending.local_id, SendState.SENDING))
        return pending

    async def deliver(self, local_id: str) -> Message | None:
        """Send a queued reply. On failure it stays as 'failed' with the reason; the text is kept."""
        pending = self.pending[local_id]
        pending.state, pending.error = SendState.SENDING, None
        self.emit(SendStateChanged(pending.conversation_id, local_id, SendState.SENDING))
        try:
            result = await self.client.send_message(template=pending.text, conversations=[pending.conversation_id])
            if not result.messages:
                reason = result.invalid[0].error.text if result.invalid and result.invalid[0].error else None
                raise SakariError(reason or "The Sakari API accepted the request but sent no message.")
        except SakariError as error:
            pending.state, pending.error = SendState.FAILED, str(error)
            self.emit(SendStateChanged(pending.conversation_id, local_id, SendState.FAILED, str(error)))
            return None
        message = result.messages[0]
        conversation_id = (message.conversation.id if message.conversation else None) or pending.conversation_id
        self.store.inbox.merge_messages(conversation_id, [message])
        del self.pending[local_id]
        self.emit(SendStateChanged(pending.conversation_id, local_id, SendState.SENT))
        self.emit(ThreadChanged(conversation_id))
        return message

    async def reply(self, conversation_id: str, text: str) -> Message | None:
        """Queue and send in one go (for scripts and tests)."""
        return await self.deliver(self.queue_reply(conversation_id, text).local_id)

    def discard(self, local_id: str) -> PendingSend | None:
        """Drop a failed reply (its text is returned so the UI can put it back in the compose box)."""
        pending = self.pending.pop(local_id, None)
        if pending is not None:
            self.emit(ThreadChanged(pending.conversation_id))
        return pending

    async def start_conversation(
        self, number: str, text: str, *, first_name: str | None = None, last_name: str | None = None,
        country: str | None = None,
    ) -> str:
        """Text a number (E.164) and return the id of the conversation that the text opened."""
        contact = ContactRequest(mobile={"number": number, "country": country}, first_name=first_name, last_name=last_name)
        result = await self.client.send_message(template=text, contacts=[contact])
        if not result.messages:
            reason = result.invalid[0].error.text if result.invalid and result.invalid[0].error else None
            raise SakariError(reason or "The Sakari API did not send the message.")
        message = result.messages[0]
        conversation_id = message.conversation.id if message.conversation else None
        if not conversation_id:
            raise SakariError("The Sakari API sent the message but did not say which conversation it opened.")
        conversation = await self.client.fetch_conversation(conversation_id)
        self._merge_one(conversation)
        self.store.inbox.merge_messages(conversation_id, [message])
        return conversation_id

    async def close_conversation(self, conversation_id: str) -> Conversation:
        conversation = await self.client.close_conversation(conversation_id)
        self._merge_one(conversation)
        return conversation

    def _merge_one(self, conversation: Conversation) -> None:
        result = self.store.inbox.merge_conversations([conversation])
        if result.changed:
            self.emit(ConversationsChanged(result.changed, result.new_inbound))
