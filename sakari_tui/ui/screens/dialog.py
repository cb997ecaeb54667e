"""The frame every dialog shares: centred over the inbox, a thick border, the surface colour.

Each dialog's outer container carries the `dialog` class; the dialog itself sets only what
differs (its size, its padding, a warning border). A dialog's workers that fail unexpectedly
are reported like the inbox's, by the app's one handler.
"""

from __future__ import annotations

from typing import TypeVar

from textual.screen import ModalScreen

from ..failures import PassesWorkerFailures

T = TypeVar("T")


class Dialog(PassesWorkerFailures, ModalScreen[T]):
    DEFAULT_CSS = """
    Dialog { align: center middle; }
    Dialog > .dialog { border: thick $primary; background: $surface; }
    """
