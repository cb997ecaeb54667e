"""The settings of a shared inbox's triage: `[triage]` (the views, how long a customer may wait,
auto-advance) and `[[senders]]` (the account's numbers, their labels and Group ids).

Part of `config` (which re-exports these names); no Textual, no I/O.
"""

from __future__ import annotations

import dataclasses

from .config_tables import Table, setting


def parse_duration(value: str | int | float) -> float:
    """A span as settings write it: "30m", "2h", "1h30m", "90s", or a number of seconds; ValueError otherwise."""
    import re

    if isinstance(value, bool):
        raise ValueError('write a duration like "30m" or "2h" (or a number of seconds)')
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        text = value.strip().lower().replace(" ", "")
        parts = re.fullmatch(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?", text) if text else None
        if text.isdigit():
            seconds = float(text)
        elif parts is None or not any(parts.groups()):
            raise ValueError(f'{value!r} is not a duration; write it like "30m", "2h" or "1h30m"')
        else:
            hours, minutes, secs = (int(part or 0) for part in parts.groups())
            seconds = float(hours * 3600 + minutes * 60 + secs)
    if seconds <= 0:
        raise ValueError(f"{value!r} must be longer than no time at all")
    return seconds


VIEW_NAMES = ("needs-reply", "waiting", "snoozed", "failed", "scheduled", "all")


def _duration(value: object) -> str:
    parse_duration(value)  # type: ignore[arg-type]
    return str(value).strip()


def _view(value: str) -> str:
    wanted = value.strip().lower().replace("_", "-").replace(" ", "-")
    if wanted not in VIEW_NAMES:  # store/views.py's View values (a test keeps them equal)
        raise ValueError(f"{value!r} is not a view; use one of {', '.join(VIEW_NAMES)}")
    return wanted


@dataclasses.dataclass
class TriageSection(Table):
    """[triage]: the list's views and how long a customer may wait."""

    waiting_warn: str = setting("30m", before=_duration)
    """In Needs reply, a wait this long turns amber: a duration like `"30m"`, `"2h"`, `"1h30m"` (or seconds)."""
    waiting_alert: str = setting("2h", before=_duration)
    """A wait this long turns red (a duration, as waiting_warn; at least as long as waiting_warn)."""
    default_view: str = setting("all", after=_view)
    """The view the list opens in: `needs-reply`, `waiting`, `snoozed`, `failed`, `scheduled` or `all` (keys 1–6 switch)."""
    auto_advance: bool = True
    """After a reply or a close, open the next conversation of the view (a run through Needs reply: Ctrl+T, Enter, Alt+S, again)."""

    def check(self) -> None:
        if self.alert_seconds < self.warn_seconds:
            raise ValueError("waiting_alert must be at least as long as waiting_warn")

    @property
    def warn_seconds(self) -> float:
        return parse_duration(self.waiting_warn)

    @property
    def alert_seconds(self) -> float:
        return parse_duration(self.waiting_alert)


SENDER_LABEL_MAX = 20


def e164_setting(value: str) -> str:
    """`value` as an E.164 number, or a ValueError whose message fits after a key's name."""
    from .sms.phones import InvalidNumber, to_e164

    if not value.strip().startswith("+"):  # no default country here: a sender is written in full
        raise ValueError(f"{value.strip()!r} needs its country code: write it with +, e.g. +1 415 555 0100")
    try:
        return to_e164(value)
    except InvalidNumber as error:
        import phonenumbers

        # Numbers in ranges kept for fiction (Ofcom's 07700 900xxx, as the demo's) are not "valid" in
        # phonenumbers' metadata, yet Sakari lists them: a number of a possible length is accepted.
        try:
            parsed = phonenumbers.parse(value, None)
        except phonenumbers.NumberParseException:
            parsed = None
        if parsed is not None and phonenumbers.is_possible_number(parsed):
            return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
        raise ValueError(str(error).rstrip(".")) from None


def _trimmed(value: str | None) -> str | None:
    return (value or "").strip() or None


def _label(value: str | None) -> str | None:
    value = _trimmed(value)
    if value is not None and len(value) > SENDER_LABEL_MAX:
        raise ValueError(f"a label is at most {SENDER_LABEL_MAX} characters (the list has little room)")
    return value


@dataclasses.dataclass
class SenderSetting(Table):
    """[[senders]]: one of the account's numbers, named (the list shows it) and with its Group's id."""

    number: str = setting(after=e164_setting)
    """The sender number with + and country code, as the Sakari Hub shows it (required in each [[senders]])."""
    label: str | None = setting(None, after=_label)
    """A short name for the list and the sender filter, e.g. `"Support"` (at most 20 characters); else the last digits."""
    group_id: str | None = setting(None, after=_trimmed)
    """The id of the number's Group (Hub › Groups): with it, a new conversation starts from this number; without, Sakari picks."""
