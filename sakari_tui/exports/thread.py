"""One plain row per message of a thread, as `thread show|export` writes it, and the thread's header.

A row is a dict of JSON values with camelCase keys like the API's (`FIELDS`, in this order). Its
strings are kept as the API sent them, controls and all: the JSON export is a record, and only
the text and CSV formatters (`thread_formats`) clean them for people. The one change is that a
lone surrogate (JSON can carry `"\\ud800"`) becomes U+FFFD, because it cannot be written as UTF-8
and so could not be hashed or saved.

What is derived rather than received: `direction`, `sentBy` (the label of `sms.authors`, already
on one line: "You" only for messages this machine's outbox sent), `keyword` (the event a
customer's keyword text triggers), `type` when Sakari left it out, `from`/`to` (the contact's
number and the Sakari number, by direction) and each attachment's `host`.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from ..api import Conversation, Message
from ..media.attachments import attachment_from_media
from ..sms.authors import message_author
from ..sms.keywords import HELP_LABEL, OPT_IN_LABEL, OPT_OUT_LABEL, keyword_label

FIELDS = (
    "id",
    "createdAt",
    "direction",
    "text",
    "status",
    "errorCode",
    "errorDescription",
    "from",
    "to",
    "senderNumber",
    "sentBy",
    "keyword",
    "type",
    "attachments",
)
"""The keys of every row, in the order the CSV's columns take."""
ATTACHMENT_FIELDS = ("name", "type", "url", "host")

KEYWORD_EVENTS = {OPT_OUT_LABEL: "STOP", OPT_IN_LABEL: "START", HELP_LABEL: "HELP"}
"""A customer's keyword text as the event it triggers: CANCEL and QUIT opt out as STOP does."""

_SURROGATE = re.compile(r"[\ud800-\udfff]")


def as_received(value: Any) -> str | None:
    """A string from the API as it came, except lone surrogates (unwritable as UTF-8) as U+FFFD."""
    if not isinstance(value, str):
        return None
    return _SURROGATE.sub("\ufffd", value)


def iso_utc(moment: datetime | None) -> str | None:
    """ "2026-11-30T12:00:00.000Z": UTC with milliseconds, as the API writes its times."""
    if moment is None:
        return None
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)
    return aware.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class ExportedAttachment:
    name: str | None
    """The file name as sent (`filename`, else `name`); formatters show `media.attachments.safe_name`."""
    type: str | None
    url: str | None
    host: str | None
    """The host the link really goes to (after any `user@`), None for links that are not http(s)."""

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.type, "url": self.url, "host": self.host}


@dataclass(frozen=True)
class ExportedMessage:
    """One message as an export carries it; `to_row()` is the dict with the API's camelCase keys."""

    id: str | None
    created_at: datetime | None
    outgoing: bool
    text: str
    status: str | None
    error_code: str | None
    error_description: str | None
    from_number: str | None
    to_number: str | None
    sender_number: str | None
    sent_by: str
    keyword: str | None
    type: str
    attachments: tuple[ExportedAttachment, ...] = field(default_factory=tuple)

    def to_row(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "createdAt": iso_utc(self.created_at),
            "direction": "out" if self.outgoing else "in",
            "text": self.text,
            "status": self.status,
            "errorCode": self.error_code,
            "errorDescription": self.error_description,
            "from": self.from_number,
            "to": self.to_number,
            "senderNumber": self.sender_number,
            "sentBy": self.sent_by,
            "keyword": self.keyword,
            "type": self.type,
            "attachments": [attachment.to_dict() for attachment in self.attachments],
        }


def _attachments(message: Message) -> tuple[ExportedAttachment, ...]:
    found = []
    for item in message.media:
        cleaned = attachment_from_media(item)
        if cleaned is None:  # no url and no name: nothing to record
            continue
        found.append(
            ExportedAttachment(
                name=as_received(item.filename) or as_received(item.name),
                type=as_received(item.type),
                url=as_received(item.url),
                host=cleaned.host,
            )
        )
    return tuple(found)


def exported_message(
    message: Message, *, sent_here: bool, contact_number: str | None, sender_number: str | None = None
) -> ExportedMessage:
    """`message` as an export row; the numbers fill in what the message itself leaves out."""
    contact = message.contact.mobile.number if message.contact and message.contact.mobile else None
    customer = as_received(contact) or as_received(contact_number)
    ours = as_received(message.phone_number) or as_received(sender_number)
    error = message.error
    label = keyword_label(message.message) if not message.outgoing else None
    attachments = _attachments(message)
    return ExportedMessage(
        id=as_received(message.id),
        created_at=message.created_at,
        outgoing=message.outgoing,
        text=as_received(message.message) or "",
        status=as_received(message.status),
        error_code=as_received(error.code) if error else None,
        error_description=(as_received(error.description) or as_received(error.message)) if error else None,
        from_number=ours if message.outgoing else customer,
        to_number=customer if message.outgoing else ours,
        sender_number=ours,
        sent_by=message_author(message, sent_here=sent_here).label,
        keyword=KEYWORD_EVENTS.get(label) if label else None,
        type=as_received(message.type) or ("MMS" if message.media else "SMS"),
        attachments=attachments,
    )


def export_rows(
    messages: Iterable[Message],
    *,
    sent_here: Collection[str],
    conversation_number: str | None,
    sender_number: str | None = None,
) -> list[dict[str, Any]]:
    """One row per message, in the order given (`fetch_whole_thread` gives oldest first).

    `sent_here` holds the ids this machine's outbox sent (`store.inbox.sent_here(ids)`): only
    those say "You". `conversation_number` is the contact's number and `sender_number` the
    conversation's Sakari number, used where a message does not carry its own.
    """
    return [
        exported_message(
            message,
            sent_here=message.id is not None and message.id in sent_here,
            contact_number=conversation_number,
            sender_number=sender_number,
        ).to_row()
        for message in messages
    ]


@dataclass(frozen=True)
class ThreadHeader:
    """What an export says about the conversation as a whole."""

    conversation_id: str
    contact_name: str | None
    contact_number: str | None
    sender_number: str | None
    exported_at: datetime
    since: datetime | None = None
    """The `--since` the export was cut at: messages before it are left out on purpose."""

    def to_dict(self) -> dict[str, Any]:
        """The JSON export's `conversation` object."""
        return {
            "id": as_received(self.conversation_id),
            "contactName": as_received(self.contact_name),
            "contactNumber": as_received(self.contact_number),
            "senderNumber": as_received(self.sender_number),
        }


def header_of(
    conversation: Conversation, *, exported_at: datetime | None = None, since: datetime | None = None
) -> ThreadHeader:
    """The header of an export of `conversation`, exported now unless `exported_at` says when."""
    contact = conversation.contact
    name = " ".join(part for part in (contact.first_name, contact.last_name) if part) if contact else ""
    number = contact.mobile.number if contact and contact.mobile else None
    return ThreadHeader(
        conversation_id=conversation.id,
        contact_name=name or None,
        contact_number=number,
        sender_number=conversation.phone_number.number if conversation.phone_number else None,
        exported_at=exported_at or datetime.now(timezone.utc),
        since=since,
    )
