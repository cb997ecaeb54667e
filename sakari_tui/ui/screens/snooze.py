"""The snooze dialog (z): presets, a typed time in the operator's zone, or Unsnooze.

Every choice shows its date before it is taken ("Tomorrow 09:00 · Wed 2 Dec 09:00"; a typed time
reads "Snooze until Fri 5 Dec 14:00" under the box), so "fri" on a Friday evening cannot mean a
week away by surprise. It answers with the moment chosen, `UNSNOOZE`, or None (Esc).
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ...sms.snooze_times import SnoozeTimeError, describe_until, parse_snooze_time, presets
from ..widgets.inputs import SafeInput
from .dialog import Dialog

UNSNOOZE: Literal["unsnooze"] = "unsnooze"
SnoozeAnswer = datetime | Literal["unsnooze"] | None


class SnoozeScreen(Dialog[SnoozeAnswer]):
    DEFAULT_CSS = """
    SnoozeScreen > .dialog { width: 60; max-width: 100%; height: auto; max-height: 100%; padding: 1 2; }
    SnoozeScreen.-short > .dialog { padding: 0 1; }
    SnoozeScreen #snooze-options { height: auto; max-height: 7; margin-bottom: 1; }
    SnoozeScreen #snooze-preview { color: $text-muted; }
    SnoozeScreen #snooze-preview.-error { color: $error; }
    """
    BINDINGS = [Binding("escape", "dismiss_none", "Close", id="snooze.close")]

    def __init__(self, name: str, now: datetime, zone: tzinfo, *, snoozed_until: datetime | None = None) -> None:
        super().__init__()
        self.contact_name = name
        self.now = now
        self.zone = zone
        self.snoozed_until = snoozed_until
        self._choices: list[SnoozeAnswer] = []
        self._typed: datetime | None = None

    def compose(self) -> ComposeResult:
        options: list[Option] = []
        if self.snoozed_until is not None:
            options.append(Option(f"Unsnooze (snoozed until {describe_until(self.snoozed_until, self.zone)})"))
            self._choices.append(UNSNOOZE)
        for label, moment in presets(self.now, self.zone):
            options.append(Option(f"{label} · {describe_until(moment, self.zone)}"))
            self._choices.append(moment)
        with Vertical(classes="dialog"):
            yield Static(Content(f"Snooze {self.contact_name} until…"), id="snooze-title")
            yield OptionList(*options, id="snooze-options")
            yield SafeInput(placeholder="or type: 2h, 45m, tomorrow 9am, fri 14:00", id="snooze-time")
            yield Static(Content("Enter chooses · Tab to type a time · Esc closes"), id="snooze-preview")

    def on_mount(self) -> None:
        self.query_one("#snooze-options", OptionList).focus()

    @on(OptionList.OptionSelected, "#snooze-options")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self._choices[event.option_index])

    @on(Input.Changed, "#snooze-time")
    def _typed_changed(self, event: Input.Changed) -> None:
        event.stop()
        preview = self.query_one("#snooze-preview", Static)
        self._typed = None
        if not event.value.strip():
            preview.update(Content("Enter chooses · Esc closes"))
            preview.set_class(False, "-error")
            return
        try:
            self._typed = parse_snooze_time(event.value, self.now, self.zone)
        except SnoozeTimeError as error:
            preview.update(Content(str(error)))
            preview.set_class(True, "-error")
            return
        preview.update(Content(f"Snooze until {describe_until(self._typed, self.zone)} · Enter confirms"))
        preview.set_class(False, "-error")

    @on(Input.Submitted, "#snooze-time")
    def _typed_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._typed is not None:
            self.dismiss(self._typed)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
