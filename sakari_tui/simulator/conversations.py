"""Conversation and message rules shared by sends, inbound texts, the demo data and customers.

- One open conversation per (contact, Sakari number); a text to or from a contact whose
  conversation was closed opens a new one. Closing is final (there is no reopen endpoint).
- `updated` of a conversation is its latest message's time, the order of the conversation list;
  closing it is not activity.
- `unread` holds the ids of inbound messages not yet read. The API has no "mark read" call, so
  the simulator marks them read when the account replies into the conversation or closes it; an
  auto-responder's answer reads nothing (a person still has to: our assumption, Sakari's is unknown).
- Outgoing texts go queued -> sent (after `sent_after`) -> delivered (after `delivered_after`);
  a seeded `failure_rate` of them ends undelivered (MSG-019) or error (MSG-033) instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..sms.segments import segment_info, segment_price
from .phones import country_of
from .records import Actor, ContactRecord, ConversationRecord, MessageRecord
from .webhooks import queue_conversation_event, queue_message_event

if TYPE_CHECKING:
    from .state import SimulatorState

UNDELIVERED_ERROR = {"code": "MSG-019", "description": "Message could not be delivered to the handset"}
CARRIER_ERROR = {"code": "MSG-033", "description": "Carrier failure"}


def conversation_for(state: SimulatorState, contact: ContactRecord, sender_id: str, at: float) -> ConversationRecord:
    """The open conversation between `contact` and the sender, or a new one."""
    existing = state.open_conversation(contact.id, sender_id)
    if existing is not None:
        return existing
    conversation = ConversationRecord(
        id=state.ids.new(), contact_id=contact.id, sender_id=sender_id, created_at=at, updated_at=at
    )
    state.conversations[conversation.id] = conversation
    state.open_conversation_ids[(contact.id, sender_id)] = conversation.id
    queue_conversation_event(state, "conversation-started", conversation, at)
    return conversation


def mark_read(state: SimulatorState, conversation: ConversationRecord) -> None:
    """Mark every unread inbound message of the conversation read."""
    for message_id in conversation.unread:
        state.messages[message_id].read = True
    conversation.unread.clear()


def close_conversation(state: SimulatorState, conversation: ConversationRecord, at: float) -> None:
    """Close (archive) a conversation; closing twice changes nothing."""
    if conversation.closed_at is not None:
        return
    conversation.closed_at = at
    mark_read(state, conversation)
    key = (conversation.contact_id, conversation.sender_id)
    if state.open_conversation_ids.get(key) == conversation.id:
        del state.open_conversation_ids[key]
    queue_conversation_event(state, "conversation-closed", conversation, at)


def price_for(state: SimulatorState, contact: ContactRecord, segments: int, kind: str) -> float:
    """What sending this many segments (or one MMS) to `contact` costs."""
    if kind == "MMS":
        return state.config.mms_price
    country = contact.country or country_of(contact.mobile) or ""
    return float(segment_price(segments, country, {**state.config.prices, "default": state.config.default_price}))


def add_message(
    state: SimulatorState,
    conversation: ConversationRecord,
    *,
    text: str,
    outgoing: bool,
    status: str,
    at: float,
    kind: str = "SMS",
    template: str | None = None,
    media: list[dict] | None = None,
    error: dict | None = None,
    job_id: str | None = None,
    created_by: Actor | None = None,
) -> MessageRecord:
    """Append a message to a conversation (inbound ones start unread); no webhook, no scheduling."""
    contact = state.contacts[conversation.contact_id]
    segments = 1 if kind == "MMS" else segment_info(text).segments
    message = MessageRecord(
        id=state.ids.new(),
        seq=state.next_message_seq(),
        conversation_id=conversation.id,
        contact_id=contact.id,
        sender_id=conversation.sender_id,
        text=text,
        outgoing=outgoing,
        status=status,
        created_at=at,
        updated_at=at,
        segments=segments,
        price=price_for(state, contact, segments, kind) if outgoing else 0.0,
        template=template,
        read=outgoing,
        kind=kind,
        media=list(media or []),
        error=error,
        job_id=job_id,
        created_by=created_by,
    )
    state.messages[message.id] = message
    conversation.message_ids.append(message.id)
    conversation.updated_at = max(conversation.updated_at, at)
    if not outgoing:
        conversation.unread.append(message.id)
    return message


def set_status(state: SimulatorState, message_id: str, status: str, error: dict | None, at: float) -> None:
    """Move an outgoing message to `status`; a delivery may prompt a simulated customer reply."""
    message = state.messages.get(message_id)
    if message is None:
        return
    message.status, message.error, message.updated_at = status, error, at
    queue_message_event(state, "message-status", message, at)
    if status == "delivered":
        state.customers.on_delivered(message, at)


def schedule_delivery(state: SimulatorState, message: MessageRecord, at: float) -> None:
    """Schedule the status changes of a just-queued outgoing message (outcome drawn now, seeded)."""
    fails = state.delivery_rng.random() < state.config.failure_rate
    carrier_error = state.delivery_rng.random() < 0.5
    config, scheduler, message_id = state.config, state.scheduler, message.id
    if fails and carrier_error:
        scheduler.schedule(
            at + config.sent_after, lambda t: set_status(state, message_id, "error", dict(CARRIER_ERROR), t)
        )
        return
    scheduler.schedule(at + config.sent_after, lambda t: set_status(state, message_id, "sent", None, t))
    final, error = ("undelivered", dict(UNDELIVERED_ERROR)) if fails else ("delivered", None)
    scheduler.schedule(at + config.delivered_after, lambda t: set_status(state, message_id, final, error, t))


def queue_outgoing(
    state: SimulatorState,
    contact: ContactRecord,
    sender_id: str,
    text: str,
    at: float,
    *,
    reply_to: ConversationRecord | None = None,
    marks_read: bool = True,
    **details: object,
) -> MessageRecord:
    """Send one text: into `reply_to` if still open, else the contact's open conversation or a new one.
    `marks_read`: the customer's unread texts count as read (not for an automatic answer)."""
    conversation = (
        reply_to if reply_to is not None and reply_to.is_open else conversation_for(state, contact, sender_id, at)
    )
    message = add_message(state, conversation, text=text, outgoing=True, status="queued", at=at, **details)
    if marks_read:
        mark_read(state, conversation)
    schedule_delivery(state, message, at)
    queue_message_event(state, "message-sent", message, at)
    return message
