"""Typed snooze times, in the operator's zone: durations, days, times of day, DST and midnight."""

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from sakari_tui.sms.snooze_times import SnoozeTimeError, describe_until, parse_snooze_time, presets

NY = ZoneInfo("America/New_York")


def at(text, now, zone=NY):
    return parse_snooze_time(text, now, zone)


def local(*args):
    return datetime(*args, tzinfo=NY)


def test_durations_are_real_time():
    now = local(2026, 12, 4, 10, 0)  # a Friday
    assert at("2h", now) == local(2026, 12, 4, 12, 0)
    assert at("45m", now) == local(2026, 12, 4, 10, 45)
    assert at("1h30m", now) == local(2026, 12, 4, 11, 30)


def test_days_and_times_of_day():
    now = local(2026, 12, 4, 10, 0)  # Friday
    assert at("tomorrow 9am", now) == local(2026, 12, 5, 9, 0)
    assert at("fri 14:00", now) == local(2026, 12, 4, 14, 0)
    assert at("fri 9:00", now) == local(2026, 12, 11, 9, 0)  # passed today: next Friday
    assert at("mon", now) == local(2026, 12, 7, 9, 0)
    assert at("14:30", now) == local(2026, 12, 4, 14, 30)
    assert at("9:30pm", now) == local(2026, 12, 4, 21, 30)


def test_a_time_of_day_past_rolls_to_tomorrow_across_midnight():
    now = local(2026, 12, 4, 23, 50)
    assert at("14:30", now) == local(2026, 12, 5, 14, 30)
    assert at("00:10", now) == local(2026, 12, 5, 0, 10)
    assert at("30m", now) == local(2026, 12, 5, 0, 20)


def test_dst_changes():
    # 2026-03-08: New York springs forward at 02:00; 2026-11-01 it falls back at 02:00.
    before_spring = local(2026, 3, 7, 22, 0)
    assert at("tomorrow 9am", before_spring).utcoffset().total_seconds() == -4 * 3600
    assert at("tomorrow 9am", before_spring).hour == 9
    assert at("4h", before_spring) == datetime(2026, 3, 8, 7, 0, tzinfo=timezone.utc)  # 03:00 EDT, real hours
    assert at("02:30", before_spring).hour == 3  # a wall time that does not exist moves on with the clocks
    before_fall = local(2026, 10, 31, 23, 0)
    assert at("tomorrow 9am", before_fall) == datetime(2026, 11, 1, 14, 0, tzinfo=timezone.utc)
    # 01:00 EST, the second 01:00 of the night (compared in UTC: PEP 495 makes it unequal otherwise)
    assert at("3h", before_fall).astimezone(timezone.utc) == datetime(2026, 11, 1, 6, 0, tzinfo=timezone.utc)


def test_presets_and_how_a_time_is_shown():
    now = local(2026, 12, 4, 10, 0)
    labels = dict(presets(now, NY))
    assert labels["Tomorrow 09:00"] == local(2026, 12, 5, 9, 0)
    assert labels["Next Monday 09:00"] == local(2026, 12, 7, 9, 0)
    assert describe_until(local(2026, 12, 5, 14, 0), NY) == "Sat 5 Dec 14:00"


@pytest.mark.parametrize("junk", ["", "soon", "14", "25:00", "13pm", "fri 99:00", "2 parsecs"])
def test_junk_gets_one_sentence(junk):
    with pytest.raises(SnoozeTimeError) as caught:
        at(junk, local(2026, 12, 4, 10, 0))
    message = str(caught.value)
    assert message.endswith(".") and "\n" not in message and message.count(". ") == 0


def test_a_time_already_past_today_is_refused():
    with pytest.raises(SnoozeTimeError, match="past"):
        at("today 9:00", local(2026, 12, 4, 10, 0))
