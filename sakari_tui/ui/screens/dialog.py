"""The frame every dialog shares: centred over the inbox, a thick border, the surface colour.

Each dialog's outer container carries the `dialog` class; the dialog itself sets only what
differs (its size, its padding, a warning border).
"""

from __future__ import annotations

from typing import TypeVar

from textual.screen import ModalScreen

T = TypeVar("T")


class Dialog(ModalScreen[T]):
    DEFAULT_CSS = """
    Dialog { align: center middle; }
    Dialog > .dialog { border: thick $primary; background: $surface; }
    """
