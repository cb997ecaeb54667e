"""Pure formatting for the screen: ages, day labels, delivery states, numbers, the segment counter.

The time functions are total: any datetime (naive or aware, year 1 to 9999) gives a label, even
where local time would fall outside datetime's years (9999-12-31 east of UTC, year 1 west of it).
"""

from __future__ import annotations

import sys
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING

from ..api.errors import ERROR_WORDS
from ..api.message_status import MessageStatus
from ..sms.phones import display_number
from ..sms.segments import MAX_SEGMENTS, SegmentInfo

if TYPE_CHECKING:
    from ..api.models import EmbeddedError

STATUS_WORDS = {
    MessageStatus.NEW: "queued",
    MessageStatus.VALIDATED: "queued",
    MessageStatus.QUEUED: "queued",
    MessageStatus.SENT: "sent",
    MessageStatus.DELIVERED: "delivered",
    MessageStatus.UNDELIVERED: "undelivered",
    MessageStatus.ERROR: "failed",
    MessageStatus.INVALID: "failed: invalid number",
    MessageStatus.RECEIVED: "",
    MessageStatus.UNKNOWN: "",
}

FAILED_STATUSES = {MessageStatus.UNDELIVERED, MessageStatus.ERROR, MessageStatus.INVALID}


def local_time(when: datetime) -> datetime:
    """`when` in the local zone; as given where that would leave datetime's years (so never raises)."""
    try:
        return when.astimezone()
    except (OverflowError, ValueError, OSError):
        return when


def local_day(when: datetime) -> date:
    """The local calendar day of `when` (see `local_time`)."""
    return local_time(when).date()


def clock_label(when: datetime) -> str:
    """'14:05' in local time."""
    local = local_time(when)
    return f"{local.hour:02d}:{local.minute:02d}"


def _aware(when: datetime) -> datetime:
    return when if when.tzinfo is not None else when.replace(tzinfo=timezone.utc)


def relative_time(when: datetime | None, now: datetime) -> str:
    """A short age for list rows: 'now', '5m', '3h', '2d', then a date like '4 Mar'."""
    if when is None:
        return ""
    # A difference of aware datetimes never overflows (a timedelta spans all of their years).
    seconds = max(0, int((_aware(now) - _aware(when)).total_seconds()))
    if seconds < 60:
        return "now"
    if seconds < 3600:
        return f"{seconds // 60}m"
    if seconds < 86400:
        return f"{seconds // 3600}h"
    if seconds < 7 * 86400:
        return f"{seconds // 86400}d"
    local = local_time(when)
    if local.year == local_time(now).year:
        return f"{local.day} {local:%b}"
    return f"{local:%b} {local.year}"


def ago(seconds: float) -> str:
    """How long ago, for the status line: '3s ago', '5m ago', '2h ago'."""
    seconds = max(0, int(seconds))
    if seconds < 60:
        return f"{seconds}s ago"
    if seconds < 3600:
        return f"{seconds // 60}m ago"
    return f"{seconds // 3600}h ago"


def day_label(day: date, today: date) -> str:
    """'Today', 'Yesterday', a weekday within the week, else a full date."""
    # By ordinals, not `today - timedelta(...)`, which overflows near date.min.
    days_ago = today.toordinal() - day.toordinal()
    if days_ago == 0:
        return "Today"
    if days_ago == 1:
        return "Yesterday"
    if 1 < days_ago <= 6:
        return f"{day:%A}"
    if day.year == today.year:
        return f"{day:%A} {day.day} {day:%B}"
    return f"{day.day} {day:%B} {day.year}"


def numbers_formattable() -> bool:
    """Whether phone formatting has loaded, so formatting a number costs microseconds."""
    return "phonenumbers" in sys.modules


def load_number_formats() -> None:
    """Load phone formatting (`phonenumbers`, about 20 ms): in a thread, after the first frame."""
    import phonenumbers  # noqa: F401


def number_label(number: str | None) -> str:
    """A number formatted for reading (`display_number`) once phone formatting has loaded; until
    then the number as stored.

    For the conversation list, whose first frame must not wait for `phonenumbers` to load: it
    loads it in a thread right after that frame and redraws its rows then. If a thread is still
    importing it, this waits for that to finish.
    """
    if not number:
        return ""
    return display_number(number) if numbers_formattable() else number


def error_words(error: EmbeddedError | None) -> str:
    if error is None:
        return ""
    if error.code and error.code in ERROR_WORDS:
        return ERROR_WORDS[error.code]
    return error.text


def status_words(status: str | None, error: EmbeddedError | None = None) -> str:
    """A delivery state in plain words, with the reason when it failed."""
    kind = MessageStatus.parse(status)
    words = STATUS_WORDS[kind] if kind is not MessageStatus.UNKNOWN else (status or "").lower()
    if kind in FAILED_STATUSES and error is not None:
        return f"{words}: {error_words(error)}"
    return words


def segment_counter(info: SegmentInfo) -> str:
    """The compose box counter, e.g. 'GSM-7 · 2 segments · 187/306'."""
    if info.segments == 0:
        return "GSM-7 · 0 segments · 0/160"
    plural = "segment" if info.segments == 1 else "segments"
    encoding = info.encoding
    if info.forcing_chars:
        shown = ", ".join(_visible(ch) for ch in info.forcing_chars[:3])
        more = "…" if len(info.forcing_chars) > 3 else ""
        encoding = f"UCS-2 (because of {shown}{more})"
    text = f"{encoding} · {info.segments} {plural} · {info.units}/{info.capacity}"
    if info.segments > MAX_SEGMENTS:
        text += f" · too long, the limit is {MAX_SEGMENTS} segments"
    return text


def _visible(ch: str) -> str:
    names = {"\u00a0": "no-break space", "\u2009": "thin space", "\u200b": "zero-width space", "\t": "tab"}
    return names.get(ch, f"“{ch}”")
