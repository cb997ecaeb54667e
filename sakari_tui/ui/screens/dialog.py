"""The frame every dialog shares: centred over the inbox, a thick border, the surface colour.

Each dialog's outer container carries the `dialog` class; the dialog itself sets only what
differs (its size, its padding, a warning border). A dialog's workers that fail unexpectedly
are reported like the inbox's, by the app's one handler.

Small terminals: a form's outer container is a `VerticalScroll` and what must stay in view
however little room there is (its error line, its buttons) sits in a `dialog-footer` docked to
its bottom, so the fields scroll and the footer does not. Below `SHORT_ROWS` rows the screen has
the `-short` class, for dialogs to drop their spacing.
"""

from __future__ import annotations

from typing import ClassVar, TypeVar

from textual.binding import Binding
from textual.screen import ModalScreen

from ..failures import PassesWorkerFailures

T = TypeVar("T")

SHORT_ROWS = 32
"""Terminals with fewer rows than this get compact dialogs (80×24 is the one to fit)."""


class Dialog(PassesWorkerFailures, ModalScreen[T]):
    HELP = """
## Dialog

**Esc** closes (asking first when you have typed something); **Tab** moves to the next field;
the line at the bottom says which key confirms.
"""
    DEFAULT_CSS = """
    Dialog { align: center middle; }
    Dialog > .dialog { border: thick $primary; background: $surface; }
    Dialog .dialog-footer { dock: bottom; height: auto; }
    """
    # Tab moves focus the moment it arrives (priority), not once it has passed through the field
    # it leaves: keys typed right behind it (a fast typist, a paste, a busy app) went to that field
    # ("+14155550133Ines Park" in the number). A dialog whose Tab means something else binds its own.
    BINDINGS = [
        Binding("tab", "app.focus_next", "Next field", show=False, priority=True),
        Binding("shift+tab", "app.focus_previous", "Previous field", show=False, priority=True),
    ]
    VERTICAL_BREAKPOINTS: ClassVar[list[tuple[int, str]] | None] = [(0, "-short"), (SHORT_ROWS, "-tall")]
