"""Segment arithmetic: encodings, boundaries and the characters that may not be split."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sakari_tui.sms import (
    GSM7,
    MAX_SEGMENTS,
    UCS2,
    is_gsm7,
    segment_info,
    segment_price,
)

EMOJI = "😀"


def test_empty_text_has_no_segments_but_a_full_first_segment_of_room():
    info = segment_info("")
    assert (info.encoding, info.segments, info.units, info.capacity) == (GSM7, 0, 0, 160)
    assert info.forcing_chars == ()
    assert info.remaining == 160


@pytest.mark.parametrize(
    ("length", "segments", "capacity"),
    [(1, 1, 160), (160, 1, 160), (161, 2, 306), (306, 2, 306), (307, 3, 459), (1530, 10, 1530)],
)
def test_gsm7_boundaries(length, segments, capacity):
    info = segment_info("a" * length)
    assert (info.encoding, info.segments, info.units, info.capacity) == (GSM7, segments, length, capacity)


def test_more_than_max_segments_is_too_long():
    assert not segment_info("a" * 1530).too_long
    info = segment_info("a" * 1531)
    assert info.segments == MAX_SEGMENTS + 1
    assert info.too_long


def test_extension_characters_cost_two_septets():
    info = segment_info("€{}[]~^|\\\f" + "abc")
    assert info.encoding == GSM7
    # 10 extension characters (2 each) + 3 basic characters.
    assert info.units == 10 * 2 + 3
    assert segment_info("€" * 80).segments == 1
    assert segment_info("€" * 81).units == 162


def test_extension_pair_is_not_split_across_a_segment_boundary():
    # 306 septets would fit two segments by division, but the euro would straddle the first
    # boundary (152 + 2 > 153), so it moves to segment two and pushes one septet into a third.
    text = "a" * 152 + "€" + "a" * 152
    info = segment_info(text)
    assert info.units == 306
    assert info.segments == 3
    assert info.capacity == 459


def test_emoji_costs_two_units_and_forces_ucs2():
    info = segment_info(f"ok {EMOJI}")
    assert info.encoding == UCS2
    assert info.units == 5
    assert info.forcing_chars == (EMOJI,)
    assert segment_info(EMOJI * 35).segments == 1
    two = segment_info(EMOJI * 36)
    assert (two.units, two.segments, two.capacity) == (72, 2, 134)


def test_surrogate_pair_is_not_split_at_a_ucs2_boundary():
    text = "ê" * 66 + EMOJI + "ê" * 66
    info = segment_info(text)
    assert info.units == 134  # exactly two multi-part segments by division
    assert info.segments == 3


@pytest.mark.parametrize(("length", "segments"), [(70, 1), (71, 2), (134, 2), (135, 3)])
def test_ucs2_boundaries(length, segments):
    assert segment_info("ж" * length).segments == segments


def test_e_acute_is_gsm_but_e_circumflex_is_not():
    assert segment_info("café").encoding == GSM7
    info = segment_info("crêpe et café")
    assert info.encoding == UCS2
    assert info.forcing_chars == ("ê",)


def test_crlf_counts_two_septets():
    info = segment_info("a\r\nb")
    assert (info.encoding, info.units) == (GSM7, 4)


def test_combining_mark_forces_ucs2_and_counts_as_its_own_unit():
    info = segment_info("cafe\u0301")
    assert info.encoding == UCS2
    assert info.forcing_chars == ("\u0301",)
    assert info.units == 5


def test_forcing_chars_are_distinct_in_order_of_appearance():
    assert segment_info("Привет, мир").forcing_chars == tuple("Приветм")


def test_greek_capitals_in_the_gsm_alphabet_but_lowercase_greek_is_not():
    assert segment_info("ΔΦΓΛΩΠΨΣΘΞ").encoding == GSM7
    assert segment_info("Ευχαριστώ").encoding == UCS2


def test_dollar_and_currency_sign_are_both_basic():
    assert is_gsm7("$5 ¤ £3 ¥9")
    assert not is_gsm7("₹")


def test_segment_price_is_exact_in_decimal():
    assert segment_price(3, 0.0079) == 0.0237
    assert segment_price(0, 0.0079) == 0.0


_interesting_chars = st.sampled_from(
    list("abcXYZ019 .,!?@£$\n\r") + list("€{}[]~^|\\\f") + ["é", "ê", "ж", "日", EMOJI, "\u0301", "ß"]
)
_texts = st.one_of(st.text(_interesting_chars, max_size=400), st.text(max_size=200))


@given(_texts)
def test_property_segments_grow_monotonically_with_prefix_length(text):
    counts = [segment_info(text[:i]).segments for i in range(0, len(text) + 1, max(1, len(text) // 40))]
    assert counts == sorted(counts)


@given(_texts)
def test_property_capacity_covers_units(text):
    info = segment_info(text)
    assert info.capacity >= info.units
    assert (info.segments == 0) == (text == "")


@given(st.text(st.sampled_from(list("abc 019.,@£$\n") + list("€{}[]~")), max_size=400))
def test_property_gsm_text_never_reports_forcing_chars(text):
    info = segment_info(text)
    assert info.encoding == GSM7
    assert info.forcing_chars == ()
