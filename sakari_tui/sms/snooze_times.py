"""When a snooze ends, from what the operator types ("2h", "tomorrow 9am", "fri 14:00") or a preset.

Pure: every function takes the present (`now`, aware) and the operator's zone. Durations are real
time (2 hours from now, whatever the clocks do); times of day are wall-clock times in the zone, so
"tomorrow 09:00" is nine on the clock across a DST change, and a wall time that does not exist
(skipped in spring) is the same instant as the hour before it plus the minutes (02:30 → 03:30).
A time of day already past today means tomorrow's.
"""

from __future__ import annotations

import os
import re
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MORNING = time(9, 0)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_UNITS = {"m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60, "h": 3600, "hr": 3600, "hrs": 3600}
_UNITS |= {"hour": 3600, "hours": 3600, "d": 86400, "day": 86400, "days": 86400}
_DURATION = re.compile(r"(?:in\s+)?((?:\d+\s*[a-z]+\s*)+)")
_DURATION_PART = re.compile(r"(\d+)\s*([a-z]+)")
_CLOCK = re.compile(r"(\d{1,2})(?::(\d{2}))?\s*(am|pm)?")
_LONGEST = timedelta(days=366)

EXAMPLES = '"2h", "45m", "tomorrow 9am", "fri 14:00" or "14:30"'


class SnoozeTimeError(ValueError):
    """What was typed is not a time; the message is one sentence for the operator."""


def local_zone() -> tzinfo:
    """The operator's time zone with its DST rules: $TZ, else /etc/localtime, else today's offset."""
    for name in (os.environ.get("TZ", "").lstrip(":"), _localtime_name()):
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return datetime.now().astimezone().tzinfo or timezone.utc


def _localtime_name() -> str:
    try:
        target = str(Path("/etc/localtime").resolve())
    except OSError:
        return ""
    _, found, name = target.partition("zoneinfo/")
    return name if found else ""


def at_wall_time(day: date, clock: time, zone: tzinfo) -> datetime:
    """`clock` on `day` in `zone`, as a real instant (a skipped wall time moves forward with the clocks)."""
    moment = datetime.combine(day, clock, tzinfo=zone)
    return moment.astimezone(timezone.utc).astimezone(zone)


def presets(now: datetime, zone: tzinfo) -> list[tuple[str, datetime]]:
    """The dialog's choices: in 1 hour, in 3 hours, tomorrow 09:00, next Monday 09:00."""
    here = now.astimezone(zone)
    tomorrow = here.date() + timedelta(days=1)
    monday = here.date() + timedelta(days=7 - here.weekday())  # a Monday asks for the one after
    return [
        ("1 hour", _later(now, timedelta(hours=1)).astimezone(zone)),
        ("3 hours", _later(now, timedelta(hours=3)).astimezone(zone)),
        ("Tomorrow 09:00", at_wall_time(tomorrow, MORNING, zone)),
        ("Next Monday 09:00", at_wall_time(monday, MORNING, zone)),
    ]


def parse_snooze_time(text: str, now: datetime, zone: tzinfo) -> datetime:
    """The moment `text` names, in `zone`; raises SnoozeTimeError (one sentence) for anything else."""
    return parse_typed_time(text, now, zone, empty=f"Type when the snooze ends, for example {EXAMPLES}.")


def parse_typed_time(text: str, now: datetime, zone: tzinfo, *, empty: str) -> datetime:
    """The moment a typed time names (a snooze's end, a reply's send time), in `zone`, after `now`;
    SnoozeTimeError (a ValueError, one sentence; `empty` when nothing was typed) otherwise."""
    typed = " ".join(text.strip().lower().split())
    if not typed:
        raise SnoozeTimeError(empty)
    now = now.astimezone(timezone.utc)  # compared in UTC: same-zone comparisons ignore the offset
    moment = _duration(typed, now) or _day_and_clock(typed, now.astimezone(zone), zone)
    if moment is None:
        raise SnoozeTimeError(f"{_shown(text)} is not a time I can read; try {EXAMPLES}.")
    moment = moment.astimezone(timezone.utc)
    if moment <= now:
        raise SnoozeTimeError(f"{_shown(text)} is in the past; give a later time.")
    if moment - now > _LONGEST:
        raise SnoozeTimeError(f"{_shown(text)} is more than a year away; give a nearer time.")
    return moment.astimezone(zone)


def _shown(text: str) -> str:
    return repr(" ".join(text.split())[:30])


def _duration(typed: str, now: datetime) -> datetime | None:
    match = _DURATION.fullmatch(typed)
    if match is None:
        return None
    seconds = 0
    for amount, unit in _DURATION_PART.findall(match.group(1)):
        if unit not in _UNITS:
            return None
        seconds += int(amount) * _UNITS[unit]
    if seconds <= 0 or seconds > _LONGEST.total_seconds():
        return None
    return _later(now, timedelta(seconds=seconds))


def _later(now: datetime, span: timedelta) -> datetime:
    # In UTC: aware arithmetic in a zone adds wall-clock time, an hour off across a DST change.
    return now.astimezone(timezone.utc) + span


def _day_and_clock(typed: str, here: datetime, zone: tzinfo) -> datetime | None:
    words = typed.replace(" at ", " ").split(" ", 1)
    day_word, rest = (words[0], words[1] if len(words) > 1 else "")
    offset = _day_offset(day_word, here)
    if offset is None:  # no day named: a time of day alone, today's or (past) tomorrow's
        clock = _clock(typed)
        if clock is None:
            return None
        moment = at_wall_time(here.date(), clock, zone)
        return moment if _after(moment, here) else at_wall_time(here.date() + timedelta(days=1), clock, zone)
    clock = _clock(rest) if rest else MORNING
    if clock is None:
        return None
    moment = at_wall_time(here.date() + timedelta(days=offset), clock, zone)
    if not _after(moment, here) and day_word not in ("today", "tomorrow"):  # "fri 9am" on a Friday at noon: next week's
        moment = at_wall_time(here.date() + timedelta(days=offset + 7), clock, zone)
    return moment


def _after(moment: datetime, here: datetime) -> bool:
    return moment.astimezone(timezone.utc) > here.astimezone(timezone.utc)


def _day_offset(word: str, here: datetime) -> int | None:
    if word == "today":
        return 0
    if word in ("tomorrow", "tmrw", "tom"):
        return 1
    if len(word) >= 3:
        for index, name in enumerate(WEEKDAYS):
            if name.startswith(word):
                return (index - here.weekday()) % 7
    return None


def _clock(text: str) -> time | None:
    if text in ("noon", "midday"):
        return time(12, 0)
    if text == "midnight":
        return time(0, 0)
    match = _CLOCK.fullmatch(text.replace(".", ":"))
    if match is None:
        return None
    hour, minute, half = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if half is None and match.group(2) is None:
        return None  # "14" alone is likelier a typo than a time
    if half is not None:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def describe_until(moment: datetime, zone: tzinfo) -> str:
    """As the dialog and the row say it: "Fri 5 Dec 14:00" (in the operator's zone)."""
    here = moment.astimezone(zone)
    return f"{here:%a} {here.day} {here:%b} {here:%H:%M}"
