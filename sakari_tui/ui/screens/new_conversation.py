"""A small form to text a new number: number (validated), optional name, the sender, first message.

The sender (when the account has any known) defaults to the number this contact last texted,
else the list's sender filter, else the first. Only a sender with a Group id in `[[senders]]` can
be asked for (`phoneNumberFilter`); for one without, the form says Sakari picks. Starting from
another number than the one the contact last texted is said in one sentence, and takes a
second Ctrl+S.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Input, Label, Static, TextArea

from ...senders import SenderBook
from ...sms.phones import InvalidNumber, to_e164
from ...sms.segments import segment_info
from ...text import for_display, one_line
from ..format import number_label, segment_counter
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
    sender: str | None = None
    """The sender number chosen (None when the account's numbers are not known yet)."""
    group_id: str | None = None
    """That sender's Group id from `[[senders]]`: the first text is asked to go from it."""


def describe_sender(senders: SenderBook, number: str) -> str:
    """A sender as a sentence names it: "Support (+1 415-555-0100)", or the number alone (sanitised)."""
    label, number = senders.parts(number)
    formatted = number_label(number)
    return f"{for_display(one_line(label, 40))} ({formatted})" if label else formatted


def short_sender(senders: SenderBook, number: str) -> str:
    """The sender's label, or its number formatted (sanitised)."""
    label, number = senders.parts(number)
    return for_display(one_line(label, 40)) if label else number_label(number)


class SenderChoice(Static, can_focus=True):
    """One line, "From ◂ Support (+1 415-555-0100) ▸": ←/→ (or Space) change the sender."""

    DEFAULT_CSS = """
    SenderChoice { height: 1; margin-top: 1; }
    SenderChoice:focus { background: $block-cursor-background; color: $block-cursor-foreground; }
    """
    BINDINGS = [
        Binding("right,space", "step(1)", "Next sender", show=False, id="new.next_sender"),
        Binding("left", "step(-1)", "Previous sender", show=False, id="new.previous_sender"),
    ]

    class Changed(Message):
        """The person picked another sender."""

    def __init__(self, senders: SenderBook, chosen: str, *, id: str) -> None:
        super().__init__(id=id)
        self.senders = senders
        self.chosen = chosen

    def on_mount(self) -> None:
        self.show()

    def choose(self, number: str) -> None:
        self.chosen = number
        self.show()

    def show(self) -> None:
        arrows = len(self.senders) > 1
        shown = describe_sender(self.senders, self.chosen)
        self.update(Content(f"From  ◂ {shown} ▸   (←/→ changes)" if arrows else f"From  {shown}"))

    def action_step(self, step: int) -> None:
        numbers = self.senders.numbers
        if len(numbers) < 2:
            return
        index = numbers.index(self.chosen) if self.chosen in numbers else 0
        self.choose(numbers[(index + step) % len(numbers)])
        self.post_message(self.Changed())


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
    NewConversationScreen #new-sender-note { color: $warning; height: auto; }
    NewConversationScreen #new-buttons { height: auto; margin-top: 1; align-horizontal: right; }
    NewConversationScreen Button { margin-left: 1; }
    /* 80×24: no blank rows, a shorter message box (it scrolls), so all of it and the buttons fit. */
    NewConversationScreen.-short > .dialog { padding: 0 2; }
    NewConversationScreen.-short Label { margin-top: 0; }
    NewConversationScreen.-short SenderChoice { margin-top: 0; }
    NewConversationScreen.-short #new-text { height: 3; }
    NewConversationScreen.-short #new-error { margin-top: 0; }
    NewConversationScreen.-short #new-buttons { margin-top: 0; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="new.cancel"),
        Binding("ctrl+s", "submit", "Send", id="new.send", priority=True),
    ]

    def __init__(
        self,
        default_country: str,
        filled: NewConversation | None = None,
        *,
        senders: SenderBook | None = None,
        preferred: str = "",
        last_sender: Callable[[str], tuple[str, str] | None] | None = None,
    ) -> None:
        """`filled`: what the user wrote last time (a first text that did not go), so nothing is retyped.

        `senders`: the account's numbers; `preferred`: the list's sender filter ("" for none);
        `last_sender(number)`: (contact's name, sender number) of the contact's newest conversation.
        """
        super().__init__()
        self.default_country = default_country
        self.filled = filled
        self.senders = senders if senders is not None else SenderBook()
        self.preferred = preferred
        self.last_sender = last_sender or (lambda number: None)
        self._chosen_by_hand = bool(filled and filled.sender in self.senders.numbers)
        # The (number, sender) whose continuity warning a first Ctrl+S showed: a second one sends.
        self._warned: tuple[str, str] | None = None

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
            # After the text, next to Send: the number, name and text are typed in the order they
            # always were, and the sender (and any warning about it) is the last thing read.
            if len(self.senders):
                chosen = self.filled.sender if self._chosen_by_hand and self.filled else self._default_sender(None)
                yield SenderChoice(self.senders, chosen or self.senders.numbers[0], id="new-sender")
                yield Static(Content(""), id="new-sender-note")
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
        self._update_sender()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self._update_counter()

    def _update_counter(self) -> None:
        text = self.query_one("#new-text", TextArea).text
        self.query_one("#new-counter", Static).update(Content(segment_counter(segment_info(text))))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.focus_next()

    # --- the sender ---------------------------------------------------------------------------

    def _typed_number(self) -> str | None:
        try:
            return to_e164(self.query_one("#new-number", Input).value, self.default_country)
        except InvalidNumber:
            return None

    def _default_sender(self, number: str | None) -> str:
        """The number this contact last texted, else the list's filter, else the first."""
        last = self.last_sender(number) if number else None
        for candidate in (last[1] if last else "", self.preferred):
            if candidate and candidate in self.senders.numbers:
                return candidate
        return self.senders.numbers[0]

    @property
    def sender_choice(self) -> SenderChoice | None:
        found = self.query("#new-sender")
        return found.first(SenderChoice) if found else None

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "new-number":
            choice = self.sender_choice
            if choice is not None and not self._chosen_by_hand:
                choice.choose(self._default_sender(self._typed_number()))
            self._update_sender()

    def on_sender_choice_changed(self, event: SenderChoice.Changed) -> None:
        event.stop()
        self._chosen_by_hand = True
        self._update_sender()

    def continuity_warning(self) -> str | None:
        """ "Casey last texted Support (…); you are starting from Sales." when the chosen sender
        (one that can be asked for) is not the number this contact last texted; else None."""
        choice, number = self.sender_choice, self._typed_number()
        if choice is None or number is None or not self.senders.group_id(choice.chosen):
            return None
        last = self.last_sender(number)
        if last is None or last[1] == choice.chosen:
            return None
        name, last_number = last
        who = for_display(one_line(name, 40)) if name and name != number else "This number"
        return (
            f"{who} last texted {describe_sender(self.senders, last_number)}; "
            f"you are starting from {short_sender(self.senders, choice.chosen)}."
        )

    def sender_note(self) -> str:
        """The sentence under the sender: what cannot be chosen, or the continuity warning."""
        choice = self.sender_choice
        if choice is None:
            return ""
        if not self.senders.group_id(choice.chosen):
            return (
                f"No group id for {short_sender(self.senders, choice.chosen)} in [[senders]]: "
                "Sakari picks the number (usually the contact's last one)."
            )
        return self.continuity_warning() or ""

    def _update_sender(self) -> None:
        found = self.query("#new-sender-note")
        if not found:
            return
        note = self.sender_note()
        widget = found.first(Static)
        widget.update(Content(note))
        widget.display = bool(note)

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
        choice = self.sender_choice
        sender = choice.chosen if choice is not None else None
        if sender is not None and self.continuity_warning() and self._warned != (number, sender):
            self._warned = (number, sender)
            self._error(
                f"Press Ctrl+S again to start from {short_sender(self.senders, sender)} anyway, "
                "or pick another sender on the From line.",
                "#new-text",
            )
            return
        first, _, last = self.query_one("#new-name", Input).value.strip().partition(" ")
        self.dismiss(
            NewConversation(
                number,
                first or None,
                last.strip() or None,
                text,
                sender=sender,
                group_id=self.senders.group_id(sender),
            )
        )

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
