"""Which widget draws a picture (Sixel, Kitty graphics, or coloured half cells), and the probe that finds out.

textual-image learns what the terminal can draw when `textual_image.renderable` is first imported:
it writes a DA1 query (Sixel) and a Kitty graphics query to the terminal, switches stdin to cbreak
mode and reads the answers (0.1 s timeout each); the pixel size of a cell comes from an ioctl or
"\\x1b[16t". Checked against textual-image 0.12.0 (`renderable/__init__.py`: `is_tty` is
`sys.__stdout__.isatty()`). That works only before Textual starts: once it runs, its input thread
reads the answers as keys and the mode switch happens under its feet. Hence:

- `probe_while_suspended(app, mode)` asks at the first picture preview: the app steps aside
  (`App.suspend()`, as for the editor: the screen blinks once), `GraphicsProbe.start(mode)` imports
  the renderables and `wait()` joins it, then the app comes back. Nothing is asked at start, which
  would cost every start up to 0.3 s where the terminal leaves a query unanswered. Only answers in
  by the end of `wait()` are trusted.
- Even "halfcell" probes: every textual-image class sits behind that package `__init__`, so on a
  terminal there is no import of `HalfcellImage` that skips the queries. Before Textual is the only
  safe time to pay them.
- Without a terminal nothing is started: textual-image then queries nothing (`is_tty` is False and
  the cell size is the VT340 default), so importing it later, with Textual running, is safe.
- On a terminal where the probe did not load textual-image, it is never imported afterwards: no
  picture widget rather than queries under Textual.
"""

from __future__ import annotations

import logging
import sys
import threading
from typing import Any

log = logging.getLogger(__name__)

PREVIEW_MODES = ("auto", "halfcell", "off")
"""`attachments.preview`: auto (the best the terminal can do), halfcell (coloured ▀ cells), off."""

_ATTEMPTS = 2  # a key pressed during a query can break it once (textual-image decodes stdin byte by byte)


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream) and stream.isatty()
    except (ValueError, OSError):  # closed or detached
        return False


def _on_a_terminal() -> bool:
    """Both ends on a terminal: textual-image writes the queries to stdout and reads the answers from stdin."""
    return _isatty(sys.__stdin__) and _isatty(sys.__stdout__)


def _stdout_is_terminal() -> bool:
    return _isatty(sys.__stdout__)


def _probe_terminal() -> None:
    # Only the renderables (PIL and rich, no Textual): the main thread is importing Textual meanwhile,
    # and two threads importing the same package is where import-lock surprises live.
    import textual_image.renderable  # noqa: F401  (the import is the probe)
    from textual_image._terminal import CellSize, get_cell_size  # private, checked against textual-image 0.12.0

    try:
        get_cell_size()  # cached from now on; textual_image.widget calls it at import
    except Exception:
        # A terminal that reports 0 columns (a fresh pty) divides by zero in 0.12.0. Cache the
        # library's own fallback (a VT340's cell), so that no later call asks the terminal again.
        get_cell_size._result = CellSize(10, 20)  # type: ignore[attr-defined]
        raise


def _image_widgets() -> Any:
    import textual_image.widget

    return textual_image.widget


def _import_is_safe() -> bool:
    """True when importing textual_image.widget now cannot query the terminal."""
    if not _stdout_is_terminal():
        return True
    terminal = sys.modules.get("textual_image._terminal")
    cell_size_known = terminal is not None and hasattr(terminal.get_cell_size, "_result")  # its cache (0.12.0)
    return "textual_image.renderable" in sys.modules and cell_size_known


class GraphicsProbe:
    """What the terminal can draw, asked before the app starts. Never raises: a failure means half cells."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.detected = False
        """True when the probe ran on a terminal and finished before `wait()` returned."""
        self._thread: threading.Thread | None = None
        self._failed = False

    @classmethod
    def start(cls, mode: str) -> GraphicsProbe:
        """Start probing in the background (on a terminal, unless previews are off)."""
        probe = cls(mode)
        if mode != "off" and _on_a_terminal():
            probe._thread = threading.Thread(target=probe._run, name="graphics-probe", daemon=True)
            probe._thread.start()
        return probe

    @property
    def started(self) -> bool:
        return self._thread is not None

    def _run(self) -> None:
        for attempt in range(1, _ATTEMPTS + 1):
            try:
                _probe_terminal()
            except Exception:
                log.warning("asking the terminal what it can draw failed (attempt %d)", attempt, exc_info=True)
            else:
                return
        self._failed = True

    def wait(self, timeout: float = 1.0) -> None:
        """Let the probe finish (call right before `app.run()`); never raises."""
        if self._thread is None:
            return
        self._thread.join(timeout)
        if self._thread.is_alive():
            log.warning("the terminal did not answer within %.1f s; pictures are drawn in half cells", timeout)
        self.detected = not self._thread.is_alive() and not self._failed

    def widget_class(self) -> type | None:
        return image_widget_class(self.mode, self)


def probe_while_suspended(app: Any, mode: str) -> GraphicsProbe | None:
    """Ask the terminal what it can draw with the app stepped aside (once: the app keeps the answer
    in `graphics_probe`). None when it cannot step aside (a headless run: nothing to ask then)."""
    if mode == "off" or not _on_a_terminal():
        return None
    from textual.app import SuspendNotSupported

    probe = GraphicsProbe(mode)
    try:
        with app.suspend():
            probe = GraphicsProbe.start(mode)
            probe.wait(timeout=1.0)
    except SuspendNotSupported:
        log.warning("cannot step aside to ask the terminal what it can draw; pictures are not shown")
        return None
    return probe


def image_widget_class(mode: str, probe: GraphicsProbe | None) -> type | None:
    """The Textual widget that draws pictures in `mode`, or None (previews off, or none can be drawn)."""
    if mode == "off":
        return None
    if not _import_is_safe():
        log.warning("pictures are not shown: the terminal was not asked what it can draw before the app started")
        return None
    try:
        widgets = _image_widgets()
    except Exception:
        log.warning("pictures are not shown: textual-image could not be loaded", exc_info=True)
        return None
    if mode == "auto" and probe is not None and probe.detected:
        return widgets.Image
    return widgets.HalfcellImage


def preview_mode(settings: Any) -> str:
    """`attachments.preview` from the settings, "auto" when they have none (or an unknown one)."""
    mode = getattr(getattr(settings, "attachments", None), "preview", "auto")
    return mode if mode in PREVIEW_MODES else "auto"


def graphics_for(settings: Any) -> GraphicsProbe:
    """The probe for these settings, started (see the module's docstring for why so early)."""
    return GraphicsProbe.start(preview_mode(settings))
