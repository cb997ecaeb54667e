"""The models read every documented drift of the API without failing."""

from datetime import datetime

from sakari_tui.api import Contact, Conversation, Message, MessageStatus, Page, Pagination, SendMessagesResult, Tag


def test_closed_as_bool_or_timestamp_or_null():
    assert Conversation.model_validate({"id": "c1", "closed": True}).closed is True
    assert Conversation.model_validate({"id": "c1", "closed": None}).closed is False
    stamped = Conversation.model_validate({"id": "c1", "closed": "2026-01-02T03:04:05.000Z"})
    assert stamped.closed is True
    assert stamped.closed_at == datetime.fromisoformat("2026-01-02T03:04:05+00:00")
    assert Conversation.model_validate({"id": "c1"}).closed is False


def test_send_result_new_and_legacy_shapes():
    new = SendMessagesResult.model_validate({"messages": [], "requested": 2, "valid": 1, "invalid": [{"id": "x"}]})
    assert (new.requested, new.valid, len(new.invalid)) == (2, 1, 1)
    legacy = SendMessagesResult.model_validate({"messages": None, "queued": 3, "jobId": "j"})
    assert legacy.queued == 3 and legacy.messages == [] and legacy.job_id == "j"


def test_unknown_fields_are_kept_and_ignored():
    message = Message.model_validate(
        {"id": "m1", "message": "hi", "outgoing": True, "status": "Delivered", "brandNew": {"x": 1}, "segments": 1}
    )
    assert message.status_kind is MessageStatus.DELIVERED
    assert message.model_extra == {"brandNew": {"x": 1}}


def test_status_is_an_open_set():
    assert MessageStatus.parse("QUEUED") is MessageStatus.QUEUED
    assert MessageStatus.parse("teleported") is MessageStatus.UNKNOWN
    assert MessageStatus.parse(None) is MessageStatus.UNKNOWN


def test_embedded_error_with_description_or_message():
    m1 = Message.model_validate({"error": {"code": "MSG-019", "description": "Undelivered"}})
    m2 = Message.model_validate({"error": {"code": "MSG-019", "message": "Undelivered"}})
    assert m1.error.text == m2.error.text == "Undelivered"


def test_phone_number_as_object_or_string():
    assert Message.model_validate({"phoneNumber": {"number": "+1555", "country": "US"}}).phone_number == "+1555"
    assert Conversation.model_validate({"id": "c", "phoneNumber": "+1555"}).phone_number.number == "+1555"


def test_contact_opt_out_and_plain_string_tags():
    contact = Contact.model_validate({"id": "k", "blocked": "2026-01-01T00:00:00Z", "tags": ["vip", {"tag": "x"}]})
    assert contact.opted_out
    assert contact.tags == [Tag(tag="vip"), Tag(tag="x")]
    assert not Contact.model_validate({"id": "k"}).opted_out


def test_display_name_falls_back_to_number():
    contact = Contact.model_validate({"firstName": " ", "mobile": {"number": "+447700900123"}})
    assert contact.display_name == "+447700900123"
    assert Contact.model_validate({"firstName": "Ana", "lastName": "Silva"}).display_name == "Ana Silva"


def test_to_wire_is_camel_case_without_unset_fields():
    contact = Contact(first_name="Ana", mobile={"number": "+15551234567"})
    assert contact.to_wire() == {"firstName": "Ana", "mobile": {"number": "+15551234567"}}


def _page(n, **pagination):
    # A server that echoes the offset it was asked for.
    requested = pagination.get("offset", 0)
    return Page[int](items=list(range(n)), pagination=Pagination(**pagination), requested_offset=requested)


def test_next_offset_uses_has_next_then_total_then_full_page():
    assert _page(10, offset=0, limit=10, has_next=True).next_offset == 10
    assert _page(10, offset=0, limit=10, has_next=False, total_count=99).next_offset is None
    assert _page(10, offset=20, limit=10, total_count=31).next_offset == 30
    assert _page(10, offset=20, limit=10, total_count=30).next_offset is None
    assert _page(10, offset=0, limit=10).next_offset == 10  # full page, no counts: ask again
    assert _page(7, offset=0, limit=10).next_offset is None
    assert _page(0, offset=0, limit=10, has_next=True).next_offset is None  # never loop on empty pages
