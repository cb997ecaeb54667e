"""The compose box: a multi-line editor with a live SMS segment counter, and the file attached to
the reply (sent as MMS: the counter then prices one MMS). A path dropped or pasted into the box
attaches that file instead of typing the path (`FileDropped`)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

from rich.style import Style
from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Static, TextArea

from ...config import ComposeSection
from ...media.pasted import pasted_file
from ...sms.guard import cost_estimate
from ...sms.mms import kilobytes, mms_cost, mms_hints
from ...sms.segments import is_gsm7, segment_info, to_gsm7, ucs2_culprits
from ...sms.templates import PLACEHOLDER, unfilled
from ...text import sanitize
from ..format import segment_counter
from .inputs import SafeTextArea

if TYPE_CHECKING:
    from ...store.outbox_media import LocalFile

PLACEHOLDER_STYLE = Style(color="black", bgcolor="yellow", bold=True)
# Characters that force UCS-2 (and so cut a segment from 160 characters to 70).
UCS2_STYLE = Style(color="black", bgcolor="dark_orange", underline=True)


# Narrower than this (the compose box of an 80-column terminal), the counter says less.
WIDE_COUNTER = 60


def wrap_phrases(phrases: list[str], width: int) -> str:
    """`phrases` joined by " · ", with a line break in place of a separator wherever the next
    phrase would not fit in `width` (0: no limit); a phrase is never split."""
    lines: list[str] = []
    for phrase in (p for p in phrases if p):
        if lines and (width <= 0 or len(lines[-1]) + 3 + len(phrase) <= width):
            lines[-1] += " · " + phrase
        else:
            lines.append(phrase)
    return "\n".join(lines)


class ComposeArea(SafeTextArea):
    """A TextArea that highlights template placeholders still waiting to be filled and the
    characters that force UCS-2 (pastes sanitised; a pasted file path attaches the file)."""

    class FileDropped(Message):
        """A paste that is exactly one file's path (a file dropped on the terminal)."""

        def __init__(self, path: Path) -> None:
            super().__init__()
            self.path = path

    def _on_paste(self, event: events.Paste) -> None:
        # Before the sanitising and inserting handlers of the base classes (Textual runs the
        # subclass's first): a dropped file is attached, not typed.
        path = pasted_file(event.text)
        if path is not None:
            event.prevent_default()
            event.stop()
            self.post_message(self.FileDropped(path))

    def _set_theme(self, theme: str) -> None:
        super()._set_theme(theme)
        # Copy the styles: the builtin theme objects are shared between text areas.
        styles = {**self._theme.syntax_styles, "placeholder": PLACEHOLDER_STYLE, "ucs2": UCS2_STYLE}
        self._theme = dataclasses.replace(self._theme, syntax_styles=styles)

    def _build_highlight_map(self) -> None:
        super()._build_highlight_map()
        for row, line in enumerate(self.document.lines):
            # Highlights are byte offsets into the line's UTF-8.
            def span(start: int, end: int) -> tuple[int, int]:
                return len(line[:start].encode()), len(line[:end].encode())

            if "{{" in line:
                for match in PLACEHOLDER.finditer(line):
                    self._highlights[row].append((*span(match.start(), match.end()), "placeholder"))
            if not is_gsm7(line):  # (not just non-ASCII: a backtick or a tab forces UCS-2 too)
                for start, end, _ in ucs2_culprits(line):
                    self._highlights[row].append((*span(start, end), "ucs2"))


class ComposeBox(Vertical):
    """Text area plus counter. The app binds the keys that send (see the footer).

    When replies are off (`replies_off(reason)`) the box itself takes the focus instead of its
    text area: letters typed there, meant as text, are held back (so they cannot reach the
    inbox's single-letter commands) and the reason is said once.
    """

    takes_typed_keys = True
    """Keys held for a text field go here too when it has the focus (ui/type_ahead.py): typing
    behind Enter into a conversation whose replies are off is said why at once, as typing is."""

    HELP = """
## Reply

Write the reply here. **Enter** adds a line; **Ctrl+S** sends (checked first: length, opt-out,
unfilled placeholders, quiet hours); **Ctrl+T** inserts a template filled from the contact;
**Ctrl+G** replaces the characters that force UCS-2; **Ctrl+O** writes it in your editor;
**Alt+A** attaches a picture or file (sent as one MMS; dropping a file on the terminal attaches
it too); **Esc** goes back to the list. The line under the text counts segments and the cost.
"""

    DEFAULT_CSS = """
    ComposeBox { height: auto; max-height: 12; border-top: solid $primary-muted; }
    ComposeBox:focus-within { border-top: solid $accent; border-title-color: $accent; }
    ComposeBox:focus { border-top: solid $error; }
    ComposeBox TextArea { height: auto; min-height: 3; max-height: 9; border: none; padding: 0 1; }
    ComposeBox TextArea:focus { border: none; }
    ComposeBox #counter { height: auto; padding: 0 1; color: $text-muted; }
    ComposeBox #counter.too-long { color: $error; text-style: bold; }
    ComposeBox #counter.ucs2 { color: $warning; }
    ComposeBox #counter.unfilled { color: $warning; text-style: bold; }
    ComposeBox.disabled-reason #counter { color: $error; }
    ComposeBox #attachment { height: auto; padding: 0 1; color: $accent; display: none; }
    ComposeBox.attached #attachment { display: block; }
    ComposeBox.mms-warning #attachment { color: $warning; }
    """

    attachment: reactive[LocalFile | None] = reactive(None, init=False)
    """The file to send with the reply (as MMS), or None."""

    def __init__(self, settings: ComposeSection | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.settings = settings or ComposeSection()
        self.recipient: str | None = None
        """The open conversation's number (E.164), for the cost estimate's country."""
        # Held directly: the app reads the text while shutting down, when queries find nothing.
        self.area = ComposeArea(id="compose-input", soft_wrap=True, show_line_numbers=False, tab_behavior="focus")
        self.area.placeholder = "Open a conversation to reply"
        self.counter = Static(Content("GSM-7 · 0 segments · 0/160"), id="counter")
        self.attachment_line = Static("", id="attachment", markup=False)
        self.attach_key = "Alt+A"
        """How the attach key is named in the attachment line (the screen sets it from the keymap)."""
        self.off_reason: str | None = None
        """Why replies are off here (None when they are on)."""
        self._said_off = False
        self.can_focus = False

    def replies_off(self, reason: str | None, *, placeholder: str) -> None:
        """Turn replies off with the sentence that says why (None turns them on, with `placeholder`)."""
        self.off_reason = reason
        self._said_off = False
        self.area.disabled = reason is not None
        self.can_focus = reason is not None
        self.set_class(reason is not None, "disabled-reason")
        self.area.placeholder = "" if reason else placeholder  # never "write a reply" over a box that takes none
        self.update_counter(reason)

    def say_why_off(self) -> None:
        if self.off_reason:
            self._said_off = True
            self.notify(self.off_reason, severity="warning")

    def check_consume_key(self, key: str, character: str | None) -> bool:
        # Replies off and the box focused: printable keys are text meant for a reply, not commands.
        return self.off_reason is not None and character is not None and character.isprintable()

    def on_key(self, event) -> None:
        if self.off_reason is None or self.has_focus is False:
            return
        if event.key == "enter" or (event.character and event.character.isprintable()):
            event.stop()
            event.prevent_default()
            if event.key == "enter" or not self._said_off:
                self.say_why_off()  # once for letters; Enter asks, so it is told each time

    def compose(self) -> ComposeResult:
        yield self.area
        yield self.attachment_line
        yield self.counter

    def watch_attachment(self) -> None:
        self._show_attachment()
        self.update_counter()

    def _show_attachment(self) -> None:
        attached = self.attachment
        self.set_class(attached is not None, "attached")
        if attached is None:
            self.set_class(False, "mms-warning")
            return
        # The warnings in a few words; the whole sentences are asked about when it is sent.
        hints = mms_hints(attached.size, self.recipient, self.settings)
        self.set_class(bool(hints), "mms-warning")
        phrases = [f"📎 {attached.name}", attached.content_type, kilobytes(attached.size), *hints]
        phrases.append(f"{self.attach_key} changes or removes it")
        self.attachment_line.update(wrap_phrases(phrases, self.attachment_line.content_size.width))

    @property
    def text(self) -> str:
        return self.area.text

    def set_text(self, text: str) -> None:
        self.area.load_text(text)
        self.area.move_cursor(self.area.document.end)
        self.update_counter()

    def insert(self, text: str) -> None:
        self.area.insert(text)
        self.update_counter()

    def replace_all(self, text: str) -> None:
        """Put `text` in place of everything, as one edit that Ctrl+Z takes back (unlike set_text)."""
        self.area.replace(sanitize(text), self.area.document.start, self.area.document.end)
        self.area.move_cursor(self.area.document.end)
        self.update_counter()

    def fold_to_gsm7(self) -> str:
        """Replace what forces UCS-2 with GSM-7 look-alikes; one sentence on what it did."""
        before = segment_info(self.text)
        if not before.forcing_chars:
            return "Already GSM-7: nothing to replace."
        folded = to_gsm7(self.text)
        if folded.replaced:
            self.replace_all(folded.text)
        after = segment_info(folded.text)
        saved = before.segments - after.segments
        done = (
            f"Replaced {folded.replaced} character{'s' if folded.replaced != 1 else ''}"
            if folded.replaced
            else "Nothing could be replaced"
        )
        segments = f"{after.segments} segment{'s' if after.segments != 1 else ''}"
        change = f"{before.segments} → {segments}" + (f", saves {saved}" if saved > 0 else ": no change in cost")
        if folded.remaining:
            left = ", ".join(folded.remaining[:3]) + ("…" if len(folded.remaining) > 3 else "")
            return f"{done} ({change}); still UCS-2 because of {left}, which GSM-7 has no match for."
        return f"{done}: now GSM-7 ({change}). Ctrl+Z undoes it."

    def update_counter(self, notice: str | None = None) -> None:
        notice = notice or self.off_reason  # while replies are off, the line says why, whatever changed
        counter = self.counter
        info = segment_info(self.text)
        counter.set_class(info.too_long, "too-long")
        counter.set_class(bool(info.forcing_chars) and not info.too_long, "ucs2")
        missing = unfilled(self.text)
        counter.set_class(bool(missing), "unfilled")
        if notice:
            counter.update(Content(notice))
            return
        # Phrases joined by " · ", broken onto a new line only between two phrases, never inside
        # one; where the box is narrow (an 80-column terminal) the characters that force UCS-2 are
        # left out (the text shows them highlighted anyway).
        width = counter.content_size.width
        if self.attachment is not None:
            # One MMS, one price: the text is its body, not a string of segments.
            chars = len(self.text)
            phrases = ["MMS · 1 message", f"{chars} character{'s' if chars != 1 else ''}", mms_cost(self.settings)]
            if missing:
                phrases.append("not filled: " + ", ".join(missing))
            counter.update(Content(wrap_phrases(phrases, width)))
            return
        head = segment_counter(info)
        if info.forcing_chars and 0 < width < WIDE_COUNTER:
            head = segment_counter(dataclasses.replace(info, forcing_chars=()))
        phrases = head.split(" · ")
        if info.segments:
            phrases.append(cost_estimate(info, self.recipient, self.settings))
            if info.forcing_chars and to_gsm7(self.text).replaced:
                phrases.append("Ctrl+G → GSM-7")
        if missing:
            phrases.append("not filled: " + ", ".join(missing))
        counter.update(Content(wrap_phrases(phrases, width)))

    def on_resize(self) -> None:
        self.update_counter(self.off_reason)
        self._show_attachment()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self.update_counter()
