"""A thread with one of each thing an export must show: an MMS sent here and delivered, a
teammate's reply that did not arrive (with its error code), STOP and START, an auto-reply and a
message sent from elsewhere."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sakari_tui.api import Conversation
from sakari_tui.exports.thread import ThreadHeader

from ..support.factories import NOW, message

CUSTOMER = "+15551230001"
SENDER = "+14155550100"
CONTACT = {"id": "k1", "firstName": "Ana", "lastName": "Silva", "mobile": {"number": CUSTOMER}}
EXPORTED_AT = datetime(2026, 12, 1, 9, 30, tzinfo=timezone.utc)
RECEIPT = {"url": "https://media.example/r/receipt.png?sig=1", "type": "image/png", "filename": "receipt.png"}


def at(minute: int) -> datetime:
    return NOW + timedelta(minutes=minute)


def thread():
    """The messages (newest first, as the API sends them) and the ids this machine sent."""
    common = {"contact": CONTACT, "phoneNumber": SENDER}
    messages = [
        message("m1", "Where is my order?", at=at(0), **common),
        message(
            "m2",
            "Here is the receipt",
            at=at(1),
            outgoing=True,
            type="MMS",
            media=[RECEIPT],
            created={"at": at(1).isoformat(), "by": {"id": "u9", "firstName": "Sam", "source": "api"}},
            **common,
        ),
        message(
            "m3",
            "Call us on 0800 123",
            at=at(2),
            outgoing=True,
            status="undelivered",
            error={"code": "MSG-020", "description": "Landline or unreachable carrier"},
            created={"at": at(2).isoformat(), "by": {"id": "u2", "firstName": "Alex", "source": "hub"}},
            **common,
        ),
        message("m4", "STOP", at=at(3), **common),
        message("m5", " start! ", at=at(4), **common),
        message(
            "m6",
            "Thanks, we will be in touch",
            at=at(5),
            outgoing=True,
            created={"at": at(5).isoformat(), "by": {"source": "autoresponder"}},
            **common,
        ),
        message("m7", "Sent by the CRM", at=at(6), outgoing=True, status="sent", **common),
    ]
    return messages[::-1], {"m2"}


def conversation() -> Conversation:
    return Conversation.model_validate(
        {"id": "conv-1", "contact": CONTACT, "phoneNumber": {"number": SENDER, "country": "US"}}
    )


def header() -> ThreadHeader:
    return ThreadHeader(
        conversation_id="conv-1",
        contact_name="Ana Silva",
        contact_number=CUSTOMER,
        sender_number=SENDER,
        exported_at=EXPORTED_AT,
    )
