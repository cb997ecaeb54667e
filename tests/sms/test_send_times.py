"""Typed send times in the operator's zone: durations, clocks, days, DST."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sakari_tui.sms.send_times import parse_send_time

HELSINKI = ZoneInfo("Europe/Helsinki")
# Tuesday 1 December 2026, 15:10 in Helsinki.
NOW = datetime(2026, 12, 1, 15, 10, tzinfo=HELSINKI)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2h", NOW + timedelta(hours=2)),
        ("in 45m", NOW + timedelta(minutes=45)),
        ("1h30m", NOW + timedelta(hours=1, minutes=30)),
        ("16:30", datetime(2026, 12, 1, 16, 30, tzinfo=HELSINKI)),
        ("14:30", datetime(2026, 12, 2, 14, 30, tzinfo=HELSINKI)),  # past today: tomorrow
        ("9am", datetime(2026, 12, 2, 9, 0, tzinfo=HELSINKI)),
        ("tomorrow 9am", datetime(2026, 12, 2, 9, 0, tzinfo=HELSINKI)),
        ("Tomorrow  9 AM", datetime(2026, 12, 2, 9, 0, tzinfo=HELSINKI)),
        ("fri 14:00", datetime(2026, 12, 4, 14, 0, tzinfo=HELSINKI)),
        ("friday", datetime(2026, 12, 4, 9, 0, tzinfo=HELSINKI)),
        ("tue 16:00", datetime(2026, 12, 1, 16, 0, tzinfo=HELSINKI)),  # today, still ahead
        ("tue 9:00", datetime(2026, 12, 8, 9, 0, tzinfo=HELSINKI)),  # today, past: next week
        ("today 11pm", datetime(2026, 12, 1, 23, 0, tzinfo=HELSINKI)),
    ],
)
def test_typed_times(typed, expected):
    assert parse_send_time(typed, NOW, HELSINKI) == expected


@pytest.mark.parametrize("typed", ["", "soon", "25:00", "13pm", "14", "today 9am", "0h"])
def test_what_is_not_a_time_is_one_sentence(typed):
    with pytest.raises(ValueError) as error:
        parse_send_time(typed, NOW, HELSINKI)
    assert str(error.value).endswith(".")


def test_tomorrow_9am_is_9am_on_tomorrows_clock_across_a_dst_change():
    now = datetime(2026, 3, 28, 20, 0, tzinfo=HELSINKI)  # the clocks go forward overnight
    when = parse_send_time("tomorrow 9am", now, HELSINKI)
    assert (when.hour, when.utcoffset()) == (9, timedelta(hours=3))
    assert when.timestamp() - now.timestamp() == 12 * 3600  # 13 hours of clock, 12 of time


def test_around_midnight_a_clock_time_is_the_next_one():
    now = datetime(2026, 12, 1, 23, 59, tzinfo=HELSINKI)
    assert parse_send_time("00:05", now, HELSINKI) == datetime(2026, 12, 2, 0, 5, tzinfo=HELSINKI)
    assert parse_send_time("tomorrow 00:05", now, HELSINKI) == datetime(2026, 12, 2, 0, 5, tzinfo=HELSINKI)
