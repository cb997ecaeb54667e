"""The compose box: a multi-line editor with a live SMS segment counter."""

from __future__ import annotations

import dataclasses

from rich.style import Style
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static, TextArea

from ...sms import segment_info
from ...templates import PLACEHOLDER, unfilled
from ..format import segment_counter
from .inputs import SafeTextArea

PLACEHOLDER_STYLE = Style(color="black", bgcolor="yellow", bold=True)


class ComposeArea(SafeTextArea):
    """A TextArea that highlights template placeholders still waiting to be filled (pastes sanitised)."""

    def _set_theme(self, theme: str) -> None:
        super()._set_theme(theme)
        # Copy the styles: the builtin theme objects are shared between text areas.
        styles = {**self._theme.syntax_styles, "placeholder": PLACEHOLDER_STYLE}
        self._theme = dataclasses.replace(self._theme, syntax_styles=styles)

    def _build_highlight_map(self) -> None:
        super()._build_highlight_map()
        for row, line in enumerate(self.document.lines):
            if "{{" not in line:
                continue
            for match in PLACEHOLDER.finditer(line):
                start = len(line[: match.start()].encode())
                end = len(line[: match.end()].encode())
                self._highlights[row].append((start, end, "placeholder"))


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

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
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

    def update_counter(self, notice: str | None = None) -> None:
        counter = self.counter
        info = segment_info(self.text)
        counter.set_class(info.too_long, "too-long")
        counter.set_class(bool(info.forcing_chars) and not info.too_long, "ucs2")
        text = notice or segment_counter(info)
        missing = unfilled(self.text)
        if missing and not notice:
            text += " · not filled: " + ", ".join(missing)
        counter.set_class(bool(missing), "unfilled")
        counter.update(Content(text))

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self.update_counter()
