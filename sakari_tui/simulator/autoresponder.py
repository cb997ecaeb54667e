"""The auto-responder of one Group (Sales in the demo): one reply to each new conversation.

Like a Hub auto-responder set to answer any inbound text: the text that opens a conversation (a
first contact, or the first text after the conversation was closed) gets `auto_reply_text` about
`auto_reply_delay` seconds later, once per conversation. Never for STOP/START keywords, never to an
opted-out contact. Its texts carry the responder as `created.by` (`records.autoresponder_actor`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .conversations import queue_outgoing
from .messaging import is_keyword
from .records import MessageRecord, autoresponder_actor

if TYPE_CHECKING:
    from .state import SimulatorState


class AutoResponder:
    """Called under the state lock."""

    def __init__(self, state: SimulatorState) -> None:
        self._state = state

    @property
    def active(self) -> bool:
        """On while the simulated customers are and the switch is."""
        return self._state.config.auto_responder and self._state.customers.enabled

    def on_inbound(self, message: MessageRecord, at: float) -> None:
        """Plan the auto-reply when this text opened a conversation on the responder's Group."""
        state = self._state
        conversation = state.conversations[message.conversation_id]
        contact = state.contacts[message.contact_id]
        if (
            not self.active
            or is_keyword(message.text)
            or contact.blocked_at is not None
            or state.sender(message.sender_id).group_id != state.config.auto_responder_group
            or conversation.message_ids[0] != message.id
        ):
            return
        conversation_id = conversation.id
        state.scheduler.schedule(at + state.config.auto_reply_delay, lambda t: self._reply(conversation_id, t))

    def _reply(self, conversation_id: str, at: float) -> None:
        state = self._state
        conversation = state.conversations[conversation_id]
        contact = state.live_contact(conversation.contact_id)
        if not self.active or contact is None or contact.blocked_at is not None or not conversation.is_open:
            return
        sender = state.sender(conversation.sender_id)
        text = state.config.auto_reply_text
        by = autoresponder_actor(sender.group_id, sender.group_name)
        queue_outgoing(
            state, contact, sender.id, text, at, reply_to=conversation, marks_read=False, template=text, created_by=by
        )
