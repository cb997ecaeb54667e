"""The status line: the connection's state (and a store that cannot be written, and the sender
the list is narrowed to) in one line.

`status` and `store_problem` are reactives; the text is also redrawn by `tick()` because its ages
("updated 3s ago", "retrying in 8s") change with time. A changed text repaints the one line
without a layout pass, which would repaint the whole screen.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Static

from ...logs import redact
from ...sync import Connection, SyncStatusChanged
from ...text import one_line
from ..format import ago

_FAILED_LABELS = {
    Connection.OFFLINE: "offline",
    Connection.RATE_LIMITED: "rate-limited",
    Connection.AUTH_FAILED: "credentials refused",
    Connection.SLOW: "slow",
    Connection.STORE_FAILED: "cannot save",
}


def status_text(status: SyncStatusChanged, store_problem: str | None, now: float, sender: str = "") -> Content:
    """What the line says; `now` is on the same monotonic clock as the status's times; `sender`:
    the sender the list is narrowed to (its short label), "" for all."""
    line = _connection_text(status, store_problem, now)
    if sender:
        return Content.assemble(line, " · ", Content.styled(f"{sender} only (s)", "$text-accent"))
    return line


def _connection_text(status: SyncStatusChanged, store_problem: str | None, now: float) -> Content:
    if store_problem:
        return Content.assemble(
            Content.styled("○ not saving", "bold $error"),
            f" · {one_line(redact(store_problem), 160)} Unsent text stays on screen.",
        )
    if status.connection is Connection.ONLINE and status.last_success is not None:
        note = f" · {one_line(redact(status.message), 120)}" if status.message else ""
        return Content.assemble(
            Content.styled("● online", "$success"), f" · updated {ago(now - status.last_success)}{note}"
        )
    if status.connection is Connection.CONNECTING:
        return Content("○ connecting…")
    wait = max(0, int((status.retry_at or now) - now + 0.999))
    seen = f" · last updated {ago(now - status.last_success)}" if status.last_success else ""
    return Content.assemble(
        Content.styled(f"○ {_FAILED_LABELS[status.connection]}, retrying in {wait}s", "bold $error"),
        f" · {one_line(redact(status.message), 120)}{seen}",
    )


class StatusLine(Static):
    status: reactive[SyncStatusChanged] = reactive(SyncStatusChanged(Connection.CONNECTING, None), init=False)
    store_problem: reactive[str | None] = reactive(None, init=False)
    """The last local store write that failed (one sentence), until one works again."""
    sender_filter: reactive[str] = reactive("", init=False)
    """The sender the list is narrowed to (short label, sanitised), "" for all."""

    def __init__(self, *, monotonic: Callable[[], float] = time.monotonic, id: str | None = None) -> None:
        super().__init__(Content("Starting…"), id=id)
        self.monotonic = monotonic
        self._shown: Content | None = None

    def watch_status(self) -> None:
        self.tick()

    def watch_store_problem(self) -> None:
        self.tick()

    def watch_sender_filter(self) -> None:
        self.tick()

    def tick(self) -> None:
        """Redraw if the text changed (the ages in it move with time)."""
        text = status_text(self.status, self.store_problem, self.monotonic(), self.sender_filter)
        if text != self._shown:
            self._shown = text
            self.update(text, layout=False)
