"""Sending (POST /messages) and receiving (inbound texts, opt-out keywords).

Request-level problems (bad body, empty text, unknown sender group, no recipients) fail the call
with a 400 envelope and change nothing. Per-recipient problems (unknown contact or conversation,
invalid number, opted out, too long after rendering) go to `invalid[]` as `{code, description}`;
when every recipient is invalid the call fails with 400 and the first recipient's code. Nothing is
written until every recipient has been checked, so a refused call has no side effects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..sms.segments import MAX_SEGMENTS, segment_info
from .config import SenderNumber
from .contacts import create_or_merge, normalise_mobile, parse_contact_fields
from .conversations import add_message, conversation_for, queue_outgoing
from .errors import ApiError, RecipientError
from .files import shared_file_at
from .phones import InvalidNumber, normalise
from .records import Actor, ContactRecord, ConversationRecord, MessageRecord
from .serialize import contact_identifiers
from .templating import render
from .webhooks import queue_contact_event, queue_message_event

if TYPE_CHECKING:
    from .state import SimulatorState

OPT_OUT_KEYWORDS = frozenset({"STOP", "CANCEL", "END", "OPTOUT", "OPT-OUT", "QUIT", "REVOKE", "UNSUBSCRIBE"})
OPT_IN_KEYWORDS = frozenset({"START", "UNSTOP"})
_COMPARATORS = {
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


@dataclass
class _Recipient:
    """One resolved recipient; `contact` is unsaved when `new_fields` is set."""

    key: tuple  # who it is: ("id", contact id) or ("new", mobile); unused for invalid ones
    echo: dict
    contact: ContactRecord | None = None
    sender: SenderNumber | None = None
    reply_to: ConversationRecord | None = None
    new_fields: dict | None = None
    text: str = ""
    error: RecipientError | None = None


@dataclass
class SendResult:
    """What a send did: the `SendMessagesResponse.data` parts before rendering."""

    job_id: str
    messages: list[MessageRecord]
    requested: int
    invalid: list[dict] = field(default_factory=list)

    @property
    def estimated_price(self) -> float:
        return round(sum(message.price for message in self.messages), 6)


def choose_sender(state: SimulatorState, contact: ContactRecord | None, group_id: str | None) -> SenderNumber:
    """The sender group's number; else the number of the contact's latest conversation; else by country."""
    if group_id:
        return next(sender for sender in state.senders if sender.group_id == group_id)
    if contact is not None:
        latest = max(
            (conversation for conversation in state.conversations.values() if conversation.contact_id == contact.id),
            key=lambda conversation: (conversation.is_open, conversation.updated_at),
            default=None,
        )
        if latest is not None:
            return state.sender(latest.sender_id)
        for sender in state.senders:
            if sender.country == contact.country:
                return sender
    return state.senders[0]


def _media_item(state: SimulatorState, item: dict) -> dict:
    """A sent media item as stored: a link to one of our shared files gets that file's type and name,
    any other URL its last path segment as the name (Sakari would fetch it; the simulator does not)."""
    shared = shared_file_at(state, item["url"])
    if shared is not None:
        return {"url": item["url"], "type": shared.content_type, "filename": shared.filename, "name": shared.filename}
    return {"url": item["url"], "type": item.get("type", ""), "filename": item["url"].rsplit("/", 1)[-1]}


def _parse_media(state: SimulatorState, media: object) -> list[dict]:
    if media is None:
        return []
    if not isinstance(media, list) or not all(
        isinstance(item, dict) and isinstance(item.get("url"), str) for item in media
    ):
        raise ApiError(400, "REQ-001", "'media' must be a list of {url}")
    return [_media_item(state, item) for item in media]


def _sender_group(state: SimulatorState, body: dict) -> str | None:
    number_filter = body.get("phoneNumberFilter")
    group = number_filter.get("group") if isinstance(number_filter, dict) else None
    group_id = group.get("id") if isinstance(group, dict) else None
    if group_id and not any(sender.group_id == group_id for sender in state.senders):
        raise ApiError(400, "MSG-001", f"No available phone number in sender group {group_id}")
    return group_id


def _attribute_matches(contact: ContactRecord, condition: object) -> bool:
    if not isinstance(condition, dict) or condition.get("comparator", "=") not in _COMPARATORS:
        raise ApiError(400, "REQ-001", "attribute filters are {name, comparator, value}")
    actual, wanted = contact.attributes.get(condition.get("name")), condition.get("value")
    if actual is None:
        return False
    try:
        actual, wanted = float(actual), float(wanted)
    except (TypeError, ValueError):
        actual, wanted = str(actual), str(wanted)
    return _COMPARATORS[condition.get("comparator", "=")](actual, wanted)


def _resolve_filters(state: SimulatorState, filters: object) -> list[ContactRecord]:
    if not isinstance(filters, dict):
        raise ApiError(400, "REQ-001", "'filters' must be an object")
    tags, conditions = filters.get("tags") or [], filters.get("attributes") or []
    if not isinstance(tags, list) or not isinstance(conditions, list):
        raise ApiError(400, "REQ-001", "'filters.tags' and 'filters.attributes' must be lists")
    tags = {str(tag).casefold() for tag in tags}
    if not tags and not conditions:
        return []
    return [
        contact
        for contact in state.contacts.values()
        if not contact.removed
        and tags <= {tag["tag"].casefold() for tag in contact.tags}
        and all(_attribute_matches(contact, condition) for condition in conditions)
    ]


def _known(
    state: SimulatorState, contact: ContactRecord, group_id: str | None, reply_to: ConversationRecord | None = None
) -> _Recipient:
    """A recipient who is a saved contact; a reply goes out from its conversation's number."""
    sender = state.sender(reply_to.sender_id) if reply_to else choose_sender(state, contact, group_id)
    return _Recipient(("id", contact.id), contact_identifiers(contact), contact, sender, reply_to)


def _from_contact_item(state: SimulatorState, item: object, group_id: str | None) -> _Recipient:
    if isinstance(item, dict) and isinstance(item.get("id"), str) and "mobile" not in item:
        contact = state.live_contact(item["id"])
        if contact is None:
            return _Recipient(("invalid",), {"id": item["id"]}, error=RecipientError("CONT-002", "Unknown contact id"))
        return _known(state, contact, group_id)
    fields = parse_contact_fields(item)
    echo = {key: item[key] for key in ("firstName", "lastName", "email", "mobile") if key in item}
    try:
        mobile, country = normalise_mobile(state, fields.get("mobile"))
    except ApiError as exc:
        return _Recipient(("invalid",), echo, error=RecipientError(exc.code, exc.message))
    existing = state.contact_by_mobile(mobile)
    if existing is not None:
        return _known(state, existing, group_id)
    draft = ContactRecord(
        id="",
        mobile=mobile,
        country=country,
        created_at=0.0,
        updated_at=0.0,
        first_name=fields.get("first_name"),
        last_name=fields.get("last_name"),
        email=fields.get("email"),
        attributes=fields.get("attributes", {}),
    )
    return _Recipient(("new", mobile), echo, draft, choose_sender(state, draft, group_id), new_fields=fields)


def _resolve(state: SimulatorState, body: dict, group_id: str | None) -> list[_Recipient]:
    recipients: list[_Recipient] = []
    for conversation_id in body.get("conversations") or []:
        conversation = state.conversations.get(conversation_id) if isinstance(conversation_id, str) else None
        if conversation is None:
            recipients.append(
                _Recipient(
                    ("invalid",),
                    {"conversation": {"id": str(conversation_id)}},
                    error=RecipientError("CONV-001", "Invalid conversation id"),
                )
            )
            continue
        contact = state.live_contact(conversation.contact_id)
        if contact is None:
            recipients.append(
                _Recipient(
                    ("invalid",),
                    {"id": conversation.contact_id},
                    error=RecipientError("CONT-002", "Unknown contact id"),
                )
            )
            continue
        recipients.append(_known(state, contact, None, reply_to=conversation))
    for item in body.get("contacts") or []:
        recipients.append(_from_contact_item(state, item, group_id))
    if body.get("filters") is not None:
        for contact in _resolve_filters(state, body["filters"]):
            recipients.append(_known(state, contact, group_id))
    # The same contact reached twice through the same number gets one text.
    unique: dict[tuple, _Recipient] = {}
    for index, recipient in enumerate(recipients):
        key = ("invalid", index) if recipient.sender is None else (*recipient.key, recipient.sender.id)
        unique.setdefault(key, recipient)
    return list(unique.values())


def _check(recipient: _Recipient, template: str, has_media: bool) -> None:
    contact = recipient.contact
    assert contact is not None
    if contact.blocked_at is not None:
        recipient.error = RecipientError("CONT-010", "Contact has requested no further communication")
        return
    recipient.text = render(template, contact)
    if not recipient.text.strip() and not has_media:
        recipient.error = RecipientError("MSG-002", "Message text is empty")
        return
    segments = segment_info(recipient.text).segments
    if segments > MAX_SEGMENTS:
        recipient.error = RecipientError("MSG-007", f"Message too long: {segments} segments (at most {MAX_SEGMENTS})")


def _as_list(body: dict, key: str) -> None:
    if body.get(key) is not None and not isinstance(body[key], list):
        raise ApiError(400, "REQ-001", f"'{key}' must be a list")


def send_messages(
    state: SimulatorState, body: object, at: float, actor: Actor | None, contact_actor: Actor | None = None
) -> SendResult:
    """Validate and send a `SendMessagesRequest`; see the module docstring for the error rules.

    `actor` is the texts' `created.by`; `contact_actor` that of contacts the send creates (default `actor`).
    Fields the request schema does not have (a guessed `sendAt`, anything else) are ignored, as Sakari does.
    """
    if not isinstance(body, dict):
        raise ApiError(400, "REQ-001", "The request body must be a JSON object")
    template = body.get("template") if body.get("template") is not None else ""
    if not isinstance(template, str):
        raise ApiError(400, "REQ-001", "'template' must be a string")
    for key in ("contacts", "conversations"):
        _as_list(body, key)
    media = _parse_media(state, body.get("media"))
    if body.get("type") not in (None, "SMS", "MMS"):
        raise ApiError(400, "REQ-001", "'type' must be SMS or MMS")
    kind = "MMS" if body.get("type") == "MMS" or (body.get("type") is None and media) else "SMS"
    if not template.strip() and not media:
        raise ApiError(400, "MSG-002", "Message text is empty")
    group_id = _sender_group(state, body)
    recipients = _resolve(state, body, group_id)
    if not recipients:
        raise ApiError(400, "MSG-003", "No recipients: give contacts, conversations or filters that match")
    for recipient in recipients:
        if recipient.error is None:
            _check(recipient, template, bool(media))
    valid = [recipient for recipient in recipients if recipient.error is None]
    invalid = [
        {**r.echo, "error": {"code": r.error.code, "description": r.error.description}, "valid": False}
        for r in recipients
        if r.error is not None
    ]
    if not valid:
        raise ApiError(400, invalid[0]["error"]["code"], invalid[0]["error"]["description"])
    result = SendResult(job_id=state.ids.new(), messages=[], requested=len(recipients), invalid=invalid)
    for recipient in valid:
        contact = recipient.contact
        if recipient.new_fields is not None:
            contact, _ = create_or_merge(state, recipient.new_fields, None, at, contact_actor or actor)
        assert contact is not None and recipient.sender is not None
        result.messages.append(
            queue_outgoing(
                state,
                contact,
                recipient.sender.id,
                recipient.text,
                at,
                reply_to=recipient.reply_to,
                kind=kind,
                template=template,
                media=media,
                job_id=result.job_id,
                created_by=actor,
            )
        )
    return result


def is_keyword(text: str) -> bool:
    """True for an opt-out or opt-in keyword (the whole text, any case): nobody answers those."""
    return text.strip().upper() in OPT_OUT_KEYWORDS | OPT_IN_KEYWORDS


def apply_keywords(state: SimulatorState, contact: ContactRecord, text: str, at: float) -> None:
    """STOP-style keywords (whole text, any case) opt the contact out; START/UNSTOP opt back in."""
    keyword = text.strip().upper()
    if keyword in OPT_OUT_KEYWORDS and contact.blocked_at is None:
        contact.blocked_at = contact.updated_at = at
        queue_contact_event(state, "contact-opt-out", contact, at)
    elif keyword in OPT_IN_KEYWORDS:
        contact.blocked_at = None
        contact.opt_in_at = contact.updated_at = at
        queue_contact_event(state, "contact-opt-in", contact, at)


def receive_inbound(
    state: SimulatorState,
    from_number: str,
    text: str,
    *,
    to: str | None = None,
    media: list[dict] | None = None,
    at: float,
) -> MessageRecord:
    """A customer texts the account: find or create the contact and conversation, apply keywords;
    the team (colleagues, the auto-responder) then sees the text."""
    try:
        mobile, _ = normalise(from_number, None, state.config.default_country)
    except InvalidNumber as exc:
        raise ApiError(400, "CONT-001", f"Invalid mobile number: {exc}") from None
    sender = None
    if to:
        try:
            sender = state.sender_by_number(normalise(to, None, state.config.default_country)[0])
        except InvalidNumber:
            sender = None
        if sender is None:
            raise ApiError(400, "SIM-001", f"{to} is not one of the account's Sakari numbers")
    contact = state.contact_by_mobile(mobile)
    if contact is None:
        contact, _ = create_or_merge(state, {"mobile": (mobile, None)}, None, at, None)
    sender = sender or choose_sender(state, contact, None)
    apply_keywords(state, contact, text, at)
    conversation = conversation_for(state, contact, sender.id, at)
    message = add_message(
        state,
        conversation,
        text=text,
        outgoing=False,
        status="received",
        at=at,
        kind="MMS" if media else "SMS",
        media=media,
    )
    queue_message_event(state, "message-received", message, at)
    state.colleagues.on_inbound(message, at)
    state.auto_responder.on_inbound(message, at)
    return message
