"""The compose box: a multi-line editor with a live SMS segment counter."""

from __future__ import annotations

import dataclasses

from rich.style import Style
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static, TextArea

from ...config import ComposeSection
from ...sms.guard import cost_estimate
from ...sms.segments import is_gsm7, segment_info, to_gsm7, ucs2_culprits
from ...sms.templates import PLACEHOLDER, unfilled
from ...text import sanitize
from ..format import segment_counter
from .inputs import SafeTextArea

PLACEHOLDER_STYLE = Style(color="black", bgcolor="yellow", bold=True)
# Characters that force UCS-2 (and so cut a segment from 160 characters to 70).
UCS2_STYLE = Style(color="black", bgcolor="dark_orange", underline=True)


class ComposeArea(SafeTextArea):
    """A TextArea that highlights template placeholders still waiting to be filled and the
    characters that force UCS-2 (pastes sanitised)."""

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
    """Text area plus counter. The app binds the keys that send (see the footer)."""

    DEFAULT_CSS = """
    ComposeBox { height: auto; max-height: 12; border-top: solid $primary-muted; }
    ComposeBox TextArea { height: auto; min-height: 3; max-height: 9; border: none; padding: 0 1; }
    ComposeBox TextArea:focus { border: none; }
    ComposeBox #counter { height: auto; padding: 0 1; color: $text-muted; }
    ComposeBox #counter.too-long { color: $error; text-style: bold; }
    ComposeBox #counter.ucs2 { color: $warning; }
    ComposeBox #counter.unfilled { color: $warning; text-style: bold; }
    ComposeBox.disabled-reason #counter { color: $error; }
    """

    def __init__(self, settings: ComposeSection | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.settings = settings or ComposeSection()
        self.recipient: str | None = None
        """The open conversation's number (E.164), for the cost estimate's country."""
        # Held directly: the app reads the text while shutting down, when queries find nothing.
        self.area = ComposeArea(id="compose-input", soft_wrap=True, show_line_numbers=False, tab_behavior="focus")
        self.area.placeholder = "Open a conversation to reply"
        self.counter = Static(Content("GSM-7 · 0 segments · 0/160"), id="counter")

    def compose(self) -> ComposeResult:
        yield self.area
        yield self.counter

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
        change = f"{before.segments} → {after.segments} segments" + (f", saves {saved}" if saved > 0 else "")
        if folded.remaining:
            left = ", ".join(folded.remaining[:3]) + ("…" if len(folded.remaining) > 3 else "")
            return f"{done} ({change}); still UCS-2 because of {left}, which GSM-7 has no match for."
        return f"{done}: now GSM-7 ({change}). Ctrl+Z undoes it."

    def update_counter(self, notice: str | None = None) -> None:
        counter = self.counter
        info = segment_info(self.text)
        counter.set_class(info.too_long, "too-long")
        counter.set_class(bool(info.forcing_chars) and not info.too_long, "ucs2")
        text = notice or segment_counter(info)
        if not notice and info.segments:
            text += f" · {cost_estimate(info, self.recipient, self.settings)}"
            if info.forcing_chars and to_gsm7(self.text).replaced:
                text += " · Ctrl+G → GSM-7"
        missing = unfilled(self.text)
        if missing and not notice:
            text += " · not filled: " + ", ".join(missing)
        counter.set_class(bool(missing), "unfilled")
        counter.update(Content(text))

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self.update_counter()
