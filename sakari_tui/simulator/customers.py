"""Simulated customers: they answer delivered texts and now and then start a conversation.

Some conversations open with a picture (an MMS): the first one after they come to life always does,
so a demo shows one within `new_conversation_every`'s upper bound (a minute), later ones with
`picture_probability`. Pictures draw from an RNG of their own, so the rest of what customers do is
the same with or without them.

Driven by the scheduler (so a ManualClock makes them deterministic) and a seeded RNG of their own.
Turning them off cancels whatever they had planned: a generation number invalidates old callbacks.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from .demo_text import phrases
from .messaging import receive_inbound
from .pictures import PICTURES, share_picture
from .records import ContactRecord, MessageRecord

if TYPE_CHECKING:
    from .state import SimulatorState

# After a long pause (a laptop asleep) replay at most this many seconds of conversation openers.
MAX_CATCH_UP = 300.0


class SimulatedCustomers:
    """The account's customers, as far as the simulator imagines them. Called under the state lock."""

    def __init__(self, state: SimulatorState) -> None:
        self._state = state
        self._rng = random.Random(f"customers-{state.config.seed}")
        self._picture_rng = random.Random(f"customer-pictures-{state.config.seed}")
        self._pictures_sent = 0
        self.enabled = False
        self._generation = 0

    def set_enabled(self, enabled: bool) -> None:
        """Start or stop the customers (stopping drops their pending replies)."""
        if enabled == self.enabled:
            return
        self.enabled = enabled
        self._generation += 1
        if enabled:
            self._schedule_opener(self._state.now())

    def on_delivered(self, message: MessageRecord, at: float) -> None:
        """Maybe answer a text that just reached the customer's phone."""
        if not self.enabled:
            return
        contact = self._state.contacts[message.contact_id]
        if contact.removed or contact.blocked_at is not None:
            return
        if self._rng.random() >= self._state.config.reply_probability:
            return
        delay = self._rng.uniform(*self._state.config.reply_delay)
        text = self._rng.choice(phrases(contact.attributes.get("language")).replies)
        generation, sender = self._generation, self._state.sender(message.sender_id).number
        self._state.scheduler.schedule(at + delay, lambda t: self._reply(contact.id, sender, text, t, generation))

    def _reply(self, contact_id: str, sender_number: str, text: str, at: float, generation: int) -> None:
        contact = self._state.contacts[contact_id]
        if generation != self._generation or contact.removed or contact.blocked_at is not None:
            return
        receive_inbound(self._state, contact.mobile, text, to=sender_number, at=at)

    def _schedule_opener(self, after: float) -> None:
        generation = self._generation
        due = after + self._rng.uniform(*self._state.config.new_conversation_every)
        self._state.scheduler.schedule(due, lambda t: self._open_conversation(t, generation))

    def _pick_contact(self) -> ContactRecord | None:
        state = self._state
        reachable = [c for c in state.contacts.values() if not c.removed and c.blocked_at is None]
        # Prefer someone with no open conversation, so it shows up as a new one.
        open_contacts = {key[0] for key in state.open_conversation_ids}
        quiet = [contact for contact in reachable if contact.id not in open_contacts]
        pool = quiet or reachable
        return self._rng.choice(pool) if pool else None

    def _open_conversation(self, at: float, generation: int) -> None:
        if generation != self._generation:
            return
        contact = self._pick_contact()
        if contact is not None:
            language = contact.attributes.get("language")
            text, media = self._rng.choice(phrases(language).openers), None
            kind = self._picture_kind()
            if kind is not None:
                text, media = self._caption(kind, language), [share_picture(self._state, kind, at)]
            receive_inbound(self._state, contact.mobile, text, media=media, at=at)
        self._schedule_opener(max(at, self._state.now() - MAX_CATCH_UP))

    def _picture_kind(self) -> str | None:
        """Which picture this new conversation opens with, if any (the first one: the damaged parcel)."""
        probability = self._state.config.picture_probability
        if probability <= 0:
            return None
        if self._pictures_sent and self._picture_rng.random() >= probability:
            return None
        self._pictures_sent += 1
        return "parcel" if self._pictures_sent == 1 else self._picture_rng.choice(sorted(PICTURES))

    def _caption(self, kind: str, language: str | None) -> str:
        """A line to go with the picture: the captions are English, so other speakers (and a quarter of
        English ones) send the picture alone."""
        if language not in (None, "en") or self._picture_rng.random() < 0.25:
            return ""
        return self._picture_rng.choice(PICTURES[kind].captions)
