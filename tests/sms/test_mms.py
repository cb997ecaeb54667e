"""The cost and the warnings of a reply with an attachment."""

from __future__ import annotations

from sakari_tui.config import ComposeSection
from sakari_tui.sms.mms import kilobytes, mms_cost, mms_warnings


def test_an_mms_costs_one_flat_price_in_the_settings_currency():
    assert mms_cost(ComposeSection(mms_price=0.02)) == "≈ $0.02"
    assert mms_cost(ComposeSection(mms_price=0.035, currency="EUR")) == "≈ €0.035"


def test_a_small_file_to_a_us_number_needs_no_warning():
    assert mms_warnings("map.png", 120_000, "+14155550123", ComposeSection()) == []


def test_a_file_over_the_warning_size_is_named_with_its_size_and_the_setting():
    [warning] = mms_warnings("scan.png", 812_000, "+14155550123", ComposeSection(mms_warn_kb=500))
    assert warning == ("scan.png is 812 KB, above compose.mms_warn_kb (500 KB): carriers may refuse or shrink it.")


def test_zero_never_warns_about_size():
    assert mms_warnings("scan.png", 9_000_000, "+16135550123", ComposeSection(mms_warn_kb=0)) == []


def test_a_recipient_outside_the_us_and_canada_is_warned_about_the_link():
    [warning] = mms_warnings("map.png", 1000, "+447700900123", ComposeSection(), shown_number="+44 7700 900123")
    assert "only in the US and Canada: +44 7700 900123 will likely get a text with a link" in warning


def test_canada_gets_the_picture():
    assert mms_warnings("map.png", 1000, "+16135550123", ComposeSection()) == []


def test_kilobytes_reads_like_a_carrier_limit():
    assert kilobytes(499) == "1 KB"
    assert kilobytes(812_400) == "812 KB"
    assert kilobytes(12_300_000) == "12.3 MB"


def _check(text, attachment, number="+14155550123", **compose):
    from datetime import datetime, timezone

    from sakari_tui.sms.guard import check_reply

    return check_reply(
        text,
        number=number,
        opted_out=False,
        compose=ComposeSection(quiet_hours=False, **compose),
        now_utc=datetime(2026, 12, 1, 18, tzinfo=timezone.utc),
        pressed_at=0.0,
        attachment=attachment,
    )


def test_a_picture_alone_may_be_sent_but_nothing_at_all_may_not():
    assert _check("", ("map.png", 1000)).may_send
    assert _check("  ", None).refused == "Nothing to send: the message is empty."


def test_a_long_text_with_a_picture_is_not_asked_about_segments_but_a_big_file_is():
    text = "x" * 600  # 4 segments as SMS: asked above 3, but an MMS costs one price
    assert _check(text, None, confirm_over_segments=3).confirm
    assert _check(text, ("map.png", 1000), confirm_over_segments=3).may_send
    [question] = _check("hi", ("scan.png", 900_000)).confirm
    assert "above compose.mms_warn_kb" in question


def test_an_attachment_to_the_uk_is_asked_about():
    [question] = _check("hi", ("map.png", 1000), number="+447700900123").confirm
    assert "only in the US and Canada" in question
