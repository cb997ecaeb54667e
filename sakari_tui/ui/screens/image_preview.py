"""The picture preview of an MMS attachment: fetched with a progress bar, drawn to fit, w saves, o opens.

The caller hands over `load(progress)`, which downloads and checks the picture and returns a PIL
image, calling `progress(received, total or None)` on the app's event loop as bytes arrive. What the
person should read (not an image, too large, unreachable) it raises as `PreviewFailed(sentence)`;
anything else shows one generic sentence and goes to the log. The screen answers "save", "open" or
None (Esc); the caller acts. It draws with the widget class ui/graphics.py chose (Sixel, Kitty
graphics or half cells); with previews off the caller does not open it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Literal

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.content import Content
from textual.widgets import ProgressBar, Static

from ...text import for_display, one_line, sanitize
from .dialog import Dialog

if TYPE_CHECKING:
    from PIL.Image import Image

log = logging.getLogger(__name__)

PreviewAnswer = Literal["save", "open"] | None
Progress = Callable[[int, int | None], None]

GENERIC_FAILURE = "The picture could not be shown."
KEYS = "Esc closes · w saves · o opens in the browser"
MAX_SIDE = 1600
"""Pixels kept on the longer side: more than a full-screen Sixel needs, and textual-image copies and
scales the picture on every redraw, on the UI's thread."""


class PreviewFailed(Exception):
    """Why the picture cannot be shown, as the one sentence the person reads."""


def _ready_to_draw(image: Image) -> Image:
    """Decoded (PIL decodes lazily, on first use: on the UI's thread otherwise) and no larger than needed."""
    image.load()
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    return image


class ImagePreviewScreen(Dialog[PreviewAnswer]):
    HELP = """
## Picture

**Esc** closes; **w** saves the file; **o** opens it in the browser.
"""
    DEFAULT_CSS = """
    ImagePreviewScreen > #preview-box { width: 90; max-width: 95%; height: 34; max-height: 92%; padding: 0 1; }
    ImagePreviewScreen #preview-title, ImagePreviewScreen #preview-subtitle, ImagePreviewScreen #preview-keys {
        height: 1; text-wrap: nowrap; text-overflow: ellipsis;
    }
    ImagePreviewScreen #preview-title { text-style: bold; }
    ImagePreviewScreen #preview-subtitle, ImagePreviewScreen #preview-keys { color: $text-muted; }
    ImagePreviewScreen #preview-body { height: 1fr; align: center middle; }
    ImagePreviewScreen.-tall #preview-body { margin: 1 0; }
    ImagePreviewScreen #preview-loading { width: 100%; height: auto; }
    ImagePreviewScreen #preview-fetching { width: auto; margin-top: 1; }
    ImagePreviewScreen #preview-error { width: auto; max-width: 100%; color: $error; text-align: center; }
    ImagePreviewScreen #preview-image { width: auto; height: auto; }
    """
    BINDINGS = [
        Binding("escape", "answer(None)", "Close", id="preview.close"),
        Binding("w", "answer('save')", "Save", id="preview.save"),
        Binding("o", "answer('open')", "Open in the browser", id="preview.open"),
    ]

    def __init__(
        self,
        title: str,
        subtitle: str,
        load: Callable[[Progress], Awaitable[Image]],
        *,
        widget_class: type | None,
        host: str | None = None,
    ) -> None:
        """`title` ("📷 damaged-box.png") and `subtitle` ("image/png · 2.1 KB · from 127.0.0.1") are
        plain text, drawn as such; `host` names where the picture comes from while it is fetched."""
        super().__init__()
        self.picture_title = title
        self.subtitle = subtitle
        self.load = load
        self.widget_class = widget_class
        self.host = host

    def compose(self) -> ComposeResult:
        fetching = f"Fetching from {for_display(one_line(self.host, 100))}…" if self.host else "Fetching…"
        with Vertical(id="preview-box", classes="dialog"):
            yield Static(Content(for_display(one_line(self.picture_title, 300))), id="preview-title")
            yield Static(Content(for_display(one_line(self.subtitle, 300))), id="preview-subtitle")
            with Vertical(id="preview-body"):
                with Vertical(id="preview-loading"):
                    yield Center(ProgressBar(total=None, show_eta=False, id="preview-progress"))
                    yield Center(Static(Content(fetching), id="preview-fetching"))
            yield Static(Content(KEYS), id="preview-keys")

    def on_mount(self) -> None:
        self.run_worker(
            self._fetch(), group="preview", exclusive=True, exit_on_error=False, description="Fetching a picture"
        )

    def _progress(self, received: int, total: int | None) -> None:
        for bar in self.query("#preview-progress").results(ProgressBar):  # none once the load is over
            bar.update(total=total, progress=received)

    async def _fetch(self) -> None:
        # Every failure is handled here, so none reaches the app's worker handler as a toast.
        try:
            image = await self.load(self._progress)
            image = await asyncio.to_thread(_ready_to_draw, image)
        except PreviewFailed as failed:
            await self._show(Static(Content(sanitize(str(failed)) or GENERIC_FAILURE), id="preview-error"))
        except Exception:
            log.exception("a picture preview failed")
            await self._show(Static(Content(GENERIC_FAILURE), id="preview-error"))
        else:
            if self.widget_class is not None:
                await self._show(self.widget_class(image, id="preview-image"))

    async def _show(self, widget) -> None:
        body = self.query_one("#preview-body")
        await body.remove_children()
        await body.mount(widget)

    def action_answer(self, answer: PreviewAnswer) -> None:
        self.dismiss(answer)
