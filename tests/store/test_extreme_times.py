"""Times outside the years 1000-9998 (Go's zero time, 9999-12-31) neither break the store nor the screen.

The API boundary clamps them; the store writes four-digit years and still reads what older
versions wrote ('1-01-01T…'); rendering never raises, also where local time would overflow.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from datetime import date, datetime, timedelta, timezone

import pytest

from sakari_tui.api import Contact, Conversation, Message
from sakari_tui.api.models import EARLIEST, LATEST
from sakari_tui.store import Store
from sakari_tui.store.cache import iso, parse_iso
from sakari_tui.store.connection import register_functions
from sakari_tui.store.packing import conversation_json_sql
from sakari_tui.ui.format import clock_label, day_label, local_day, relative_time
from sakari_tui.ui.widgets.bubbles import bubble_for_message

ZERO = "0001-01-01T00:00:00Z"
END = "9999-12-31T23:59:59Z"
NOW = datetime(2026, 3, 4, 12, 0, tzinfo=timezone.utc)


@pytest.fixture(params=["Asia/Tokyo", "America/Los_Angeles"])
def local_zone(request, monkeypatch):
    """East of UTC, year 9999 overflows in local time; west of it, year 1 does."""
    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    yield request.param
    monkeypatch.undo()
    time.tzset()


def message(mid: str, at: str, text: str = "hi") -> Message:
    return Message.model_validate({"id": mid, "message": text, "created": {"at": at}, "conversation": {"id": "c"}})


def conversation(cid: str, at: str) -> Conversation:
    return Conversation.model_validate(
        {
            "id": cid,
            "contact": {"id": f"k-{cid}", "firstName": "Ana", "mobile": {"number": "+15551230001"}},
            "lastMessage": {"id": f"m-{cid}", "message": "hi", "created": {"at": at}},
            "updated": {"at": at},
        }
    )


# --- the API boundary ------------------------------------------------------------------------


def test_the_models_clamp_times_to_the_years_1000_to_9998_with_a_log_line(caplog):
    caplog.set_level(logging.INFO, logger="sakari_tui.api.models")
    assert message("a", ZERO).created_at == EARLIEST == datetime(1000, 1, 1, tzinfo=timezone.utc)
    assert message("b", END).created_at == LATEST == datetime(9998, 12, 31, 23, 59, 59, tzinfo=timezone.utc)
    assert message("c", "0001-01-01T00:00:00").created_at == EARLIEST  # naive, as UTC
    assert message("d", "2026-03-04T12:00:00+02:00").created_at == datetime(2026, 3, 4, 10, tzinfo=timezone.utc)
    assert message("e", "2026-03-04T12:00:00").created_at.tzinfo is timezone.utc  # no zone: UTC, as the store takes it
    clamped = [record for record in caplog.records if "outside" in record.getMessage()]
    assert len(clamped) == 3
    assert "0001-01-01" in clamped[0].getMessage() and "1000-01-01" in clamped[0].getMessage()


def test_every_time_field_of_every_model_is_clamped():
    contact = Contact.model_validate(
        {
            "id": "k",
            "blocked": ZERO,
            "optIn": END,
            "created": {"at": ZERO},
            "mobile": {"number": "+1", "verified": ZERO},
        }
    )
    # Clamped, not dropped: a contact Sakari marks as blocked (whatever the time) stays opted out.
    assert contact.opted_out and contact.blocked == EARLIEST and contact.opt_in == LATEST
    assert contact.created.at == EARLIEST and contact.mobile.verified == EARLIEST
    closed = Conversation.model_validate({"id": "c", "closed": ZERO})
    assert closed.closed and closed.closed_at == EARLIEST
    assert Message.model_validate({"id": "m", "sendAt": END}).send_at == LATEST


def test_no_wire_model_has_a_time_field_without_the_clamp():
    from typing import Annotated, get_args, get_origin

    from sakari_tui.api import models

    def bare(annotation) -> bool:
        if annotation is datetime:
            return True
        if get_origin(annotation) is Annotated:
            return False
        return any(bare(arg) for arg in get_args(annotation))

    wire = [m for m in vars(models).values() if isinstance(m, type) and issubclass(m, models.ApiModel)]
    assert len(wire) > 20
    unclamped = [
        f"{m.__name__}.{name}" for m in wire for name, field in m.model_fields.items() if bare(field.annotation)
    ]
    assert unclamped == []


# --- the store -------------------------------------------------------------------------------


def test_the_store_writes_four_digit_years():
    assert iso(datetime(999, 1, 2, tzinfo=timezone.utc)) == "0999-01-02T00:00:00.000000Z"
    assert iso(datetime(1, 1, 1, tzinfo=timezone.utc)) == "0001-01-01T00:00:00.000000Z"
    assert iso(EARLIEST) == "1000-01-01T00:00:00.000000Z"
    assert parse_iso(iso(datetime(1, 1, 1, tzinfo=timezone.utc))) == datetime(1, 1, 1, tzinfo=timezone.utc)


def test_the_store_reads_the_short_years_older_versions_wrote():
    assert parse_iso("1-01-01T00:00:00.000000Z") == datetime(1, 1, 1, tzinfo=timezone.utc)
    assert parse_iso("999-12-31T23:59:59.000000Z") == datetime(999, 12, 31, 23, 59, 59, tzinfo=timezone.utc)
    assert parse_iso("0000") is None and parse_iso("garbage") is None and parse_iso("") is None


def plant_old_rows(path) -> None:
    """What the old code left in a store after syncing a year-0001 and a year-9999 conversation."""
    store = Store(path)
    store.inbox.merge_conversations(
        [conversation("zero", "2026-03-04T12:00:00Z"), conversation("end", "2026-03-04T12:00:00Z")]
    )
    store.inbox.merge_messages("zero", [message("m-zero", "2026-03-04T12:00:00Z", "from the zero time")])
    store.inbox.merge_messages("end", [message("m-end", "2026-03-04T12:00:00Z", "from the end of time")])
    store.close()
    raw = sqlite3.connect(path)
    register_functions(raw)  # the store's triggers read its packed JSON (as plain text, here too)
    for cid, short, wire in (("zero", "1-01-01T00:00:00.000000Z", ZERO), ("end", "9999-12-31T23:59:59.000000Z", END)):
        raw.execute(
            f"UPDATE conversations SET last_at = ?, raw = replace({conversation_json_sql()}, '2026-03-04T12:00:00Z', ?)"
            " WHERE id = ?",
            (short, wire, cid),
        )
        raw.execute(
            "UPDATE messages SET created_at = ?, raw = replace(sakari_json(raw), '2026-03-04T12:00:00Z', ?)"
            " WHERE conversation_id = ?",
            (short, wire, cid),
        )
    raw.execute("INSERT INTO read_marks (conversation_id, read_through) VALUES ('zero', '1-01-01T00:00:00.000000Z')")
    raw.commit()
    raw.close()


def test_a_store_holding_year_0001_and_9999_opens_lists_and_renders(tmp_path, local_zone):
    path = tmp_path / "inbox.sqlite3"
    plant_old_rows(path)
    store = Store(path)
    rows = store.inbox.rows()
    assert [row.id for row in rows] == ["end", "zero"]
    assert rows[1].last_at == datetime(1, 1, 1, tzinfo=timezone.utc)
    assert [relative_time(row.last_at, NOW) for row in rows] == ["now", "Jan 1"]
    for cid in ("zero", "end"):
        thread = store.inbox.thread(cid)
        assert len(thread) == 1
        bubble = bubble_for_message(thread[0])
        assert bubble.meta  # a clock time, whatever the zone
        assert day_label(local_day(bubble.at), NOW.date())
    assert store.inbox.conversation("zero").last_message.created_at == EARLIEST
    # A new sync writes the clamped times with four-digit years.
    store.inbox.merge_conversations([conversation("zero", ZERO)])
    assert (
        store.db.execute("SELECT last_at FROM conversations WHERE id = 'zero'").fetchone()[0]
        == "1000-01-01T00:00:00.000000Z"
    )
    store.close()


# --- rendering -------------------------------------------------------------------------------

EXTREMES = [
    datetime.min.replace(tzinfo=timezone.utc),
    datetime.max.replace(tzinfo=timezone.utc),
    datetime.min,  # naive: taken as local time
    datetime.max,
    datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14))),
    datetime(9999, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=-12))),
    EARLIEST,
    LATEST,
]


@pytest.mark.parametrize("when", EXTREMES, ids=str)
def test_rendering_any_time_never_raises(when, local_zone):
    assert isinstance(relative_time(when, NOW), str)
    assert isinstance(relative_time(NOW, when), str)
    assert len(clock_label(when)) == 5
    day = local_day(when)
    assert isinstance(day_label(day, NOW.date()), str)
    for today in (date.min, date.max):
        assert isinstance(day_label(day, today), str)
    bubble = bubble_for_message(
        Message.model_construct(id="m", message="hi", outgoing=True, created=None, media=[], status="delivered")
    )
    assert bubble.meta


def test_local_day_and_clock_label_follow_the_local_zone(local_zone):
    when = datetime(2026, 3, 4, 20, 30, tzinfo=timezone.utc)
    if local_zone == "Asia/Tokyo":
        assert (local_day(when), clock_label(when)) == (date(2026, 3, 5), "05:30")
    else:
        assert (local_day(when), clock_label(when)) == (date(2026, 3, 4), "12:30")


def test_contact_attribute_times_render_in_any_zone(local_zone):
    # Attributes (e.g. optedOutAt) are the user's data, not API times: they are not clamped.
    from sakari_tui.ui.widgets.contact_panel import format_moment

    assert format_moment(datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone.utc)).startswith(("31 Dec 9999", "1 Jan"))
    assert "0001" in format_moment(datetime(1, 1, 1, tzinfo=timezone.utc)) or "Dec" in format_moment(
        datetime(1, 1, 1, tzinfo=timezone.utc)
    )


@pytest.mark.parametrize(
    ("sent", "taken"),
    [
        ("1000-01-01T00:30:00+01:00", EARLIEST),  # year 1000 by its own clock, 999 in UTC
        ("1000-01-01T00:00:00Z", EARLIEST),
        ("1000-06-01T00:00:00-05:00", datetime(1000, 6, 1, tzinfo=timezone(timedelta(hours=-5)))),
        ("1001-01-01T00:00:00+14:00", datetime(1001, 1, 1, tzinfo=timezone(timedelta(hours=14)))),
        ("9997-12-31T23:00:00-12:00", datetime(9997, 12, 31, 23, tzinfo=timezone(timedelta(hours=-12)))),
        ("9998-12-31T23:30:00-01:00", LATEST),  # 9998 by its own clock, 9999 in UTC
        ("9998-12-31T23:59:59Z", LATEST),
        ("2026-03-04T12:00:00", NOW),  # no zone: UTC
    ],
)
def test_the_quick_path_for_ordinary_years_clamps_exactly_as_before(sent, taken):
    """Years strictly inside 1000-9998 pass at once (base._within_years); at the edges the
    offset decides, as the comparison always did."""
    moment = message("m1", sent).created.at
    assert moment == taken and moment.tzinfo is not None
