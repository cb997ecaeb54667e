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

This module is core code: it must never import Textual.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

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


def segment_price(segments: int, price_per_segment: float) -> float:
    """Price of `segments` segments, computed in decimal so 3 × 0.0079 is 0.0237, not 0.023699…"""
    return float(Decimal(str(price_per_segment)) * segments)
