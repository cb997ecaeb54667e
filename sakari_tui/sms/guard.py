"""What a reply will cost, and what to ask before it goes out.

Two things surprise people who text customers: a long or UCS-2 message costs several segments,
and a text can reach someone in the middle of their night. The compose box shows the estimate as
you type; before sending, `send_warnings` names what deserves a second look, and the app asks.

Core code: never imports Textual.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from .phones import region_of
from .quiet_hours import check
from .segments import SegmentInfo, format_cost, segment_info, segment_price

if TYPE_CHECKING:  # only for annotations: at run time the message domain stays below the settings
    from ..config import ComposeSection


def cost_estimate(info: SegmentInfo, number: str | None, compose: ComposeSection) -> str:
    """'≈ $0.0158' for this many segments to this number's country; '' for an empty text."""
    if info.segments == 0:
        return ""
    country = region_of(number) if number else None
    return format_cost(segment_price(info.segments, country, compose.segment_prices), compose.currency)


def send_warnings(text: str, number: str | None, compose: ComposeSection, now_utc: datetime) -> list[str]:
    """Sentences to confirm before sending `text` to `number`; empty when it can simply go."""
    return _warnings(segment_info(text), number, compose, now_utc)


def _warnings(info: SegmentInfo, number: str | None, compose: ComposeSection, now_utc: datetime) -> list[str]:
    warnings: list[str] = []
    limit = compose.confirm_over_segments
    if limit and info.segments > limit:
        why = " (UCS-2)" if info.forcing_chars else ""
        warnings.append(
            f"This reply is {info.segments} segments{why}, {cost_estimate(info, number, compose)} to send "
            f"(you asked to confirm above {limit})."
        )
    if compose.quiet_hours and number:
        quiet = check(number, now_utc, compose.send_window_start, compose.send_window_end)
        if quiet is not None:
            warnings.append(quiet.message)
    return warnings

