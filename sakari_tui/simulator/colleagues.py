"""Simulated colleagues: Alex and Jordan answer customers' waiting texts from the Sakari Hub.

A customer's text still unanswered `colleague_delay` seconds later (no text by a person in its
conversation since: an auto-reply does not count) gets, with `colleague_probability`, an answer from
one of them. It leaves through the same path as an API send (statuses, delivery, the customer's
reply), with the colleague as `created.by`. Nobody answers a keyword, an opted-out or removed
contact, or a closed conversation. Scheduled and seeded like the customers, so a ManualClock and a
seed make every answer (who, when, what) the same on every run.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from .conversations import queue_outgoing
from .demo_cast import COLLEAGUES
from .demo_text import phrases
from .messaging import is_keyword
from .records import Actor, ConversationRecord, MessageRecord

if TYPE_CHECKING:
    from .state import SimulatorState

# A Hub answer is a quick line, not the long multi-part update some history texts are.
_SHORT = 100


def by_a_person(message: MessageRecord) -> bool:
    """An outgoing text someone wrote (in the Hub, through the API), not an auto-reply."""
    return message.outgoing and (message.created_by or {}).get("source") != "autoresponder"


class SimulatedColleagues:
    """The operator's teammates. Called under the state lock."""

    def __init__(self, state: SimulatorState) -> None:
        self._state = state
        self._rng = random.Random(f"colleagues-{state.config.seed}")

    @property
    def active(self) -> bool:
        """On while the simulated customers are (they are the same simulated world) and the switch is."""
        return self._state.config.colleagues and self._state.customers.enabled

    def on_inbound(self, message: MessageRecord, at: float) -> None:
        """Maybe plan an answer to a customer's text, should it still be waiting by then."""
        config = self._state.config
        if not self.active or is_keyword(message.text):
            return
        if self._rng.random() >= config.colleague_probability:
            return
        delay = self._rng.uniform(*config.colleague_delay)
        colleague = self._rng.choice(tuple(COLLEAGUES.values()))
        pick, message_id = self._rng.random(), message.id
        self._state.scheduler.schedule(at + delay, lambda t: self._answer_if_waiting(message_id, colleague, pick, t))

    def reply(
        self, conversation: ConversationRecord, by: Actor, at: float, text: str | None = None, pick: float | None = None
    ) -> MessageRecord:
        """Send `by`'s answer into the conversation now (a closed one gets a new conversation, as in Sakari)."""
        state = self._state
        contact = state.contacts[conversation.contact_id]
        if text is None:
            text = self._line(conversation, self._rng.random() if pick is None else pick)
        return queue_outgoing(
            state, contact, conversation.sender_id, text, at, reply_to=conversation, template=text, created_by=by
        )

    def _answer_if_waiting(self, message_id: str, colleague: Actor, pick: float, at: float) -> None:
        state = self._state
        message = state.messages[message_id]
        conversation = state.conversations[message.conversation_id]
        contact = state.live_contact(message.contact_id)
        if not self.active or contact is None or contact.blocked_at is not None or not conversation.is_open:
            return
        later = conversation.message_ids[conversation.message_ids.index(message_id) + 1 :]
        if any(by_a_person(state.messages[mid]) for mid in later):
            return
        # Whoever already took the conversation in the Hub keeps it.
        taken = next(
            (
                state.messages[mid].created_by
                for mid in reversed(conversation.message_ids)
                if (state.messages[mid].created_by or {}).get("source") == "hub"
            ),
            None,
        )
        self.reply(conversation, taken or colleague, at, pick=pick)

    def _line(self, conversation: ConversationRecord, pick: float) -> str:
        """An agent's short line in the contact's language: the greeting when nobody has answered yet,
        "you're welcome" to a thank-you, else one of the others (each bank starts with its greeting
        and ends its short lines with its "you're welcome")."""
        state = self._state
        bank = phrases(state.contacts[conversation.contact_id].attributes.get("language"))
        lines = [line for line in bank.agent if len(line) <= _SHORT]
        if not any(by_a_person(state.messages[mid]) for mid in conversation.message_ids):
            return lines[0]
        last_inbound = next(
            (
                state.messages[mid].text
                for mid in reversed(conversation.message_ids)
                if not state.messages[mid].outgoing
            ),
            "",
        )
        if last_inbound in bank.replies:
            return lines[-1]
        middle = lines[1:-1] or lines
        return middle[min(int(pick * len(middle)), len(middle) - 1)]
