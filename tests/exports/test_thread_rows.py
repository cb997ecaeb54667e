"""One plain row per message, field by field, as `thread export` writes it."""

from __future__ import annotations

from sakari_tui.api import Message
from sakari_tui.exports.thread import FIELDS, export_rows, header_of

from ..support.factories import message
from .thread_data import CUSTOMER, EXPORTED_AT, RECEIPT, SENDER, conversation, header, thread


def rows():
    messages, sent_here = thread()
    return {row["id"]: row for row in export_rows(messages, sent_here=sent_here, conversation_number=CUSTOMER)}


def test_every_row_has_the_same_camel_case_fields_in_order():
    messages, sent_here = thread()
    exported = export_rows(messages, sent_here=sent_here, conversation_number=CUSTOMER)
    assert FIELDS == (
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
    assert all(tuple(row) == FIELDS for row in exported)
    assert [row["id"] for row in exported] == [m.id for m in messages]  # the order given is kept


def test_a_customer_text():
    assert rows()["m1"] == {
        "id": "m1",
        "createdAt": "2026-11-30T12:00:00.000Z",
        "direction": "in",
        "text": "Where is my order?",
        "status": "received",
        "errorCode": None,
        "errorDescription": None,
        "from": CUSTOMER,
        "to": SENDER,
        "senderNumber": SENDER,
        "sentBy": "customer",
        "keyword": None,
        "type": "SMS",
        "attachments": [],
    }


def test_a_delivered_mms_sent_from_this_machine():
    row = rows()["m2"]
    assert (row["direction"], row["status"], row["sentBy"], row["type"]) == ("out", "delivered", "You", "MMS")
    assert (row["from"], row["to"], row["senderNumber"]) == (SENDER, CUSTOMER, SENDER)
    assert row["attachments"] == [
        {"name": "receipt.png", "type": "image/png", "url": RECEIPT["url"], "host": "media.example"}
    ]


def test_an_undelivered_reply_by_a_teammate_with_its_error_code():
    row = rows()["m3"]
    assert (row["status"], row["errorCode"], row["errorDescription"]) == (
        "undelivered",
        "MSG-020",
        "Landline or unreachable carrier",
    )
    assert row["sentBy"] == "Alex · Hub"


def test_stop_and_start_are_marked_as_keyword_events():
    assert (rows()["m4"]["keyword"], rows()["m5"]["keyword"]) == ("STOP", "START")
    assert rows()["m5"]["text"] == " start! "  # the text stays as it came
    # Only a customer's text is an event: a reply that says STOP opts nobody out.
    ours = export_rows([message("x", "STOP", outgoing=True)], sent_here=set(), conversation_number=None)
    assert ours[0]["keyword"] is None
    assert export_rows([message("h", "help")], sent_here=set(), conversation_number=None)[0]["keyword"] == "HELP"


def test_who_sent_the_other_replies():
    assert rows()["m6"]["sentBy"] == "auto-reply"
    assert rows()["m7"]["sentBy"] == "sent from elsewhere"
    assert rows()["m2"]["sentBy"] == "You"
    # The same MMS, not adopted from this machine's outbox: it names Sam.
    messages, _ = thread()
    exported = export_rows(messages, sent_here=set(), conversation_number=CUSTOMER)
    assert {row["id"]: row["sentBy"] for row in exported}["m2"] == "Sam · API"


def test_missing_fields_fall_back_to_the_conversation_or_null():
    bare = Message.model_validate({"id": "b", "outgoing": True, "media": [{"url": "https://media.example/x"}]})
    (row,) = export_rows([bare], sent_here=set(), conversation_number=CUSTOMER, sender_number=SENDER)
    assert (row["createdAt"], row["status"], row["text"]) == (None, None, "")
    assert (row["from"], row["to"], row["senderNumber"]) == (SENDER, CUSTOMER, SENDER)
    assert row["type"] == "MMS"  # it carries media
    assert row["attachments"] == [
        {"name": None, "type": None, "url": "https://media.example/x", "host": "media.example"}
    ]
    (nothing,) = export_rows([Message.model_validate({})], sent_here=set(), conversation_number=None)
    assert (nothing["id"], nothing["from"], nothing["to"], nothing["type"]) == (None, None, None, "SMS")


def test_a_time_with_a_zone_is_written_in_utc():
    later = Message.model_validate({"id": "t", "created": {"at": "2026-11-30T14:00:00.123456+02:00"}})
    (row,) = export_rows([later], sent_here=set(), conversation_number=None)
    assert row["createdAt"] == "2026-11-30T12:00:00.123Z"


def test_lone_surrogates_become_the_replacement_character_so_the_row_is_valid_utf8():
    broken = message("s", "half \ud83d emoji", media=[{"url": "https://media.example/a", "filename": "a\udc00.png"}])
    (row,) = export_rows([broken], sent_here=set(), conversation_number=None)
    assert row["text"] == "half \ufffd emoji"
    assert row["attachments"][0]["name"] == "a\ufffd.png"


def test_the_header_comes_from_the_conversation():
    made = header_of(conversation(), exported_at=EXPORTED_AT)
    assert made == header()
    assert made.to_dict() == {
        "id": "conv-1",
        "contactName": "Ana Silva",
        "contactNumber": CUSTOMER,
        "senderNumber": SENDER,
    }
