"""The next minute inside the sending window in every zone of a number (send at "08:00 their time")."""

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from sakari_tui.sms.quiet_hours import next_send_time, next_send_time_for


def utc(*parts):
    return datetime(*parts, tzinfo=timezone.utc)


def test_at_night_it_is_their_next_morning():
    found = next_send_time_for("+13125550160", utc(2026, 12, 1, 4, 0))  # 22:00 Monday in Chicago
    assert found.at == utc(2026, 12, 1, 14, 0)
    assert found.their_clock() == "08:00 CST"
    assert found.described(datetime.now(ZoneInfo("Europe/Helsinki"))) == "Tue 08:00 CST = 16:00 here"


def test_inside_the_window_it_is_the_next_whole_minute():
    assert next_send_time(("America/Chicago",), utc(2026, 12, 1, 17, 0, 30)).at == utc(2026, 12, 1, 17, 1)


def test_after_midnight_it_is_the_same_morning_and_the_day_is_theirs():
    found = next_send_time(("America/New_York",), utc(2026, 12, 2, 5, 30))  # 00:30 Wednesday there
    assert found.at == utc(2026, 12, 2, 13, 0)
    assert found.described(datetime.now(ZoneInfo("Asia/Tokyo"))) == "Wed 08:00 EST = 22:00 here"


def test_dst_changes_move_the_utc_time_not_their_clock():
    # Spring forward (8 March 2026 in the US): 08:00 EDT is 12:00 UTC, the day before it was 13:00.
    assert next_send_time(("America/New_York",), utc(2026, 3, 8, 3, 0)).at == utc(2026, 3, 8, 12, 0)
    assert next_send_time(("America/New_York",), utc(2026, 3, 7, 3, 0)).at == utc(2026, 3, 7, 13, 0)
    # A window opening inside the skipped hour opens at the change itself (03:00 EDT).
    assert next_send_time(("America/New_York",), utc(2026, 3, 8, 6, 30), "02:30", "21:00").at == utc(2026, 3, 8, 7, 0)
    # Fall back (1 November 2026): 08:00 EST is 13:00 UTC.
    assert next_send_time(("America/New_York",), utc(2026, 11, 1, 3, 0)).at == utc(2026, 11, 1, 13, 0)


def test_a_number_spanning_zones_waits_for_the_last_of_them_to_open():
    zones = ("America/New_York", "America/Los_Angeles")
    found = next_send_time(zones, utc(2026, 12, 1, 10, 0))  # 05:00 in New York, 02:00 in Los Angeles
    assert found.at == utc(2026, 12, 1, 16, 0)  # 08:00 in Los Angeles, 11:00 in New York
    assert found.their_clock() == "08:00 PST / 11:00 EST"


def test_a_late_evening_in_the_east_closes_the_common_window():
    zones = ("America/New_York", "America/Los_Angeles")
    # 20:59 in New York closes at 21:00: the common window reopens at 08:00 Pacific next day.
    assert next_send_time(zones, utc(2026, 12, 2, 2, 30)).at == utc(2026, 12, 2, 16, 0)


def test_zones_that_never_share_a_minute_of_the_window_have_none():
    assert next_send_time(("Europe/Kaliningrad", "Asia/Kamchatka"), utc(2026, 12, 1, 4, 0), "09:00", "17:00") is None
    assert next_send_time((), utc(2026, 12, 1, 4, 0)) is None
    assert next_send_time_for("+1555", utc(2026, 12, 1, 4, 0)) is None


def test_a_us_toll_free_number_names_its_first_and_last_clock():
    found = next_send_time_for("+18005550123", utc(2026, 12, 1, 4, 0))
    assert found is not None and " … " in found.their_clock()
