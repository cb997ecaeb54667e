"""What a reply with a picture or file (an MMS) costs and what to warn about before it goes.

An MMS is priced per message, not per segment (`compose.mms_price`), and reaches handsets only in
the US and Canada: elsewhere carriers turn it into a text with a link, or drop the picture
(sakari-api-notes §15). A large file may be refused or shrunk by the carrier, so above
`compose.mms_warn_kb` the sender is told. Core code: never imports Textual.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from .phones import region_of
from .segments import format_cost

if TYPE_CHECKING:
    from ..config import ComposeSection

MMS_COUNTRIES = frozenset({"US", "CA"})


def mms_cost(compose: ComposeSection) -> str:
    """'≈ $0.02': one MMS, whatever the length of its text."""
    return format_cost(Decimal(str(compose.mms_price)), compose.currency)


def kilobytes(size: int) -> str:
    """'812 KB' (1 KB = 1000 bytes, as carriers quote MMS limits)."""
    return f"{max(1, round(size / 1000)):,} KB" if size < 10_000_000 else f"{size / 1_000_000:.1f} MB"


def mms_hints(size: int, number: str | None, compose: ComposeSection) -> list[str]:
    """The same warnings as `mms_warnings`, in a few words each, for the compose box's line."""
    hints: list[str] = []
    if compose.mms_warn_kb and size > compose.mms_warn_kb * 1000:
        hints.append(f"⚠ over {compose.mms_warn_kb} KB: carriers may shrink it")
    if number and region_of(number) not in MMS_COUNTRIES:
        hints.append("⚠ outside the US and Canada: may arrive as a link")
    return hints


def mms_warnings(
    name: str, size: int, number: str | None, compose: ComposeSection, shown_number: str = ""
) -> list[str]:
    """Sentences to show (and confirm) before sending the file `name` of `size` bytes to `number`."""
    warnings: list[str] = []
    if compose.mms_warn_kb and size > compose.mms_warn_kb * 1000:
        warnings.append(
            f"{name} is {kilobytes(size)}, above compose.mms_warn_kb ({compose.mms_warn_kb} KB): "
            "carriers may refuse or shrink it."
        )
    region = region_of(number) if number else None
    if number and region not in MMS_COUNTRIES:
        who = shown_number or number
        warnings.append(
            f"MMS reaches handsets only in the US and Canada: {who} will likely get a text with a link, "
            "or no picture at all."
        )
    return warnings
