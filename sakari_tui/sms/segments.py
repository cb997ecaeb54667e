"""SMS segment arithmetic: GSM-7 versus UCS-2, segments, capacity and price.

Carriers split a long text into concatenated segments. Each segment of a multi-part message
loses a few units to the user data header, so one segment holds 160 GSM-7 septets (or 70 UCS-2
units) on its own but only 153 (or 67) when it is part of a longer message. Two things may not
be split across a segment boundary: a GSM-7 escape pair (an extension character such as `€`
costs the escape septet plus the character) and a UTF-16 surrogate pair (an emoji). Segments
are therefore counted by packing characters one by one, never by plain division.

The GSM 03.38 alphabet is a small table of our own rather than the `gsm0338` codec: we only
need "is this character in the alphabet and how many septets does it cost", the codec would add
a dependency and still leave the packing to us, and the table is short enough to check by eye.

The same tables drive the "operator guards": which characters force UCS-2 (to highlight them),
and a fold of look-alikes to GSM-7 (curly quotes, dashes, odd spaces, accents the alphabet lacks),
so a pasted reply does not silently cost two or three times as much.

This module is core code: it must never import Textual.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

GSM7 = "GSM-7"
UCS2 = "UCS-2"

#: Sakari (and most carriers) refuse texts longer than this many segments (error MSG-007).
MAX_SEGMENTS = 10

GSM7_SINGLE_SEGMENT = 160
GSM7_MULTI_SEGMENT = 153
UCS2_SINGLE_SEGMENT = 70
UCS2_MULTI_SEGMENT = 67

# GSM 03.38 default alphabet in code order 0x00..0x7F, with the escape code 0x1B left out
# (it is not a character of its own; it introduces the extension table below).
_GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNO"
    "PQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmno"
    "pqrstuvwxyzäöñüà"
)

# Extension table: each costs two septets (escape + code). Form feed is rarely typed but legal.
_GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")


@dataclass(frozen=True)
class SegmentInfo:
    """How a text will be sent: encoding, segment count and room left."""

    encoding: str
    """"GSM-7" or "UCS-2"."""
    segments: int
    """Number of SMS segments; 0 for empty text."""
    units: int
    """Septets (GSM-7) or UTF-16 code units (UCS-2) the text uses."""
    capacity: int
    """Units that fit in the current number of segments (one segment's worth for empty text)."""
    forcing_chars: tuple[str, ...]
    """Distinct characters, in order of appearance, that force UCS-2; empty for GSM-7."""

    @property
    def remaining(self) -> int:
        """Units that can still be added without needing another segment."""
        return self.capacity - self.units

    @property
    def too_long(self) -> bool:
        """True when the text needs more than MAX_SEGMENTS segments."""
        return self.segments > MAX_SEGMENTS


def gsm7_septets(char: str) -> int | None:
    """Septets one character costs in GSM-7: 1, 2 (extension table) or None if not encodable."""
    if char in _GSM7_BASIC:
        return 1
    if char in _GSM7_EXTENSION:
        return 2
    return None


def is_gsm7(text: str) -> bool:
    """True when every character of `text` is in the GSM 03.38 alphabet or its extension."""
    return all(gsm7_septets(char) is not None for char in text)


def _utf16_units(char: str) -> int:
    # Astral-plane characters (most emoji) are a surrogate pair in UTF-16.
    return 2 if ord(char) > 0xFFFF else 1


def _pack(costs: list[int], single: int, multi: int) -> tuple[int, int]:
    """Segments needed and capacity, packing indivisible costs into fixed-size segments."""
    total = sum(costs)
    if total == 0:
        return 0, single
    if total <= single:
        return 1, single
    segments, used = 1, 0
    for cost in costs:
        if used + cost > multi:
            segments += 1
            used = 0
        used += cost
    return segments, segments * multi


def segment_info(text: str) -> SegmentInfo:
    """Encoding, segments, units used and capacity of `text` as an SMS."""
    forcing: dict[str, None] = {}
    septet_costs: list[int] = []
    for char in text:
        cost = gsm7_septets(char)
        if cost is None:
            forcing.setdefault(char, None)
        else:
            septet_costs.append(cost)
    if not forcing:
        segments, capacity = _pack(septet_costs, GSM7_SINGLE_SEGMENT, GSM7_MULTI_SEGMENT)
        return SegmentInfo(GSM7, segments, sum(septet_costs), capacity, ())
    unit_costs = [_utf16_units(char) for char in text]
    segments, capacity = _pack(unit_costs, UCS2_SINGLE_SEGMENT, UCS2_MULTI_SEGMENT)
    return SegmentInfo(UCS2, segments, sum(unit_costs), capacity, tuple(forcing))


# --- Characters that force UCS-2 -----------------------------------------------------------

_ZWJ = "\u200d"


def _is_regional_indicator(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def _extends(char: str) -> bool:
    """True for code points that belong to the character before them rather than starting one."""
    code = ord(char)
    return (
        unicodedata.category(char) in ("Mn", "Mc", "Me")  # combining marks, variation selectors
        or 0x1F3FB <= code <= 0x1F3FF  # emoji skin tones
        or 0xE0020 <= code <= 0xE007F  # tags (subdivision flags such as England's)
        or char == _ZWJ
    )


def _clusters(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each user-perceived character, close enough to Unicode grapheme clusters.

    A base code point takes the combining marks, variation selectors, skin tones and tags after
    it, ZWJ glues the next code point on (family and profession emoji), and regional indicators
    pair up into flags. Controls (CR, LF) never take anything, so a line break is never inside a
    highlighted span. Hangul jamo and Indic conjuncts are left as separate code points: they are
    all UCS-2 anyway, so the spans differ only in where one highlight ends and the next starts.
    """
    i, n = 0, len(text)
    while i < n:
        start = i
        if _is_regional_indicator(text[i]) and i + 1 < n and _is_regional_indicator(text[i + 1]):
            i += 2
        else:
            i += 1
        if unicodedata.category(text[start]) != "Cc":
            while i < n and unicodedata.category(text[i]) != "Cc" and (_extends(text[i]) or text[i - 1] == _ZWJ):
                i += 1
        yield start, i


def ucs2_culprits(text: str) -> list[tuple[int, int, str]]:
    """(start, end, chars) spans, as `str` indexes, of every character that forces UCS-2.

    Spans are whole clusters (see `_clusters`): "e" plus a combining acute is one culprit spanning
    both code points, even though only the mark is outside GSM-7, because a highlight on a
    zero-width mark alone would be invisible; a ZWJ family emoji or a flag is one span too.
    Extension characters (€ [ ] { } ~ ^ | \\) are GSM-7, so they are never culprits.
    """
    return [(start, end, text[start:end]) for start, end in _clusters(text) if not is_gsm7(text[start:end])]


# --- Folding to GSM-7 ----------------------------------------------------------------------

# Replacement -> the characters folded to it. Every source is one BMP code point (one UCS-2 unit),
# so a fold never costs more units except the expansions ("..." and "oe"), which `to_gsm7` drops
# when they would cost a segment.
_FOLD_GROUPS = {
    # Quotes and primes, the usual culprits of text pasted from a word processor or a phone.
    # ´ and ` are typed as apostrophes ("don´t"); ‹ › are single guillemets.
    "'": "\u2018\u2019\u201a\u201b\u2032\u2039\u203a\u02bc\u00b4`",
    '"': "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb",
    # Hyphen, non-breaking hyphen, figure dash, en and em dash, horizontal bar, minus sign.
    # The bullet becomes "-" as well: in a text it starts a list item, and "- " reads as one.
    "-": "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2022",
    # Tab, no-break and narrow no-break space, the typographic spaces, ideographic space.
    " ": "\t\u00a0\u202f\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u205f\u3000",
    # Invisible: zero-width space, soft hyphen, word joiner, byte-order mark. ZWJ and ZWNJ stay:
    # they build emoji and shape Persian and Indic text, which stay UCS-2 anyway.
    "": "\u200b\u00ad\u2060\ufeff",
    "...": "\u2026",
    # GSM 03.38 code 0x09 is Ç, but the original spec had ç there and many handsets still show it
    # in lower case, so carriers fold ç to Ç rather than dropping the cedilla.
    "Ç": "\u00e7",
    "oe": "\u0153",
    "OE": "\u0152",
}
_FOLD = {source: target for target, sources in _FOLD_GROUPS.items() for source in sources}

# Letters with no canonical decomposition whose base letter is still obvious to a reader.
_LETTER_FOLD = {"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ı": "i"}


@dataclass(frozen=True)
class Folded:
    """The result of `to_gsm7`."""

    text: str
    """The folded text."""
    replaced: int
    """Characters (clusters) changed or removed."""
    remaining: tuple[str, ...]
    """Distinct characters still forcing UCS-2 (emoji, CJK…), in order of appearance; empty if GSM-7."""


def _utf16_len(text: str) -> int:
    return sum(_utf16_units(char) for char in text)


def _fold_letter(char: str) -> str | None:
    """A letter with accents GSM-7 lacks, keeping as many of its accents as GSM-7 has (ǘ → ü)."""
    decomposed = unicodedata.normalize("NFD", char)
    base, marks = _LETTER_FOLD.get(decomposed[0], decomposed[0]), decomposed[1:]
    # Only letters: stripping marks from a digit or symbol would turn a keycap emoji into "1".
    if not unicodedata.category(base).startswith("L") or gsm7_septets(base) != 1:
        return None
    if not all(unicodedata.category(mark).startswith("M") for mark in marks):
        return None
    for keep in range(len(marks), -1, -1):
        candidate = unicodedata.normalize("NFC", base + marks[:keep])
        if is_gsm7(candidate):
            return candidate
    return None  # pragma: no cover - keep == 0 is the GSM-7 base itself


def _fold_cluster(cluster: str, expand: bool) -> str:
    if is_gsm7(cluster):
        return cluster
    composed = unicodedata.normalize("NFC", cluster)
    # A few characters decompose under NFC (composition exclusions); in UCS-2 that costs units.
    if _utf16_len(composed) > _utf16_len(cluster):
        composed = cluster
    if is_gsm7(composed):
        return composed
    target = _FOLD.get(composed)
    if target is not None:
        return target if expand or len(target) <= 1 else composed
    return _fold_letter(composed) or composed


def _fold(text: str, expand: bool) -> tuple[str, int]:
    parts, replaced = [], 0
    for start, end in _clusters(text):
        cluster = text[start:end]
        folded = _fold_cluster(cluster, expand)
        replaced += folded != cluster
        parts.append(folded)
    return "".join(parts), replaced


def _distinct_culprits(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(chars for _, _, chars in ucs2_culprits(text)))


def to_gsm7(text: str) -> Folded:
    """`text` with look-alikes folded to GSM-7 (see `_FOLD_GROUPS`); what cannot be folded stays.

    Combining marks are composed first (NFC), then letters GSM-7 lacks lose only the accents it
    lacks (ê → e, ǘ → ü, Ò → O); Greek and Cyrillic are left alone. Text that is already GSM-7
    comes back unchanged, and the result never needs more segments than the input: the
    expanding folds (… → "...", œ → "oe") are skipped when they would cost one.
    """
    if is_gsm7(text):
        return Folded(text, 0, ())
    before = segment_info(text).segments
    for expand in (True, False):
        folded, replaced = _fold(text, expand)
        if segment_info(folded).segments <= before:
            return Folded(folded, replaced, _distinct_culprits(folded))
    # Unreachable by the argument above (no other fold costs more), but never make it worse.
    return Folded(text, 0, _distinct_culprits(text))  # pragma: no cover


# --- Price ---------------------------------------------------------------------------------

#: Used when the price table has neither the country nor "default" (Sakari's US list price,
#: the same default as the `segment_prices` setting).
DEFAULT_SEGMENT_PRICE = Decimal("0.0079")

# Prices are quoted to a few decimals of the currency; micro-units hold any product exactly.
_PRICE_QUANTUM = Decimal("0.000001")

_CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "CAD": "CA$", "AUD": "A$"}


def segment_price(segments: int, country: str | None, prices: Mapping[str, float | Decimal]) -> Decimal:
    """Price of `segments` segments to `country` (ISO code) from `prices`, else its "default".

    Computed in decimal, so 3 × 0.0079 is 0.0237, not 0.023699….
    """
    code = (country or "").strip().upper()
    price = prices.get(code) if code else None
    if price is None:
        price = prices.get("default", DEFAULT_SEGMENT_PRICE)
    return (Decimal(str(price)) * segments).quantize(_PRICE_QUANTUM, ROUND_HALF_UP)


def format_cost(amount: Decimal | float, currency: str) -> str:
    """An estimate for the screen: "≈ $0.0237", "≈ €1.20", or "≈ 0.0237 SEK" without a symbol.

    Four decimals (a segment costs under a cent), trailing zeros trimmed down to the usual two.
    """
    value = Decimal(str(amount)).quantize(Decimal("0.0001"), ROUND_HALF_UP)
    digits = f"{abs(value):.4f}"
    while digits.endswith("0") and len(digits.partition(".")[2]) > 2:
        digits = digits[:-1]
    sign = "-" if value < 0 else ""
    code = currency.strip().upper()
    symbol = _CURRENCY_SYMBOLS.get(code)
    if symbol is not None:
        return f"≈ {sign}{symbol}{digits}"
    return f"≈ {sign}{digits} {code}".rstrip()
