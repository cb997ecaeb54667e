"""A reply's send time, typed in the operator's own zone: "2h", "45m", "14:30", "tomorrow 9am",
"fri 14:00". The same reading as a snooze's end (`snooze_times.parse_typed_time`): durations are
real time, times of day the zone's wall clock, a time of day already past today means tomorrow.

Core code: never imports Textual.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from .snooze_times import EXAMPLES, local_zone, parse_typed_time

HINT = f"Type a time such as {EXAMPLES}."


def parse_send_time(text: str, now: datetime, zone: tzinfo | None = None) -> datetime:
    """The moment `text` means, timezone-aware, after `now`; ValueError with one sentence otherwise.

    `zone`: the operator's time zone (a `ZoneInfo`, so DST applies); None: this machine's."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return parse_typed_time(text, now, zone or local_zone(), empty=HINT)
