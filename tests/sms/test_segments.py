"""Segment arithmetic: encodings, boundaries and the characters that may not be split."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sakari_tui.sms.segments import (
    DEFAULT_SEGMENT_PRICE,
    GSM7,
    MAX_SEGMENTS,
    UCS2,
    Folded,
    format_cost,
    is_gsm7,
    segment_info,
    segment_price,
    to_gsm7,
    ucs2_culprits,
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


# --- Characters that force UCS-2 -------------------------------------------------------------


def test_gsm_text_has_no_culprits_including_extension_characters_and_crlf():
    assert ucs2_culprits("") == []
    assert ucs2_culprits("Price: 5€ [net] {ok} ~^|\\ é ñ Ü ß\r\nbye\n") == []


def test_curly_quote_span_indexes_the_python_string():
    text = "It’s ok"
    assert ucs2_culprits(text) == [(2, 3, "’")]


def test_each_non_gsm_character_is_its_own_span_in_order():
    assert ucs2_culprits("“hi”") == [(0, 1, "“"), (3, 4, "”")]
    assert ucs2_culprits("日本") == [(0, 1, "日"), (1, 2, "本")]


def test_emoji_span_counts_code_points_not_utf16_units():
    text = f"a{EMOJI}b{EMOJI}"
    assert ucs2_culprits(text) == [(1, 2, EMOJI), (3, 4, EMOJI)]


@pytest.mark.parametrize(
    "cluster",
    [
        "👍🏽",  # skin tone
        "👨\u200d👩\u200d👧",  # ZWJ family
        "🇬🇧",  # regional indicator pair
        "❤\ufe0f",  # variation selector
        "1\ufe0f\u20e3",  # keycap on a GSM digit
        "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",  # England (tags)
    ],
)
def test_emoji_sequences_are_one_span_each(cluster):
    text = f"ok {cluster} ok"
    assert ucs2_culprits(text) == [(3, 3 + len(cluster), cluster)]


def test_two_flags_in_a_row_pair_up_correctly():
    assert [chars for _, _, chars in ucs2_culprits("🇬🇧🇫🇷")] == ["🇬🇧", "🇫🇷"]


def test_combining_mark_spans_its_base_letter():
    # The mark alone is what is not GSM-7, but a highlight on a zero-width mark is invisible.
    assert ucs2_culprits("cafe\u0301!") == [(3, 5, "e\u0301")]
    assert ucs2_culprits("e\u0302\u0323") == [(0, 3, "e\u0302\u0323")]


def test_combining_mark_never_joins_a_line_break():
    assert ucs2_culprits("a\r\n\u0301b") == [(3, 4, "\u0301")]


def test_culprits_match_segment_info_forcing_chars():
    text = "“Привет” 😀 ok"
    culprits = "".join(chars for _, _, chars in ucs2_culprits(text))
    assert set(culprits) == set(segment_info(text).forcing_chars)


# --- Folding to GSM-7 --------------------------------------------------------------------------


def test_curly_quoted_message_folds_to_gsm_and_needs_fewer_segments():
    text = "We’ve got your order — it’ll ship “today”… Reply with questions. " * 2
    before = segment_info(text)
    assert (before.encoding, before.segments) == (UCS2, 2)
    folded = to_gsm7(text)
    assert folded.text == ("We've got your order - it'll ship \"today\"... Reply with questions. " * 2)
    assert folded.replaced == 12
    assert folded.remaining == ()
    after = segment_info(folded.text)
    assert (after.encoding, after.segments) == (GSM7, 1)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("‘a’ ‚b‛ ′ ‹c› ʼ ´ `", "'a' 'b' ' 'c' ' ' '"),
        ("“a” „b‟ ″ «c»", '"a" "b" " "c"'),
        ("a\u2010b\u2011c\u2012d–e—f―g−h • i", "a-b-c-d-e-f-g-h - i"),
        ("wait…", "wait..."),
        ("a\u00a0b\u202fc\u2009d\u200ae\u2002f\u2003g\u2007h\ti", "a b c d e f g h i"),
        ("zero\u200bwidth soft\u00adhyphen\ufeff", "zerowidth softhyphen"),
        ("á í ó ú ê â ô î û ã õ", "a i o u e a o i u a o"),
        ("À È Í Ò Ù Ê", "A E I O U E"),
        ("ça", "Ça"),
        ("Łódź ďábel", "Lodz dabel"),
        ("œuvre Œ", "oeuvre OE"),
        ("cafe\u0301", "café"),  # NFC composes to GSM-7 é
        ("cre\u0302pe", "crepe"),  # NFC to ê, then folded to e
        ("\u01d8", "ü"),  # ǘ keeps the diaeresis GSM-7 has, drops the acute it lacks
        ("x\u0301", "x"),  # no precomposed form: the mark goes
        ("\u212b", "Å"),  # ANGSTROM SIGN is canonically Å
    ],
)
def test_folding_table(source, expected):
    folded = to_gsm7(source)
    assert folded.text == expected
    assert is_gsm7(folded.text)
    assert folded.remaining == ()


def test_replaced_counts_clusters_changed_or_removed():
    assert to_gsm7("a’b\u200bc").replaced == 2
    assert to_gsm7("cafe\u0301").replaced == 1


@pytest.mark.parametrize(
    "text",
    ["é è ñ ü ä ö à ì ò ù É Ä Ö Ñ Ü Å å Æ æ ß Ø ø Ç", "€ [x] {y} ~ ^ | \\ \f", "line\r\nline\n", "", "ΔΦΓΛΩΠΨΣΘΞ"],
)
def test_gsm_text_is_returned_unchanged(text):
    assert to_gsm7(text) == Folded(text, 0, ())


def test_extension_characters_are_untouched_next_to_folded_ones():
    assert to_gsm7("€5 – [net]").text == "€5 - [net]"


def test_emoji_stays_and_is_named_in_remaining():
    folded = to_gsm7(f"Thanks, we’re on it {EMOJI}")
    assert folded.text == f"Thanks, we're on it {EMOJI}"
    assert folded.replaced == 1
    assert folded.remaining == (EMOJI,)
    assert segment_info(folded.text).encoding == UCS2


def test_remaining_is_distinct_in_order_and_keeps_clusters_whole():
    folded = to_gsm7("日本 👍🏽 日 — ok")
    assert folded.text == "日本 👍🏽 日 - ok"
    assert folded.remaining == ("日", "本", "👍🏽")


def test_greek_and_cyrillic_are_not_transliterated():
    assert to_gsm7("Ευχαριστώ").text == "Ευχαριστώ"
    assert to_gsm7("Привет").remaining == tuple("Привет")


def test_keycap_emoji_is_not_stripped_to_its_digit():
    assert to_gsm7("1\ufe0f\u20e3").text == "1\ufe0f\u20e3"


def test_ellipsis_is_not_expanded_when_that_would_cost_a_segment():
    # A full UCS-2 segment (70 units) that stays UCS-2 because of 日; "..." would make it 72.
    text = "…" + "b" * 68 + "日"
    assert (segment_info(text).units, segment_info(text).segments) == (70, 1)
    folded = to_gsm7(text)
    assert folded.text == text
    assert folded.remaining == ("…", "日")
    assert segment_info(folded.text).segments == 1


def test_ellipsis_expansion_that_would_add_a_gsm_segment_is_skipped():
    text = "…" * 70  # one UCS-2 segment; "..." * 70 is 210 septets, two segments
    folded = to_gsm7(text)
    assert folded.text == text
    assert folded.remaining == ("…",)


def test_folding_is_idempotent_on_examples():
    for text in ["“a” — b…", f"{EMOJI} ’", "cre\u0302pe", "…" * 70, "ç Ç"]:
        once = to_gsm7(text).text
        assert to_gsm7(once).text == once


# --- Price ---------------------------------------------------------------------------------------

PRICES = {"US": 0.0079, "GB": 0.0345, "default": 0.05}


def test_price_uses_the_country_then_the_default():
    assert segment_price(3, "US", PRICES) == Decimal("0.0237")
    assert segment_price(2, "gb", PRICES) == Decimal("0.069")
    assert segment_price(1, "FR", PRICES) == Decimal("0.05")
    assert segment_price(1, None, PRICES) == Decimal("0.05")
    assert segment_price(1, "", PRICES) == Decimal("0.05")


def test_price_without_a_default_falls_back_to_the_published_price():
    assert segment_price(2, "FR", {"US": 0.01}) == 2 * DEFAULT_SEGMENT_PRICE


def test_price_is_a_decimal_free_of_float_noise():
    price = segment_price(3, "US", {"US": 0.1, "default": 0.1})
    assert isinstance(price, Decimal)
    assert price == Decimal("0.3")
    assert segment_price(0, "US", PRICES) == 0


def test_price_accepts_decimal_prices():
    assert segment_price(10, "US", {"US": Decimal("0.0079")}) == Decimal("0.079")


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        (Decimal("0.0237"), "USD", "≈ $0.0237"),
        (Decimal("0.0237"), "usd", "≈ $0.0237"),
        (Decimal("0.0237"), "EUR", "≈ €0.0237"),
        (Decimal("1.5"), "GBP", "≈ £1.50"),
        (Decimal("0.079"), "CAD", "≈ CA$0.079"),
        (Decimal("0.3"), "AUD", "≈ A$0.30"),
        (Decimal("0"), "USD", "≈ $0.00"),
        (Decimal("0.023749"), "USD", "≈ $0.0237"),
        (Decimal("0.02375"), "USD", "≈ $0.0238"),
        (0.0237, "SEK", "≈ 0.0237 SEK"),
        (Decimal("12"), "jpy", "≈ 12.00 JPY"),
        (Decimal("0.0237"), "", "≈ 0.0237"),
    ],
)
def test_format_cost(amount, currency, expected):
    assert format_cost(amount, currency) == expected


def test_cost_of_a_message_end_to_end():
    info = segment_info("a" * 161)
    assert format_cost(segment_price(info.segments, "US", PRICES), "USD") == "≈ $0.0158"


# --- Properties of the fold ----------------------------------------------------------------------

_foldable = st.sampled_from(
    list("‘’“”—–…•\u00a0\u200b\u00adçêáÀœŁ") + ["e\u0301", "e\u0302", "x\u0301", "\u0301", "\u200d", "\ufe0f"]
)
_fold_texts = st.one_of(
    st.lists(st.one_of(_interesting_chars, _foldable), max_size=300).map("".join),
    st.text(max_size=200),
    st.text(st.sampled_from(["…", "a", "€", "日", EMOJI, "œ"]), max_size=400),
)


@given(_fold_texts)
def test_property_folding_never_adds_segments_and_is_idempotent(text):
    folded = to_gsm7(text)
    assert segment_info(folded.text).segments <= segment_info(text).segments
    again = to_gsm7(folded.text)
    assert again.text == folded.text
    assert again.replaced == 0
    assert (folded.remaining == ()) == is_gsm7(folded.text)
    if is_gsm7(text):
        assert folded.text == text
