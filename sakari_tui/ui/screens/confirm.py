"""A yes/no question in a small dialog (y / n / Esc)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Static

from .dialog import Dialog


class ConfirmScreen(Dialog[bool]):
    DEFAULT_CSS = """
    ConfirmScreen > .dialog {
        width: 64; max-width: 100%; height: auto; max-height: 100%; border: thick $warning; padding: 1 2;
    }
    ConfirmScreen.-short > .dialog { padding: 0 2; }
    ConfirmScreen #confirm-buttons { height: auto; margin-top: 1; align-horizontal: right; }
    ConfirmScreen Button { margin-left: 1; }
    ConfirmScreen #confirm-later-row { height: auto; margin-top: 1; align-horizontal: right; }
    ConfirmScreen #confirm-later { width: 1fr; }
    """
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str, *, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.question = question
        self.yes = yes
        self.no = no

    # How the buttons name their keys.
    YES_KEY = "y"
    NO_KEY = "n"

    def compose(self) -> ComposeResult:
        # A long question scrolls; the buttons stay in view below it.
        with VerticalScroll(classes="dialog"):
            yield Static(Content(self.question), id="confirm-question")
            with Horizontal(id="confirm-buttons", classes="dialog-footer"):
                yield Button(f"{self.no} ({self.NO_KEY})", id="confirm-no")
                yield Button(f"{self.yes} ({self.YES_KEY})", id="confirm-yes", variant="warning")

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


SEND_LATER = "later"
"""What SendAnywayScreen answers when its third choice (send at their next window) is taken."""


class SendAnywayScreen(ConfirmScreen, inherit_bindings=False):
    """Asks before a reply goes out. Ctrl+S again sends, Esc keeps editing: a "y" typed on
    after the first Ctrl+S (the compose box had the focus) cannot send by accident.

    With `later` (the label of the next minute inside the recipient's window, e.g. "Send at
    08:00 their time (Tue 08:00 CST = 15:00 here)"), a third choice, Ctrl+L, answers `SEND_LATER`."""

    BINDINGS = [
        Binding("ctrl+s", "answer(True)", "Send anyway", id="send_anyway.yes"),
        Binding("escape", "answer(False)", "Keep editing", id="send_anyway.no"),
        Binding("ctrl+l", "later", "Send in their window", id="send_anyway.later"),
    ]
    YES_KEY = "Ctrl+S"
    NO_KEY = "Esc"
    LATER_KEY = "Ctrl+L"

    def __init__(self, question: str, *, later: str | None = None) -> None:
        super().__init__(question, yes="Send anyway", no="Keep editing")
        self.later = later

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Static(Content(self.question), id="confirm-question")
            # One footer for both rows: two docked to the bottom would lie on top of each other.
            with Vertical(id="confirm-footer", classes="dialog-footer"):
                if self.later:
                    with Horizontal(id="confirm-later-row"):
                        yield Button(f"{self.later} ({self.LATER_KEY})", id="confirm-later", variant="primary")
                with Horizontal(id="confirm-buttons"):
                    yield Button(f"{self.no} ({self.NO_KEY})", id="confirm-no")
                    yield Button(f"{self.yes} ({self.YES_KEY})", id="confirm-yes", variant="warning")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "confirm-later":
            self.dismiss(SEND_LATER)  # type: ignore[arg-type]
            return
        super().on_button_pressed(event)

    def action_later(self) -> None:
        if self.later:
            self.dismiss(SEND_LATER)  # type: ignore[arg-type]


def quit_while_sending(count: int, scheduled: int = 0) -> ConfirmScreen:
    """The question before quitting with `count` replies still being sent or looked for and
    `scheduled` replies waiting for their time."""
    parts = []
    if count:
        parts.append(f"{count} {'reply is' if count == 1 else 'replies are'} still being sent or checked")
    if scheduled:
        parts.append(f"{scheduled} scheduled {'reply waits' if scheduled == 1 else 'replies wait'} for its time")
    after = []
    if count:
        after.append("replies being sent are checked and sent the next time sakari-tui starts")
    if scheduled:
        after.append(
            "scheduled replies go out only while sakari-tui runs (or `sakari-tui outbox run` from cron), "
            "late if their time passes meanwhile"
        )
    return ConfirmScreen(
        f"{' and '.join(parts)}. Quit anyway? They stay in the outbox: {'; '.join(after)}.",
        yes="Quit",
        no="Stay",
    )
