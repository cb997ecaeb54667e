"""Quiet hours: is it a reasonable time of day where the recipient lives?

The recipient's time zones come from their number (`phonenumbers` maps number prefixes to IANA
zones); the clock comes from `zoneinfo`. A number can map to several zones: a UK mobile to London
and the Crown dependencies (same clock), a US toll-free number or a Russian or Australian mobile
to zones hours apart. We warn when the local time in ANY of them is outside the window, because
the point is not to wake someone, and we cannot tell which of the zones they are in.

When we cannot tell at all (invalid number, no zone for it, no time zone database on the machine)
`check` returns None: this is a guard that only warns, and a warning we cannot back up would
teach people to ignore it.

This module is core code: it must never import Textual.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, time, timezone
from pathlib import Path

# `phonenumbers` is imported where it is used: loading its metadata would delay the first frame.

_UNKNOWN_ZONE = "Etc/Unknown"


@dataclass(frozen=True)
class QuietHours:
    """It is outside the sending window for the recipient."""

    local_time: datetime
    """The time in `zone` (timezone-aware)."""
    zone: str
    """The zone named in the message; for a range, the first (westernmost) zone outside the window."""
    zones: tuple[str, ...]
    """Every zone the number may be in."""
    message: str
    """One sentence for the screen."""


def recipient_time_zones(number: str) -> tuple[str, ...]:
    """The IANA time zones of an E.164 number; () when the number is invalid or has none."""
    import phonenumbers
    from phonenumbers import NumberParseException
    from phonenumbers.timezone import time_zones_for_number

    try:
        parsed = phonenumbers.parse(number, None)
    except NumberParseException:
        return ()
    if not phonenumbers.is_valid_number(parsed):
        return ()
    return tuple(zone for zone in time_zones_for_number(parsed) if zone != _UNKNOWN_ZONE)


def parse_clock(value: str) -> time:
    """'8:00' or '21:30' as a time of day; ValueError in one sentence otherwise (the settings use it too)."""
    hours, _, minutes = value.strip().partition(":")
    if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2 and int(hours) <= 23 and int(minutes) <= 59):
        raise ValueError(f"{value!r} is not a time of day such as 08:00 or 21:30")
    return time(int(hours), int(minutes))


def in_window(local: time, start: time, end: time) -> bool:
    """True when `local` is in [start, end); a window with start after end runs overnight."""
    if start == end:
        return True
    if start < end:
        return start <= local < end
    return local >= start or local < end


def check(number: str, now_utc: datetime, start: str = "08:00", end: str = "21:00") -> QuietHours | None:
    """None when it is fine to text `number` now; otherwise what to tell the person sending.

    `now_utc` may be naive, in which case it is read as UTC. `start` and `end` are "HH:MM" in
    the recipient's local time; `end` is exclusive and start == end means any time is fine.
    """
    window_start, window_end = parse_clock(start), parse_clock(end)
    if window_start == window_end:
        return None
    zones = recipient_time_zones(number)
    if not zones:
        return None
    from .phones import display_number, region_of

    return check_zones(
        zones,
        now_utc,
        start=start,
        end=end,
        who=display_number(number),
        home_zones=_zones_of_country(region_of(number) or ""),
    )


def check_zones(
    zones: tuple[str, ...],
    now_utc: datetime,
    *,
    start: str = "08:00",
    end: str = "21:00",
    who: str = "them",
    home_zones: frozenset[str] = frozenset(),
) -> QuietHours | None:
    """`check` for a known list of zones; `who` is how the message names the recipient.

    Zones the machine's time zone database lacks are skipped. When all zones show the same
    clock, the message names one of them, preferring one of `home_zones` (the country's own,
    so a UK mobile reads "Europe/London" rather than "Europe/Guernsey").
    """
    window_start, window_end = parse_clock(start), parse_clock(end)
    if now_utc.tzinfo is None:
        now_utc = now_utc.replace(tzinfo=timezone.utc)
    local = _local_times(zones, now_utc)
    if not local:
        return None
    outside = [(zone, when) for zone, when in local if not in_window(when.time(), window_start, window_end)]
    if not outside:
        return None
    window = f"{window_start:%H:%M}–{window_end:%H:%M}"
    walls = [when.replace(tzinfo=None) for _, when in local]
    if len(set(walls)) == 1:
        named = next((pair for pair in local if pair[0] in home_zones), local[0])
        zone, when = named
        message = f"It is {when:%H:%M} for {who} ({zone}), outside {window}."
    else:
        zone, when = outside[0]
        earliest, latest = min(walls), max(walls)
        message = f"It is between {earliest:%H:%M} and {latest:%H:%M} for {who} in its time zones, outside {window}."
    return QuietHours(local_time=when, zone=zone, zones=tuple(name for name, _ in local), message=message)


def _local_times(zones: tuple[str, ...], now_utc: datetime) -> list[tuple[str, datetime]]:
    """(zone, local time) for each loadable zone, westernmost (earliest clock) first."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    local: list[tuple[str, datetime]] = []
    for zone in zones:
        try:
            info = ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            # No tz database (Windows without the tzdata package) or a zone it does not know.
            continue
        local.append((zone, now_utc.astimezone(info)))
    local.sort(key=lambda pair: pair[1].replace(tzinfo=None))
    return local


@functools.lru_cache(maxsize=64)
def _zones_of_country(region: str) -> frozenset[str]:
    """The zones zone.tab lists for an ISO country code; empty when the table cannot be found."""
    if not region:
        return frozenset()
    table = _zone_tab()
    if table is None:
        return frozenset()
    zones = set()
    for line in table.splitlines():
        fields = line.split("\t")
        if len(fields) >= 3 and fields[0] == region:
            zones.add(fields[2])
    return frozenset(zones)


@functools.lru_cache(maxsize=1)
def _zone_tab() -> str | None:
    # zone.tab (one country per zone, unlike zone1970.tab) ships with the tzdata package and with
    # the system database; it only refines which zone name a message shows, so absence is fine.
    import zoneinfo

    candidates: list[Path] = []
    try:
        from importlib.resources import files

        candidates.append(Path(str(files("tzdata").joinpath("zoneinfo", "zone.tab"))))
    except (ImportError, ModuleNotFoundError, TypeError):
        pass
    candidates.extend(Path(root) / "zone.tab" for root in zoneinfo.TZPATH)
    for path in candidates:
        try:
            return path.read_text(encoding="utf-8")
        except OSError:
            continue
    return None


# How far ahead the next common window is looked for: a number whose zones never share a minute
# of the window (a spread wider than the window) has none, and the search must end.
_SEARCH_DAYS = 8


@dataclass(frozen=True)
class SendTime:
    """The next minute inside the sending window in every zone of a number."""

    at: datetime
    """The moment (UTC)."""
    local: tuple[tuple[str, datetime], ...]
    """(zone, local time) for each distinct clock the number's zones show then, westernmost first."""

    def their_clock(self) -> str:
        """'08:00 CST' (or '08:00 CST / 09:00 EST' for a number spanning clocks)."""
        clocks = [f"{when:%H:%M} {_abbreviation(zone, when)}" for zone, when in self.local]
        # A number spanning many clocks (a US toll-free one: ten) reads as its first and last.
        return " / ".join(clocks) if len(clocks) <= 3 else f"{clocks[0]} … {clocks[-1]}"

    def described(self, here: datetime | None = None) -> str:
        """'Tue 08:00 CST = 15:00 here': their day and clock, and the clock of `here`'s zone (the operator's)."""
        first = self.local[0][1]
        here_time = self.at.astimezone(here.tzinfo) if here is not None and here.tzinfo else self.at.astimezone()
        here_day = "" if here_time.date() == first.date() else f"{here_time:%a} "
        return f"{first:%a} {self.their_clock()} = {here_day}{here_time:%H:%M} here"


def _abbreviation(zone: str, when: datetime) -> str:
    name = when.tzname() or zone
    # Zones without a letter abbreviation name themselves "+03"; the zone's city says more then.
    return name if name[:1].isalpha() else zone.rsplit("/", 1)[-1].replace("_", " ")


def next_send_time(
    zones: tuple[str, ...], now_utc: datetime, start: str = "08:00", end: str = "21:00"
) -> SendTime | None:
    """The first whole minute from `now_utc` on that is inside [start, end) in EVERY zone of
    `zones` (their local clocks, DST included); None when the zones never share such a minute
    within a week, or none of them can be loaded.

    The common window opens when the last of the zones opens its own, so the only candidates
    are now and each zone's coming window starts: the earliest candidate inside every window wins.
    """
    from datetime import timedelta
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    window_start, window_end = parse_clock(start), parse_clock(end)
    if now_utc.tzinfo is None:
        now_utc = now_utc.replace(tzinfo=timezone.utc)
    now_utc = now_utc.astimezone(timezone.utc)
    if now_utc.second or now_utc.microsecond:
        now_utc = now_utc.replace(second=0, microsecond=0) + timedelta(minutes=1)
    infos: list[tuple[str, ZoneInfo]] = []
    for zone in zones:
        try:
            infos.append((zone, ZoneInfo(zone)))
        except (ZoneInfoNotFoundError, ValueError):
            continue
    if not infos:
        return None
    candidates = {now_utc}
    for _, info in infos:
        today = now_utc.astimezone(info).date()
        for days in range(_SEARCH_DAYS):
            local = datetime.combine(today + timedelta(days=days), window_start, tzinfo=info)
            first, second = sorted((local.astimezone(timezone.utc), local.replace(fold=1).astimezone(timezone.utc)))
            # The two readings differ only on a DST change: a start inside the skipped hour opens
            # the window at the change itself, somewhere between them, so each minute there counts.
            moment = first
            while moment <= second:
                if moment >= now_utc:
                    candidates.add(moment)
                moment += timedelta(minutes=1)

    def inside_everywhere(moment: datetime) -> bool:
        return all(in_window(moment.astimezone(info).time(), window_start, window_end) for _, info in infos)

    for moment in sorted(candidates):
        if inside_everywhere(moment):
            return SendTime(at=moment, local=_distinct_clocks(tuple(zone for zone, _ in infos), moment))
    return None


def _distinct_clocks(zones: tuple[str, ...], at_utc: datetime) -> tuple[tuple[str, datetime], ...]:
    """(zone, local time) of each clock the zones show at `at_utc`, the first zone of each clock named."""
    distinct: dict[datetime, tuple[str, datetime]] = {}
    for zone, when in _local_times(zones, at_utc):
        distinct.setdefault(when.replace(tzinfo=None), (zone, when))
    return tuple(distinct.values())


def next_send_time_for(number: str, now_utc: datetime, start: str = "08:00", end: str = "21:00") -> SendTime | None:
    """`next_send_time` in the zones of an E.164 number; None when its zones are not known."""
    zones = recipient_time_zones(number)
    if not zones:
        return None
    from .phones import region_of

    home = _zones_of_country(region_of(number) or "")
    # Of zones showing one clock the first is named: the country's own (Europe/London, not Guernsey).
    ordered = tuple(sorted(zones, key=lambda zone: zone not in home))
    return next_send_time(ordered, now_utc, start, end)


def their_clock_at(number: str, at_utc: datetime) -> str:
    """The recipient's clock at `at_utc`: '08:00 CST' (several clocks: '08:00 PST / 11:00 EST');
    "" when the number's zones are not known."""
    zones = recipient_time_zones(number)
    if not zones:
        return ""
    from .phones import region_of

    home = _zones_of_country(region_of(number) or "")
    ordered = tuple(sorted(zones, key=lambda zone: zone not in home))
    if at_utc.tzinfo is None:
        at_utc = at_utc.replace(tzinfo=timezone.utc)
    clocks = _distinct_clocks(ordered, at_utc)
    return SendTime(at=at_utc, local=clocks).their_clock() if clocks else ""
