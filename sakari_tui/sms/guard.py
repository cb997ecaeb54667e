"""What a reply will cost, whether it may go, and what to ask before it goes out.

Two things surprise people who text customers: a long or UCS-2 message costs several segments,
and a text can reach someone in the middle of their night. The compose box shows the estimate as
you type; before sending, `check_reply` refuses what cannot go (empty, too long, opted out), holds
back unfilled placeholders until the user presses send again, and names what deserves a second
look (`send_warnings`), which the app asks about.

Core code: never imports Textual.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from .mms import mms_warnings
from .phones import display_number, region_of
from .quiet_hours import check
from .segments import MAX_SEGMENTS, SegmentInfo, format_cost, segment_info, segment_price
from .templates import unfilled

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


# Unfilled placeholders are refused once; the same text sent again within this window goes as is.
UNFILLED_CONFIRM_WINDOW_S = 15.0


@dataclass(frozen=True)
class UnfilledWarning:
    """The user was told this text has unfilled placeholders, at `at` (monotonic seconds)."""

    text: str
    at: float


@dataclass(frozen=True)
class ReplyCheck:
    """What becomes of a reply: refused (`refused` says why), to confirm first (`confirm`), or free to go."""

    refused: str | None = None
    """One sentence for the user when the reply may not go now; None when it may."""
    severity: Literal["warning", "error"] = "warning"
    """How loudly to show `refused`: "error" when it cannot go at all as written."""
    confirm: tuple[str, ...] = ()
    """Sentences to ask about before sending (cost, the recipient's night); empty: just send."""
    unfilled_warning: UnfilledWarning | None = None
    """What to pass as `unfilled_warning` at the next press (the "press again" memory)."""

    @property
    def may_send(self) -> bool:
        """True when the reply can go without a question."""
        return self.refused is None and not self.confirm


def check_reply(
    text: str,
    *,
    number: str | None,
    opted_out: bool,
    compose: ComposeSection,
    now_utc: datetime,
    pressed_at: float,
    unfilled_warning: UnfilledWarning | None = None,
    attachment: tuple[str, int] | None = None,
) -> ReplyCheck:
    """May `text` go to `number` now, and what must the user confirm first?

    `attachment`: the (name, size in bytes) of a file sent with it as MMS: the text may then be
    empty, the price is one MMS instead of segments, and its size and the recipient's country
    are asked about (`sms.mms`).

    `opted_out`: the recipient opted out. `pressed_at` (monotonic seconds) and `unfilled_warning`
    (from the last check of this conversation's reply) decide whether unfilled placeholders were
    already pointed out: a second press with the same text within 15 s sends it as is. The rules
    are checked in this order, and the first that fails is the refusal.
    """
    if opted_out:
        return ReplyCheck(
            "This contact opted out; texts to them are refused.", "error", unfilled_warning=unfilled_warning
        )
    if not text.strip() and attachment is None:
        return ReplyCheck("Nothing to send: the message is empty.", unfilled_warning=unfilled_warning)
    info = segment_info(text)
    if info.too_long:
        return ReplyCheck(
            f"Too long to send: {info.segments} segments; the limit is {MAX_SEGMENTS}. Shorten it.",
            "error",
            unfilled_warning=unfilled_warning,
        )
    missing = unfilled(text)
    if missing and not _warned_just_now(unfilled_warning, text, pressed_at):
        return ReplyCheck(
            f"Not filled: {', '.join(missing)}. Edit them, or press Ctrl+S again to send as is.",
            unfilled_warning=UnfilledWarning(text, pressed_at),
        )
    if attachment is not None:
        # One MMS, priced per message: the segment question does not apply, the file's does.
        name, size = attachment
        mms = mms_warnings(name, size, number, compose, display_number(number) if number else "")
        rest = _warnings(info, number, replace(compose, confirm_over_segments=0), now_utc)
        return ReplyCheck(confirm=tuple(mms + rest))
    return ReplyCheck(confirm=tuple(_warnings(info, number, compose, now_utc)))


def _warned_just_now(warning: UnfilledWarning | None, text: str, now: float) -> bool:
    return warning is not None and warning.text == text and now - warning.at <= UNFILLED_CONFIRM_WINDOW_S
