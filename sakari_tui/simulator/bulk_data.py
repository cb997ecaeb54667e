"""A generated account of any size, for load tests and benchmarks (instead of the demo data).

Same seed and same clock start -> identical data. Conversation `i` (0 = newest activity) ends
`i` minutes before now, so the list order is known in advance; the first ones can be given long
threads (`long_threads`). Contacts get unique numbers in ranges reserved for fiction: NANP
555-01xx under many area codes first, then Ofcom's UK drama numbers, then ACMA's Australian ones
(175,900 in all; see `fictional_contact_number`). Texts come from the demo's English phrase bank; every
conversation's newest text ends with a tag naming it (`<c0>`, `<c1>`, …), far enough in that the
list's one-line preview never shows it, so a benchmark can tell from the screen which thread is open.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..sms.segments import segment_info
from .conversations import close_conversation, conversation_for, mark_read, price_for
from .demo_text import phrases
from .records import ContactRecord, ConversationRecord, MessageRecord

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
NANP_NUMBERS = len(AREA_CODES) * 100

# Further ranges set aside for drama, taken in this order once the NANP block is used up:
# (E.164 prefix, digits that follow it, ISO country). Each gives 10 ** digits numbers.
# - UK: Ofcom's "Telephone numbers for drama purposes" (ofcom.org.uk, numbering/numbers-for-drama):
#   mobile 07700 900000-900999, 1,000 numbers in each of 15 city codes (0113-0118, 0121, 0131,
#   0141, 0151 and 0161 496 0xxx; 020 7946 0xxx; 0191 498 0xxx; 028 9649 6xxx; 029 2018 0xxx) and
#   the no-area 01632 960xxx. Ofcom's freephone, premium-rate and UK-wide blocks are left out: no
#   customer texts from those.
# - Australia: ACMA's fictitious numbers for radio, books, films and television (acma.gov.au,
#   telephone numbering): 0N 5550 xxxx and 0N 7010 xxxx for each region code N = 2, 3, 7, 8.
FICTION_BLOCKS: tuple[tuple[str, int, str], ...] = (
    ("+447700900", 3, "GB"),
    *((f"+44{code}4960", 3, "GB") for code in (113, 114, 115, 116, 117, 118, 121, 131, 141, 151, 161)),
    ("+442079460", 3, "GB"),
    ("+441914980", 3, "GB"),
    ("+442896496", 3, "GB"),
    ("+442920180", 3, "GB"),
    ("+441632960", 3, "GB"),
    *((f"+61{region}{exchange}", 4, "AU") for region in (2, 3, 7, 8) for exchange in (5550, 7010)),
)
FICTIONAL_NUMBERS = NANP_NUMBERS + sum(10**digits for _, digits, _ in FICTION_BLOCKS)


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
    first_number: int = 0
    """Index of the first contact's number in `fictional_contact_number` (tests use it to reach the
    UK and Australian ranges without generating 78,900 contacts first)."""
    anchor: float | None = None
    """Epoch time the history ends at (default: the clock's now). Two simulators, or a simulator and a
    store built separately, with the same seed and anchor hold identical data."""


def fictional_contact_number(index: int) -> tuple[str, str]:
    """A unique (E.164 number, ISO country) per index, in ranges no carrier routes.

    Indexes below 78,900 are +1 AAA 555 01xx, as they always were (stores and tests built on them
    stay valid); the next ones run through `FICTION_BLOCKS` in order."""
    if index < 0:
        raise ValueError("a contact index is never negative")
    if index < NANP_NUMBERS:
        area, last = divmod(index, 100)
        return f"+1{AREA_CODES[area]}55501{last:02d}", "US"
    offset = index - NANP_NUMBERS
    for prefix, digits, country in FICTION_BLOCKS:
        if offset < 10**digits:
            return f"{prefix}{offset:0{digits}d}", country
        offset -= 10**digits
    raise ValueError(f"the generator has fictional numbers for at most {FICTIONAL_NUMBERS:,} contacts")


def fictional_number(index: int) -> str:
    """The number of `fictional_contact_number(index)`."""
    return fictional_contact_number(index)[0]


class _Costs:
    """Segments and price per distinct text and country, worked out once: the texts come from a
    small phrase bank, and at a million messages `segment_info` per message was most of the time."""

    def __init__(self, state: SimulatorState) -> None:
        self.state = state
        self._segments: dict[str, int] = {}
        self._prices: dict[tuple[str, int], float] = {}

    def segments(self, text: str) -> int:
        known = self._segments.get(text)
        if known is None:
            known = self._segments[text] = segment_info(text).segments
        return known

    def price(self, contact: ContactRecord, segments: int) -> float:
        key = (contact.country, segments)
        known = self._prices.get(key)
        if known is None:
            known = self._prices[key] = price_for(self.state, contact, segments, "SMS")
        return known


def _add_generated(
    state: SimulatorState,
    costs: _Costs,
    conversation: ConversationRecord,
    contact: ContactRecord,
    text: str,
    outgoing: bool,
    at: float,
) -> None:
    """`conversations.add_message` for a generated SMS, with its segments and price looked up in
    `costs` (the same values; tests/simulator/test_bulk_data.py checks them)."""
    segments = costs.segments(text)
    message = MessageRecord(
        id=state.ids.new(),
        seq=state.next_message_seq(),
        conversation_id=conversation.id,
        contact_id=contact.id,
        sender_id=conversation.sender_id,
        text=text,
        outgoing=outgoing,
        status="delivered" if outgoing else "received",
        created_at=at,
        updated_at=at,
        segments=segments,
        price=costs.price(contact, segments) if outgoing else 0.0,
        template=text if outgoing else None,
        read=outgoing,
    )
    state.messages[message.id] = message
    conversation.message_ids.append(message.id)
    conversation.updated_at = max(conversation.updated_at, at)
    if not outgoing:
        conversation.unread.append(message.id)


def load_bulk_data(state: SimulatorState, shape: BulkData) -> None:
    """Fill an empty state with `shape`; deterministic for `state.config.seed` and the clock's start."""
    rng = random.Random(f"bulk-{state.config.seed}")
    bank = phrases("en")
    now = shape.anchor if shape.anchor is not None else state.now()
    sender = state.senders[0]
    costs = _Costs(state)
    with state.lock:
        for index in range(shape.conversations):
            first, last = (
                FIRST_NAMES[index % len(FIRST_NAMES)],
                LAST_NAMES[(index // len(FIRST_NAMES)) % len(LAST_NAMES)],
            )
            end = now - (index + 1) * MINUTE
            created = end - 400 * 86400.0
            mobile, country = fictional_contact_number(shape.first_number + index)
            contact = ContactRecord(
                id=state.ids.new(),
                mobile=mobile,
                country=country,
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
                _add_generated(state, costs, conversation, contact, text, outgoing, at)
            mark_read(state, conversation)
            if unread:
                newest_id = conversation.message_ids[-1]
                state.messages[newest_id].read = False
                conversation.unread.append(newest_id)
            elif index > 20 and index % shape.closed_every == 0:
                close_conversation(state, conversation, end + 1.0)
        state.pending_events.clear()  # generated history is not news for webhooks
