"""Text inputs that never echo escape sequences back to the terminal.

Textual inserts pasted text as it arrives, and an Input or TextArea draws its value raw: a
paste copied from a web page or another terminal can carry ESC/OSC bytes (an OSC 52 clipboard
write, a title change) that would then be written to the terminal on every redraw. Pastes are
sanitised before the widget's own paste handler runs (Textual dispatches handlers down the MRO,
subclass first, on the same event object).
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input, TextArea

from ...text import sanitize


def sanitize_paste(event: events.Paste) -> None:
    """Make a paste event's text safe in place (controls dropped, bidi overrides made visible)."""
    event.text = sanitize(event.text)


class SafeInput(Input):
    """An `Input` whose pastes are sanitised."""

    def _on_paste(self, event: events.Paste) -> None:
        sanitize_paste(event)


class SafeTextArea(TextArea):
    """A `TextArea` whose pastes are sanitised."""

    def _on_paste(self, event: events.Paste) -> None:
        sanitize_paste(event)
