"""What the app asks before a reply goes out: long (costly) replies and the recipient's night."""

from datetime import datetime, timezone

from sakari_tui.config import ComposeSection
from sakari_tui.sms.guard import cost_estimate, send_warnings
from sakari_tui.sms.segments import segment_info

NEW_YORK = "+12125550123"
NOON_IN_NEW_YORK = datetime(2026, 6, 1, 16, 0, tzinfo=timezone.utc)
MIDNIGHT_IN_NEW_YORK = datetime(2026, 6, 1, 4, 0, tzinfo=timezone.utc)


def test_short_reply_at_a_good_hour_goes_without_a_question():
    assert send_warnings("See you at 3pm!", NEW_YORK, ComposeSection(), NOON_IN_NEW_YORK) == []


def test_reply_over_the_segment_threshold_names_segments_and_cost():
    compose = ComposeSection(confirm_over_segments=2, segment_prices={"US": 0.01, "default": 0.05})
    text = "x" * 400  # 3 GSM-7 segments
    [warning] = send_warnings(text, NEW_YORK, compose, NOON_IN_NEW_YORK)
    assert "3 segments" in warning and "$0.03" in warning and "above 2" in warning


def test_ucs2_is_named_and_the_default_price_applies_to_unknown_countries():
    compose = ComposeSection(confirm_over_segments=1, segment_prices={"default": 0.02}, currency="EUR")
    [warning] = send_warnings("“quoted” " * 10, "+34645690770", compose, NOON_IN_NEW_YORK.replace(hour=10))
    assert "(UCS-2)" in warning and "€0.04" in warning


def test_zero_threshold_never_asks_about_length():
    assert send_warnings("x" * 1500, NEW_YORK, ComposeSection(confirm_over_segments=0), NOON_IN_NEW_YORK) == []


def test_quiet_hours_warn_with_local_time_and_can_be_turned_off():
    [warning] = send_warnings("Hi", NEW_YORK, ComposeSection(), MIDNIGHT_IN_NEW_YORK)
    assert "00:00" in warning and "America/New_York" in warning and "08:00–21:00" in warning
    assert send_warnings("Hi", NEW_YORK, ComposeSection(quiet_hours=False), MIDNIGHT_IN_NEW_YORK) == []
    wide_open = ComposeSection(send_window_start="00:00", send_window_end="00:00")
    assert send_warnings("Hi", NEW_YORK, wide_open, MIDNIGHT_IN_NEW_YORK) == []


def test_both_concerns_come_together_and_unknown_numbers_skip_quiet_hours():
    compose = ComposeSection(confirm_over_segments=1)
    assert len(send_warnings("x" * 200, NEW_YORK, compose, MIDNIGHT_IN_NEW_YORK)) == 2
    assert len(send_warnings("x" * 200, None, compose, MIDNIGHT_IN_NEW_YORK)) == 1
    assert len(send_warnings("x" * 200, "+1555", compose, MIDNIGHT_IN_NEW_YORK)) == 1


def test_cost_estimate_for_the_counter():
    compose = ComposeSection(segment_prices={"US": 0.0079})
    assert cost_estimate(segment_info(""), NEW_YORK, compose) == ""
    assert cost_estimate(segment_info("x" * 200), NEW_YORK, compose) == "≈ $0.0158"
