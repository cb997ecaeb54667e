"""Quiet hours: the recipient's local time against the sending window, at fixed UTC instants."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

import pytest

from sakari_tui.sms.quiet_hours import QuietHours, check, check_zones, in_window, recipient_time_zones

UTC = timezone.utc
LONDON = "+442079460000"  # landline: Europe/London only
UK_MOBILE = "+447400123456"  # mobile: London and the Crown dependencies
NEW_YORK = "+12125550123"
TOLL_FREE = "+18005550100"
LORD_HOWE = "+61265632000"


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_time_zones_of_numbers():
    assert recipient_time_zones(LONDON) == ("Europe/London",)
    assert recipient_time_zones(NEW_YORK) == ("America/New_York",)
    assert "Europe/London" in recipient_time_zones(UK_MOBILE)
    assert {"America/New_York", "America/Los_Angeles", "Pacific/Honolulu"} <= set(recipient_time_zones(TOLL_FREE))


@pytest.mark.parametrize("number", ["", "garbage", "+1555", "+15550100", "+447700900123", "2125550123", "+999123456"])
def test_invalid_or_unknown_numbers_have_no_zones_and_no_warning(number):
    assert recipient_time_zones(number) == ()
    assert check(number, at(2024, 1, 15, 3, 0)) is None


def test_london_in_winter_is_gmt():
    result = check(LONDON, at(2024, 1, 15, 23, 14))
    assert isinstance(result, QuietHours)
    assert result.zone == "Europe/London"
    assert (result.local_time.hour, result.local_time.minute) == (23, 14)
    assert result.message == "It is 23:14 for +44 20 7946 0000 (Europe/London), outside 08:00–21:00."
    assert check(LONDON, at(2024, 1, 15, 20, 59)) is None


def test_london_in_summer_is_bst():
    # 20:30 UTC is 21:30 BST: outside, though it would be fine in GMT.
    result = check(LONDON, at(2024, 7, 1, 20, 30))
    assert result is not None and result.message.startswith("It is 21:30 ")
    assert check(LONDON, at(2024, 7, 1, 7, 0)) is None  # 08:00 BST


def test_london_across_the_spring_change():
    # Clocks went forward at 01:00 UTC on 31 March 2024.
    assert check(LONDON, at(2024, 3, 31, 7, 30)) is None  # 08:30 BST
    assert check(LONDON, at(2024, 3, 30, 7, 30)) is not None  # 07:30 GMT, the day before
    assert check(LONDON, at(2024, 3, 31, 20, 0)).local_time.hour == 21


def test_uk_mobile_names_the_home_zone_not_a_crown_dependency():
    result = check(UK_MOBILE, at(2024, 1, 15, 23, 14))
    assert result is not None
    assert len(result.zones) > 1
    assert result.message == "It is 23:14 for +44 7400 123456 (Europe/London), outside 08:00–21:00."


@pytest.mark.parametrize(
    ("utc_hour", "utc_minute", "outside"),
    [(1, 59, False), (2, 0, True), (12, 59, True), (13, 0, False)],  # 20:59, 21:00, 07:59, 08:00 EST
)
def test_new_york_window_edges_end_is_exclusive(utc_hour, utc_minute, outside):
    day = 16 if utc_hour < 12 else 15
    result = check(NEW_YORK, at(2024, 1, day, utc_hour, utc_minute))
    assert (result is not None) == outside


def test_new_york_message_and_local_time():
    result = check(NEW_YORK, at(2024, 1, 16, 2, 0))
    assert result.message == "It is 21:00 for +1 212-555-0123 (America/New_York), outside 08:00–21:00."
    assert result.local_time.utcoffset() == timedelta(hours=-5)


def test_custom_window():
    # 10:00 EST with a 10:30-18:00 window.
    assert check(NEW_YORK, at(2024, 1, 15, 15, 0), start="10:30", end="18:00") is not None
    assert check(NEW_YORK, at(2024, 1, 15, 15, 0), start="9:30", end="18:00") is None


@pytest.mark.parametrize(
    ("local_hour", "local_minute", "allowed"),
    [(21, 59, False), (22, 0, True), (23, 30, True), (0, 0, True), (5, 59, True), (6, 0, False), (12, 0, False)],
)
def test_window_across_midnight(local_hour, local_minute, allowed):
    # New York is UTC-5 in January.
    now = at(2024, 1, 15, 0, 0) + timedelta(hours=local_hour + 5, minutes=local_minute)
    result = check(NEW_YORK, now, start="22:00", end="06:00")
    assert (result is None) == allowed
    if result is not None:
        assert "outside 22:00–06:00" in result.message


@pytest.mark.parametrize("hour", [0, 3, 8, 21, 23])
def test_start_equal_to_end_is_always_allowed(hour):
    assert check(NEW_YORK, at(2024, 1, 15, hour, 0), start="09:00", end="09:00") is None


def test_in_window_directly():
    assert in_window(time(8, 0), time(8, 0), time(21, 0))
    assert not in_window(time(21, 0), time(8, 0), time(21, 0))
    assert in_window(time(23, 0), time(22, 0), time(6, 0))
    assert not in_window(time(6, 0), time(22, 0), time(6, 0))
    assert in_window(time(3, 0), time(0, 0), time(0, 0))


def test_several_zones_warn_if_any_is_outside_and_give_the_range():
    # 02:00 UTC: 21:00 in New York (outside), 16:00 in Honolulu, 12:00 next day in Guam.
    result = check(TOLL_FREE, at(2024, 1, 16, 2, 0))
    assert result is not None
    assert result.message.startswith("It is between ")
    assert "for +1 800-555-0100 in its time zones, outside 08:00–21:00." in result.message
    assert result.zone in result.zones
    assert not in_window(result.local_time.time(), time(8, 0), time(21, 0))


def test_several_zones_range_is_earliest_to_latest_clock():
    zones = ("America/New_York", "America/Los_Angeles", "Pacific/Honolulu")
    # 06:10 UTC in January: 01:10 New York, 22:10 Los Angeles, 20:10 Honolulu.
    result = check_zones(zones, at(2024, 1, 15, 6, 10), who="+1 800-555-0100")
    assert result.message == "It is between 20:10 and 01:10 for +1 800-555-0100 in its time zones, outside 08:00–21:00."
    # The zone named is the westernmost one that is outside: Los Angeles (Honolulu is fine).
    assert result.zone == "America/Los_Angeles"
    assert result.zones == ("Pacific/Honolulu", "America/Los_Angeles", "America/New_York")


def test_several_zones_all_inside_is_fine():
    assert check(TOLL_FREE, at(2024, 1, 15, 23, 14)) is None  # 18:14 NY … 09:14 Guam


def test_zones_the_database_lacks_are_skipped():
    assert check_zones(("Mars/Olympus_Mons",), at(2024, 1, 15, 3, 0)) is None
    result = check_zones(("Mars/Olympus_Mons", "Europe/London"), at(2024, 1, 15, 3, 0))
    assert result.zones == ("Europe/London",)


def test_naive_now_is_read_as_utc():
    assert check(NEW_YORK, datetime(2024, 1, 16, 2, 0)) is not None
    assert check(NEW_YORK, datetime(2024, 1, 15, 15, 0)) is None


def test_now_in_another_zone_is_converted():
    now = datetime(2024, 1, 15, 21, 0, tzinfo=timezone(timedelta(hours=-5)))  # 21:00 in New York
    assert check(NEW_YORK, now) is not None


def test_lord_howe_half_hour_dst():
    # UTC+10:30 in winter (July), UTC+11 in summer (January).
    winter = check(LORD_HOWE, at(2024, 7, 1, 10, 45))  # 21:15 local
    assert winter is not None and winter.local_time.utcoffset() == timedelta(hours=10, minutes=30)
    assert winter.message.startswith("It is 21:15 ")
    assert check(LORD_HOWE, at(2024, 7, 1, 10, 15)) is None  # 20:45 local
    summer = check(LORD_HOWE, at(2024, 1, 15, 10, 15))  # 21:15 local
    assert summer is not None and summer.local_time.utcoffset() == timedelta(hours=11)


@pytest.mark.parametrize("bad", ["8", "25:00", "08:60", "eight", ""])
def test_bad_window_times_raise(bad):
    with pytest.raises(ValueError):
        check(NEW_YORK, at(2024, 1, 15, 3, 0), start=bad)
