"""Send later: a typed time ("2h", "tomorrow 9am", "fri 14:00") in the operator's zone, shown
with its date (and the recipient's clock) as it is typed. Enter schedules, Esc closes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone, tzinfo

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Input, Static

from ...sms.send_times import HINT, parse_send_time
from .dialog import Dialog

RUNS_ONLY_WHILE_OPEN = "Scheduled replies go out only while sakari-tui runs (or `sakari-tui outbox run` from cron)."


def when_label(when: datetime, zone: tzinfo | None = None) -> str:
    """'Tue 1 Dec 08:00' in the operator's zone (`zone`; None: this machine's)."""
    local = when.astimezone(zone)
    return f"{local:%a} {local.day} {local:%b %H:%M}"


class ScheduleScreen(Dialog[datetime | None]):
    """Asks when to send the reply; dismisses with the moment (aware) or None."""

    DEFAULT_CSS = """
    ScheduleScreen > .dialog { width: 64; max-width: 100%; height: auto; max-height: 100%; padding: 1 2; }
    ScheduleScreen.-short > .dialog { padding: 0 2; }
    ScheduleScreen #schedule-when { height: auto; margin-top: 1; }
    ScheduleScreen #schedule-note { height: auto; margin-top: 1; color: $text-muted; }
    ScheduleScreen #schedule-buttons { height: auto; margin-top: 1; align-horizontal: right; }
    ScheduleScreen Button { margin-left: 1; }
    """
    BINDINGS = [Binding("escape", "cancel", "Close", id="schedule.cancel")]

    def __init__(
        self,
        now: datetime,
        *,
        zone: tzinfo | None = None,
        their_clock: Callable[[datetime], str] = lambda when: "",
        initial: str = "",
    ) -> None:
        super().__init__()
        self.now = now if now.tzinfo else now.replace(tzinfo=timezone.utc)
        self.zone = zone
        self.their_clock = their_clock
        self.initial = initial
        self.when: datetime | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Static(Content("Send this reply later, at:"), id="schedule-title")
            yield Input(self.initial, placeholder="2h, 14:30, tomorrow 9am, fri 14:00", id="schedule-input")
            yield Static(Content(HINT), id="schedule-when")
            yield Static(Content(RUNS_ONLY_WHILE_OPEN), id="schedule-note")
            with Horizontal(id="schedule-buttons", classes="dialog-footer"):
                yield Button("Cancel (Esc)", id="schedule-cancel")
                yield Button("Schedule (Enter)", id="schedule-ok", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#schedule-input", Input).focus()
        self._read(self.initial)

    def on_input_changed(self, event: Input.Changed) -> None:
        self._read(event.value)

    def _read(self, typed: str) -> None:
        shown = self.query_one("#schedule-when", Static)
        if not typed.strip():
            self.when = None
            shown.update(Content(HINT))
            return
        try:
            self.when = parse_send_time(typed, self.now, self.zone)
        except ValueError as error:
            self.when = None
            shown.update(Content(str(error)))
            return
        theirs = self.their_clock(self.when)
        shown.update(Content(f"{when_label(self.when, self.zone)}" + (f" (their {theirs})" if theirs else "")))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._confirm()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "schedule-ok":
            self._confirm()
        else:
            self.dismiss(None)

    def _confirm(self) -> None:
        if self.when is None:
            self.notify("Not scheduled: " + HINT, severity="warning")
            return
        self.dismiss(self.when)

    def action_cancel(self) -> None:
        self.dismiss(None)
