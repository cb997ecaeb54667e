"""A yes/no question in a small dialog (y / n / Esc)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
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


class SendAnywayScreen(ConfirmScreen, inherit_bindings=False):
    """Asks before a reply goes out. Ctrl+S again sends, Esc keeps editing: a "y" typed on
    after the first Ctrl+S (the compose box had the focus) cannot send by accident."""

    BINDINGS = [
        Binding("ctrl+s", "answer(True)", "Send anyway", id="send_anyway.yes"),
        Binding("escape", "answer(False)", "Keep editing", id="send_anyway.no"),
    ]
    YES_KEY = "Ctrl+S"
    NO_KEY = "Esc"

    def __init__(self, question: str) -> None:
        super().__init__(question, yes="Send anyway", no="Keep editing")


def quit_while_sending(count: int) -> ConfirmScreen:
    """The question before quitting with `count` replies still being sent or looked for."""
    return ConfirmScreen(
        f"{count} {'reply is' if count == 1 else 'replies are'} still being sent or checked. "
        "Quit anyway? They stay in the outbox and are checked and sent the next time sakari-tui starts.",
        yes="Quit",
        no="Stay",
    )
