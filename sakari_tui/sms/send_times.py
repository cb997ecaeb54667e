"""Typed times, in the operator's own zone: "2h", "45m", "1h30m", "14:30", "9am", "tomorrow 9am",
"fri 14:00", "mon". Pure: `now` says when and where "now" is.

A time of day already past today means tomorrow; a weekday means its next occurrence (today if
the time is still ahead); a day without a time means 09:00. DST is the zone's: "tomorrow 9am" is
09:00 on tomorrow's clock even when the clocks change overnight.

Core code: never imports Textual.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone, tzinfo

DEFAULT_TIME = time(9, 0)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DURATION = re.compile(r"(?:in\s+)?(?:(\d{1,3})\s*h(?:ours?|rs?)?)?\s*(?:(\d{1,4})\s*m(?:in(?:utes?)?|ins)?)?")
_CLOCK = re.compile(r"(\d{1,2})(?::(\d{2}))?\s*(am|pm)?")
HINT = 'Type a time such as "2h", "14:30", "tomorrow 9am" or "fri 14:00".'


def parse_send_time(text: str, now: datetime, zone: tzinfo | None = None) -> datetime:
    """The moment `text` means, timezone-aware, after `now`; ValueError with one sentence otherwise.

    `zone`: the operator's time zone (a `ZoneInfo`, so DST applies); None: this machine's."""
    words = " ".join(text.strip().lower().split())
    if not words:
        raise ValueError(HINT)
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    duration = _DURATION.fullmatch(words)
    if duration and (duration.group(1) or duration.group(2)):
        delta = timedelta(hours=int(duration.group(1) or 0), minutes=int(duration.group(2) or 0))
        if not delta:
            raise ValueError("That is now: type a time in the future, such as 2h.")
        # Elapsed time, not clock time: 2h across a DST change is still two hours from now.
        return (now.astimezone(timezone.utc) + delta).astimezone(now.tzinfo)
    day_word, _, rest = words.partition(" ")
    day = _day(day_word)
    clock_text = rest if day is not None else words
    if day is not None and not rest:
        clock = DEFAULT_TIME
    else:
        clock = _clock(clock_text)
    here = _local(now, zone)
    if day is None:
        when = _at(here.date(), clock, zone)
        if when.timestamp() <= now.timestamp():
            when = _at(here.date() + timedelta(days=1), clock, zone)
        return when
    if day == "today":
        target = here.date()
    elif day == "tomorrow":
        target = here.date() + timedelta(days=1)
    else:
        target = here.date() + timedelta(days=(WEEKDAYS.index(day) - here.weekday()) % 7)
    when = _at(target, clock, zone)
    if when.timestamp() <= now.timestamp():
        if day in WEEKDAYS:
            return _at(target + timedelta(days=7), clock, zone)
        raise ValueError(f"{clock:%H:%M} {day} has passed; type a later time.")
    return when


def _day(word: str) -> str | None:
    if word in ("today", "tomorrow"):
        return word
    if word in ("tmr", "tmrw"):
        return "tomorrow"
    for name in WEEKDAYS:
        if len(word) >= 3 and name.startswith(word[:3]) and _weekday_spelling(name).startswith(word):
            return name
    return None


def _weekday_spelling(short: str) -> str:
    return {
        "mon": "monday",
        "tue": "tuesday",
        "wed": "wednesday",
        "thu": "thursday",
        "fri": "friday",
        "sat": "saturday",
        "sun": "sunday",
    }[short]


def _clock(text: str) -> time:
    match = _CLOCK.fullmatch(text.replace(" ", "") if text.endswith(("am", "pm")) else text)
    if not match:
        raise ValueError(HINT)
    hours, minutes, half = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if half:
        if not 1 <= hours <= 12:
            raise ValueError(f"{text!r} is not a time of day; {HINT}")
        hours = hours % 12 + (12 if half == "pm" else 0)
    elif match.group(2) is None:
        raise ValueError(f"{text!r} could be hours or a time: type 14:00, 2pm or 2h.")
    if hours > 23 or minutes > 59:
        raise ValueError(f"{text!r} is not a time of day; {HINT}")
    return time(hours, minutes)


def _local(now: datetime, zone: tzinfo | None) -> datetime:
    return now.astimezone(zone) if zone is not None else now.astimezone()


def _at(day: date, clock: time, zone: tzinfo | None) -> datetime:
    if zone is not None:
        return datetime.combine(day, clock, tzinfo=zone)
    return datetime.combine(day, clock).astimezone()  # this machine's zone, with its DST rules
