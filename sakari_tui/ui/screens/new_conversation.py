"""A small form to text a new number: number (validated), optional name, first message."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Input, Label, Static, TextArea

from ...sms.phones import InvalidNumber, to_e164
from ...sms.segments import segment_info
from ..format import segment_counter
from ..widgets.inputs import SafeInput, SafeTextArea
from .confirm import ConfirmScreen
from .dialog import Dialog


@dataclass(frozen=True)
class NewConversation:
    number: str
    """E.164."""
    first_name: str | None
    last_name: str | None
    text: str


class NewConversationScreen(Dialog[NewConversation | None]):
    HELP = """
## New conversation

Text a number that has no conversation here: the number (with + and the country code, or in
your default country), an optional name, and the first message. **Ctrl+S** sends it through the
outbox like any reply.
"""
    DEFAULT_CSS = """
    NewConversationScreen > .dialog {
        width: 70; max-width: 100%; height: auto; max-height: 100%;
        padding: 1 2;
    }
    NewConversationScreen Label { margin-top: 1; }
    NewConversationScreen #new-text { height: 5; }
    NewConversationScreen #new-error { color: $error; height: auto; margin-top: 1; }
    NewConversationScreen #new-counter { color: $text-muted; }
    NewConversationScreen #new-buttons { height: auto; margin-top: 1; align-horizontal: right; }
    NewConversationScreen Button { margin-left: 1; }
    /* 80×24: no blank rows, a shorter message box (it scrolls), so all of it and the buttons fit. */
    NewConversationScreen.-short > .dialog { padding: 0 2; }
    NewConversationScreen.-short Label { margin-top: 0; }
    NewConversationScreen.-short #new-text { height: 3; }
    NewConversationScreen.-short #new-error { margin-top: 0; }
    NewConversationScreen.-short #new-buttons { margin-top: 0; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="new.cancel"),
        Binding("ctrl+s", "submit", "Send", id="new.send", priority=True),
    ]

    def __init__(self, default_country: str, filled: NewConversation | None = None) -> None:
        """`filled`: what the user wrote last time (a first text that did not go), so nothing is retyped."""
        super().__init__()
        self.default_country = default_country
        self.filled = filled

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Static(Content.styled("New conversation", "bold"))
            yield Label(Content(f"Phone number (+country code, or a {self.default_country} number)"))
            yield SafeInput(placeholder="+1 415 555 0100", id="new-number")
            yield Label(Content("Name (optional)"))
            yield SafeInput(placeholder="First Last", id="new-name")
            yield Label(Content("First message"))
            yield SafeTextArea(id="new-text", soft_wrap=True, tab_behavior="focus")
            yield Static(Content(""), id="new-counter")
            with Vertical(classes="dialog-footer"):
                yield Static(Content(""), id="new-error")
                with Horizontal(id="new-buttons"):
                    yield Button("Cancel", id="new-cancel")
                    yield Button("Send  ^s", id="new-send", variant="primary")

    def on_mount(self) -> None:
        if self.filled is not None:
            name = " ".join(part for part in (self.filled.first_name, self.filled.last_name) if part)
            self.query_one("#new-number", Input).value = self.filled.number
            self.query_one("#new-name", Input).value = name
            self.query_one("#new-text", TextArea).text = self.filled.text
        self.query_one("#new-number", Input).focus()
        self._update_counter()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self._update_counter()

    def _update_counter(self) -> None:
        text = self.query_one("#new-text", TextArea).text
        self.query_one("#new-counter", Static).update(Content(segment_counter(segment_info(text))))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.focus_next()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "new-send":
            self.action_submit()
        else:
            self.action_cancel()

    def _error(self, text: str, focus: str) -> None:
        self.query_one("#new-error", Static).update(Content(text))
        self.query_one(focus).focus()

    def action_submit(self) -> None:
        raw_number = self.query_one("#new-number", Input).value
        try:
            number = to_e164(raw_number, self.default_country)
        except InvalidNumber as error:
            self._error(str(error), "#new-number")
            return
        text = self.query_one("#new-text", TextArea).text
        info = segment_info(text)
        if not text.strip():
            self._error("Write the first message: it is what starts the conversation.", "#new-text")
            return
        if info.too_long:
            self._error(f"The message is {info.segments} segments long; the limit is 10.", "#new-text")
            return
        first, _, last = self.query_one("#new-name", Input).value.strip().partition(" ")
        self.dismiss(NewConversation(number, first or None, last.strip() or None, text))

    def typed(self) -> bool:
        """True when something is written in the form (Esc then asks before throwing it away)."""
        return any(
            value.strip()
            for value in (
                self.query_one("#new-number", Input).value,
                self.query_one("#new-name", Input).value,
                self.query_one("#new-text", TextArea).text,
            )
        )

    def action_cancel(self) -> None:
        if not self.typed():
            self.dismiss(None)
            return
        self.app.push_screen(
            ConfirmScreen(
                "Discard this new conversation? What you wrote is not kept.", yes="Discard", no="Keep editing"
            ),
            lambda discard: self.dismiss(None) if discard else None,
        )
