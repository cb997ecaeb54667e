"""The three export formats: a transcript to read, a CSV for a spreadsheet, and a JSON record
whose SHA-256 anyone can recompute."""

from __future__ import annotations

import csv
import hashlib
import io
import json

from sakari_tui.exports.thread import FIELDS, ThreadHeader, export_rows
from sakari_tui.exports.thread_formats import (
    SHA256_NOTE,
    canonical_messages,
    format_csv,
    format_json,
    format_text,
    verify,
)

from .thread_data import CUSTOMER, RECEIPT, SENDER, header, thread


def rows():
    messages, sent_here = thread()
    return export_rows(sorted(messages, key=lambda m: m.created_at), sent_here=sent_here, conversation_number=CUSTOMER)


def blocks(text: str) -> list[str]:
    return text.removesuffix("\n").split("\n\n")


# --- text ------------------------------------------------------------------------------------


def test_the_transcript_starts_with_the_conversation_and_has_one_block_per_message():
    text = format_text(rows(), header())
    parts = blocks(text)
    assert parts[0] == (
        f"Conversation conv-1 with Ana Silva ({CUSTOMER}) on {SENDER}\nExported 2026-12-01 09:30:00 UTC · 7 messages"
    )
    assert len(parts) == 1 + 7
    assert text.endswith("\n") and not text.endswith("\n\n")


def test_each_block_says_when_who_what_state_and_what_was_attached():
    parts = blocks(format_text(rows(), header()))
    assert parts[1] == "2026-11-30 12:00:00 UTC · Ana Silva · received\n    Where is my order?"
    assert parts[2] == (
        "2026-11-30 12:01:00 UTC · You · delivered · MMS\n"
        "    Here is the receipt\n"
        "    📷 receipt.png · image/png · media.example"
    )
    assert parts[3] == (
        "2026-11-30 12:02:00 UTC · Alex · Hub · undelivered · MSG-020: Landline or unreachable carrier\n"
        "    Call us on 0800 123"
    )
    assert parts[6] == "2026-11-30 12:05:00 UTC · auto-reply · delivered\n    Thanks, we will be in touch"
    assert parts[7] == "2026-11-30 12:06:00 UTC · sent from elsewhere · sent\n    Sent by the CRM"


def test_keyword_events_are_marked():
    parts = blocks(format_text(rows(), header()))
    assert (
        parts[4]
        == "2026-11-30 12:03:00 UTC · Ana Silva · received\n    STOP\n    ⚑ STOP keyword: the contact opted out"
    )
    assert parts[5].endswith("\n    ⚑ START keyword: the contact opted back in")


def test_an_error_code_without_a_description_is_put_in_plain_words_and_lines_are_indented():
    row = dict(rows()[2])
    row.update(errorDescription=None, errorCode="MSG-020", text="line one\nline two")
    block = blocks(format_text([row], header()))[1]
    assert block == (
        "2026-11-30 12:02:00 UTC · Alex · Hub · undelivered · MSG-020: the number is a landline\n"
        "    line one\n"
        "    line two"
    )


def test_a_customer_without_a_name_is_the_customer_and_since_is_stated():
    moment = header().exported_at
    bare = ThreadHeader(
        conversation_id="c",
        contact_name=None,
        contact_number=None,
        sender_number=None,
        exported_at=moment,
        since=moment,
    )
    text = format_text(rows()[:1], bare)
    assert text.startswith(
        "Conversation c\nExported 2026-12-01 09:30:00 UTC · 1 message since 2026-12-01 09:30:00 UTC\n\n"
    )
    assert "· customer · received" in text


# --- csv -------------------------------------------------------------------------------------


def parsed_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_csv_has_a_header_row_and_one_row_per_message():
    text = format_csv(rows())
    assert text.splitlines()[0] == ",".join(FIELDS)
    table = parsed_csv(text)
    assert [row["id"] for row in table] == ["m1", "m2", "m3", "m4", "m5", "m6", "m7"]
    mms = table[1]
    assert mms["attachments"] == f"receipt.png (image/png) {RECEIPT['url']}"
    assert (mms["direction"], mms["status"], mms["sentBy"], mms["type"], mms["keyword"]) == (
        "out",
        "delivered",
        "You",
        "MMS",
        "",
    )
    # Numbers start with "+": a spreadsheet would read them as formulas (or as numbers, losing the +).
    assert (mms["from"], mms["to"], mms["senderNumber"]) == (f"'{SENDER}", f"'{CUSTOMER}", f"'{SENDER}")
    assert (table[2]["errorCode"], table[2]["errorDescription"]) == ("MSG-020", "Landline or unreachable carrier")
    assert [row["keyword"] for row in table[3:5]] == ["STOP", "START"]


def test_several_attachments_share_one_cell_one_per_line():
    row = dict(rows()[1])
    row["attachments"] = [*row["attachments"], {"name": "menu.pdf", "type": None, "url": None, "host": None}]
    (cell,) = [r["attachments"] for r in parsed_csv(format_csv([row]))]
    assert cell == f"receipt.png (image/png) {RECEIPT['url']}\nmenu.pdf"


def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_get_an_apostrophe():
    dangerous = [
        '=HYPERLINK("https://evil.test","x")',
        "+1+2",
        "-2+3",
        "@SUM(A1:A2)",
        "\t=1",
        "\r=1",
        "  =1",
        "＝1",
    ]
    base = rows()[0]
    table = parsed_csv(format_csv([{**base, "text": text, "status": text} for text in dangerous]))
    for row, text in zip(table, dangerous, strict=True):
        assert row["text"].startswith("'"), text
        assert row["status"].startswith("'"), text
    safe = parsed_csv(format_csv([{**base, "text": "1 = 1, ok"}]))
    assert safe[0]["text"] == "1 = 1, ok"


def test_csv_of_no_messages_is_just_the_header():
    assert format_csv([]) == ",".join(FIELDS) + "\n"


# --- json ------------------------------------------------------------------------------------


def test_json_round_trips_with_every_message_and_the_conversation():
    exported = rows()
    document = json.loads(format_json(exported, header()))
    assert document["conversation"] == {
        "id": "conv-1",
        "contactName": "Ana Silva",
        "contactNumber": CUSTOMER,
        "senderNumber": SENDER,
    }
    assert document["exportedAt"] == "2026-12-01T09:30:00.000Z"
    assert document["since"] is None
    assert document["messageCount"] == 7
    assert document["messages"] == exported
    assert list(document) == ["conversation", "exportedAt", "since", "messageCount", "messages", "sha256"]


def test_the_sha256_is_of_the_canonical_json_of_the_messages_and_anyone_can_recompute_it():
    text = format_json(rows(), header())
    document = json.loads(text)
    canonical = json.dumps(document["messages"], sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert document["sha256"] == hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    assert canonical_messages(document["messages"]) == canonical.encode("utf-8")
    assert verify(text) and verify(text.encode("utf-8")) and verify(document)


def test_verify_fails_after_one_character_changes():
    text = format_json(rows(), header())
    assert verify(text)
    assert not verify(text.replace("Where is my order?", "Where is my order!"))
    assert not verify(text.replace('"status": "undelivered"', '"status": "delivered"'))
    document = json.loads(text)
    document["messages"].pop()
    assert not verify(document)


def test_verify_says_false_for_what_is_not_an_export():
    for broken in ("", "not json", "[]", '{"messages": []}', '{"messages": [], "sha256": 5}', b"\xff"):
        assert verify(broken) is False


def test_the_note_says_what_the_hash_does_and_does_not_prove():
    note = SHA256_NOTE.lower()
    for claim in ("not changed", "does not prove", "sakari", "complete", "signature"):
        assert claim in note, claim
