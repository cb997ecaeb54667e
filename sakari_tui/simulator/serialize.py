"""Records to the JSON shapes of the spec's component schemas (plus a few fields the real API adds).

Absent values are left out rather than sent as null, because the spec's schemas are not nullable;
the one deliberate exception is `Conversation.closed` in `closed_as_timestamp` mode (the docs' drift).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from .clock import iso
from .records import (
    Actor,
    CampaignRecord,
    ContactRecord,
    ConversationRecord,
    MessageRecord,
    TemplateRecord,
    WebhookRecord,
)

if TYPE_CHECKING:
    from .state import SimulatorState


@dataclass(frozen=True)
class View:
    """How to render: the base for site-relative links, and which `closed` flavour to emit."""

    base_url: str = ""
    closed_as_timestamp: bool = False

    def absolute(self, url: str) -> str:
        """`url` made absolute when it is a path on this simulator (shared files); any other URL as given.

        Media URLs are whatever a sender put there (`file:`, `javascript:`, `//elsewhere`): showing them
        exactly is what lets a client prove it handles them safely."""
        try:
            parts = urlsplit(url)
        except ValueError:  # e.g. an unclosed IPv6 bracket: not ours, leave it
            return url
        if parts.scheme or parts.netloc or not url.startswith("/"):
            return url
        return self.base_url.rstrip("/") + url


def updated(at: float, by: Actor | None = None) -> dict:
    """The spec's `Updated` object."""
    return {"at": iso(at), "by": dict(by)} if by else {"at": iso(at)}


def _without_none(data: dict) -> dict:
    return {key: value for key, value in data.items() if value is not None}


def contact_identifiers(contact: ContactRecord) -> dict:
    """`ContactIdentifiers`: id, names, email and mobile."""
    return _without_none(
        {
            "id": contact.id,
            "firstName": contact.first_name,
            "lastName": contact.last_name,
            "email": contact.email,
            "mobile": {"number": contact.mobile, "country": contact.country},
        }
    )


def contact_json(contact: ContactRecord) -> dict:
    """`Contact`, with the real API's `optIn` / `blocked` timestamps when set."""
    data = contact_identifiers(contact)
    data.update(
        {
            "attributes": dict(contact.attributes),
            "tags": [dict(tag) for tag in contact.tags],
            "valid": True,
            "created": updated(contact.created_at, contact.created_by),
            "updated": updated(contact.updated_at, contact.updated_by),
        }
    )
    if contact.opt_in_at is not None:
        data["optIn"] = iso(contact.opt_in_at)
    if contact.blocked_at is not None:
        data["blocked"] = iso(contact.blocked_at)
    return data


def message_json(state: SimulatorState, message: MessageRecord, view: View) -> dict:
    """`Message`, plus `type` (SMS/MMS) and `jobId` as the real API has them."""
    data = {
        "id": message.id,
        "contact": contact_identifiers(state.contacts[message.contact_id]),
        "conversation": {"id": message.conversation_id},
        "phoneNumber": state.sender(message.sender_id).number,
        "message": message.text,
        "outgoing": message.outgoing,
        "status": message.status,
        "read": message.read,
        "segments": message.segments,
        "price": message.price,
        "type": message.kind,
        "media": [{**item, "url": view.absolute(item["url"])} for item in message.media],
        "created": updated(message.created_at, message.created_by),
        "updated": updated(message.updated_at),
    }
    if message.template is not None:
        data["template"] = message.template
    if message.error is not None:
        data["error"] = dict(message.error)
    if message.job_id is not None:
        data["jobId"] = message.job_id
    return data


def phone_number_json(state: SimulatorState, sender_id: str) -> dict:
    """`PhoneNumber` of a Sakari sender, plus its id and group as in webhook payloads."""
    sender = state.sender(sender_id)
    return {
        "id": sender.id,
        "number": sender.number,
        "country": sender.country,
        "active": True,
        "group": {"id": sender.group_id, "name": sender.group_name},
    }


def closed_value(conversation: ConversationRecord, view: View) -> bool | str | None:
    """`closed` as the spec's bool, or as the docs' date-time/null drift."""
    if view.closed_as_timestamp:
        return iso(conversation.closed_at) if conversation.closed_at is not None else None
    return conversation.closed_at is not None


def conversation_json(state: SimulatorState, conversation: ConversationRecord, view: View) -> dict:
    """`Conversation`; `unread` holds the ids of its unread inbound messages."""
    data = {
        "id": conversation.id,
        "contact": contact_identifiers(state.contacts[conversation.contact_id]),
        "phoneNumber": phone_number_json(state, conversation.sender_id),
        "closed": closed_value(conversation, view),
        "unread": list(conversation.unread),
        "created": updated(conversation.created_at),
        "updated": updated(conversation.updated_at),
    }
    if conversation.message_ids:
        data["lastMessage"] = message_json(state, state.messages[conversation.message_ids[-1]], view)
    return data


def template_json(template: TemplateRecord) -> dict:
    """`Template`, plus created/updated as the current docs show."""
    return {
        "id": template.id,
        "name": template.name,
        "template": template.template,
        "type": template.type,
        "created": updated(template.created_at, template.created_by),
        "updated": updated(template.updated_at),
    }


def campaign_json(campaign: CampaignRecord) -> dict:
    """`Campaign` (only `id` in the spec) plus the fields it was created with."""
    return {
        **campaign.fields,
        "id": campaign.id,
        "created": updated(campaign.created_at, campaign.created_by),
        "updated": updated(campaign.updated_at),
    }


def webhook_json(webhook: WebhookRecord) -> dict:
    """`Webhook` (url, eventTypes) plus the docs' `id` and `destination`."""
    return {
        "id": webhook.id,
        "url": webhook.url,
        "destination": webhook.url,
        "eventTypes": list(webhook.event_types),
        "created": updated(webhook.created_at),
    }
