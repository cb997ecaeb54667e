"""Hostile text in every field an export carries: the transcript and the CSV hold nothing that
acts on a terminal or a reader, and the JSON keeps every string exactly as it came."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from sakari_tui.exports.thread import ThreadHeader, export_rows
from sakari_tui.exports.thread_formats import format_csv, format_json, format_text, verify
from sakari_tui.text import BIDI_PLACEHOLDER

from ..support.factories import message
from ..support.hostile import HOSTILE
from .thread_data import EXPORTED_AT

# Controls other than newline and tab, DEL, C1, bidi embeddings/overrides/isolates, line and
# paragraph separators, lone surrogates.
FORBIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]")
# In the JSON document itself (newlines are the indentation; everything else is escaped).
FORBIDDEN_IN_JSON = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def hostile_thread(payload: str):
    """Every string the API gives an export, set to `payload`."""
    contact = {"id": "k1", "firstName": payload, "mobile": {"number": payload}}
    media = [{"url": f"https://media.example/{payload}", "type": payload, "filename": payload}]
    messages = [
        message("in", payload, contact=contact, phoneNumber=payload, type=payload, media=media, status=payload),
        message(
            "out",
            payload,
            outgoing=True,
            contact=contact,
            phoneNumber=payload,
            status=payload,
            error={"code": payload, "description": payload},
            created={"at": "2026-11-30T12:01:00Z", "by": {"firstName": payload, "source": payload}},
        ),
    ]
    header = ThreadHeader(
        conversation_id=payload,
        contact_name=payload,
        contact_number=payload,
        sender_number=payload,
        exported_at=EXPORTED_AT,
    )
    return export_rows(messages, sent_here=set(), conversation_number=payload), header


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_the_transcript_holds_no_control_or_bidi_characters(name):
    rows, header = hostile_thread(HOSTILE[name])
    text = format_text(rows, header)
    assert not FORBIDDEN.search(text)


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_csv_cells_hold_no_control_or_bidi_characters(name):
    rows, _ = hostile_thread(HOSTILE[name])
    text = format_csv(rows)
    assert not FORBIDDEN.search(text)
    table = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(table) == 2
    for row in table:
        for value in row.values():
            assert value[:1] not in ("=", "+", "-", "@", "\t", "\r"), (name, value)


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_json_keeps_every_string_exactly_and_prints_no_raw_escape_sequence(name):
    payload = HOSTILE[name]
    rows, header = hostile_thread(payload)
    text = format_json(rows, header)
    assert not FORBIDDEN_IN_JSON.search(text)
    document = json.loads(text)
    assert document["messages"] == rows
    assert verify(text)
    inbound, outbound = document["messages"]
    assert inbound["text"] == outbound["text"] == payload
    assert inbound["status"] == inbound["type"] == inbound["from"] == inbound["senderNumber"] == payload
    assert inbound["attachments"][0]["name"] == inbound["attachments"][0]["type"] == payload
    assert outbound["errorCode"] == outbound["errorDescription"] == outbound["to"] == payload
    assert document["conversation"] == {
        "id": payload,
        "contactName": payload,
        "contactNumber": payload,
        "senderNumber": payload,
    }


def test_bidi_overrides_show_as_a_placeholder_in_text_and_csv():
    rows, header = hostile_thread(HOSTILE["bidi_rlo"])
    assert f"invoice{BIDI_PLACEHOLDER}gpj.exe" in format_text(rows, header)
    assert f"invoice{BIDI_PLACEHOLDER}gpj.exe" in format_csv(rows)


def test_an_escape_sequence_loses_its_introducer_in_text_and_csv():
    rows, header = hostile_thread(HOSTILE["csi_clear"])
    assert "before[2J[Hafter" in format_text(rows, header)
    assert "before[2J[Hafter" in format_csv(rows)
