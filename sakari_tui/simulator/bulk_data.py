"""A generated account of any size, for load tests and benchmarks (instead of the demo data).

Same seed and same clock start -> identical data. Conversation `i` (0 = newest activity) ends
`i` minutes before now, so the list order is known in advance; the first ones can be given long
threads (`long_threads`). Contacts get unique numbers in ranges reserved for fiction
(NANP 555-01xx under many area codes). Texts come from the demo's English phrase bank; every
conversation's newest text ends with a tag naming it (`<c0>`, `<c1>`, …), far enough in that the
list's one-line preview never shows it, so a benchmark can tell from the screen which thread is open.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .conversations import add_message, close_conversation, conversation_for, mark_read
from .demo_text import phrases
from .records import ContactRecord

if TYPE_CHECKING:
    from .state import SimulatorState

MINUTE = 60.0
FIRST_NAMES = (
    "Avery",
    "Blake",
    "Casey",
    "Devon",
    "Emerson",
    "Finley",
    "Gray",
    "Harper",
    "Indy",
    "Jordan",
    "Kai",
    "Logan",
    "Morgan",
    "Noel",
    "Oakley",
    "Parker",
    "Quinn",
    "Reese",
    "Sage",
    "Taylor",
    "Umber",
    "Vale",
    "Wren",
    "Yael",
)
LAST_NAMES = (
    "Abbott",
    "Barnes",
    "Castillo",
    "Dalton",
    "Ellison",
    "Foster",
    "Garrison",
    "Holloway",
    "Ingram",
    "Jensen",
    "Keller",
    "Lambert",
    "Mercer",
    "Norris",
    "Osborne",
    "Pruitt",
    "Quintero",
    "Ramsey",
    "Sutton",
    "Thornton",
)
# Area codes for the fictional 555-0100..0199 block: 100 numbers each.
AREA_CODES = tuple(range(201, 990))


@dataclass(frozen=True)
class BulkData:
    """The shape of a generated account."""

    conversations: int = 10_000
    """How many conversations (one contact each)."""
    messages_per_conversation: int = 10
    """Messages in each ordinary conversation."""
    long_threads: tuple[int, ...] = ()
    """Message counts of the newest conversations' threads (e.g. (10_000, 10): the newest has 10,000, the next 10)."""
    unread_every: int = 7
    """Every n-th conversation ends with an unread text from the customer."""
    closed_every: int = 5
    """Every n-th older conversation is closed."""
    anchor: float | None = None
    """Epoch time the history ends at (default: the clock's now). Two simulators, or a simulator and a
    store built separately, with the same seed and anchor hold identical data."""


def fictional_number(index: int) -> str:
    """A unique number per index: +1 AAA 555 01xx."""
    area, last = divmod(index, 100)
    if area >= len(AREA_CODES):
        raise ValueError("the generator has fictional numbers for at most 78,900 contacts")
    return f"+1{AREA_CODES[area]}55501{last:02d}"


def load_bulk_data(state: SimulatorState, shape: BulkData) -> None:
    """Fill an empty state with `shape`; deterministic for `state.config.seed` and the clock's start."""
    rng = random.Random(f"bulk-{state.config.seed}")
    bank = phrases("en")
    now = shape.anchor if shape.anchor is not None else state.now()
    sender = state.senders[0]
    with state.lock:
        for index in range(shape.conversations):
            first, last = (
                FIRST_NAMES[index % len(FIRST_NAMES)],
                LAST_NAMES[(index // len(FIRST_NAMES)) % len(LAST_NAMES)],
            )
            end = now - (index + 1) * MINUTE
            created = end - 400 * 86400.0
            contact = ContactRecord(
                id=state.ids.new(),
                mobile=fictional_number(index),
                country="US",
                created_at=created,
                updated_at=created,
                first_name=first,
                last_name=f"{last}{index}",
                attributes={"plan": "Basic"},
            )
            state.contacts[contact.id] = contact
            state.contact_ids_by_mobile[contact.mobile] = contact.id
            count = shape.long_threads[index] if index < len(shape.long_threads) else shape.messages_per_conversation
            unread = index % shape.unread_every == 0
            conversation = conversation_for(state, contact, sender.id, end - count * MINUTE)
            for position in range(count):
                newest = position == count - 1
                # The customer opens and, when unread, has the last word; otherwise the sides alternate.
                outgoing = not (position % 2 == 0 or (newest and unread))
                pool = bank.agent if outgoing else bank.customer
                text = rng.choice(pool)
                if newest:
                    text = f"{text} (Ref. {index}: please keep this number for any follow-up.) <c{index}>"
                at = end - (count - 1 - position) * MINUTE / 2
                add_message(
                    state,
                    conversation,
                    text=text,
                    outgoing=outgoing,
                    status="delivered" if outgoing else "received",
                    at=at,
                    template=text if outgoing else None,
                )
            mark_read(state, conversation)
            if unread:
                newest_id = conversation.message_ids[-1]
                state.messages[newest_id].read = False
                conversation.unread.append(newest_id)
            elif index > 20 and index % shape.closed_every == 0:
                close_conversation(state, conversation, end + 1.0)
        state.pending_events.clear()  # generated history is not news for webhooks
