"""One `sakari-tui` session on a large store (10,000 or 100,000 conversations), driven from outside
through its pty.

- key latency: time from writing a key to the first byte the app writes back, moving through the list;
- open thread: Enter on the first two rows until each one's newest message is on screen (in All,
  newest first, those are the 10,000- and the 10-message threads);
- peak memory after all that.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .apprun import app_environment, first_output_after, sakari_tui, spawn, wait_for_bytes
from .datasets import Endpoint
from .memory import memory_mb

ONLINE = "● online".encode()
DOWN, UP, ENTER, ESCAPE, HOME, END = b"j", b"k", b"\r", b"\x1b", b"g", b"G"


# The start-up walk of every page: 100 pages at 10,000 conversations, 1,000 at 100,000.
ONLINE_TIMEOUT_S = 120.0


@dataclass
class Session:
    key_latency_ms: list[float] = field(default_factory=list)
    open_ms: dict[int, list[float]] = field(default_factory=dict)
    """Per conversation index (see `tag`): Enter until its newest message is on screen."""
    rss_peak_mb: float = 0.0

    @property
    def open_10k_ms(self) -> list[float]:
        """Opening conversation #0, the 10,000-message thread."""
        return self.open_ms.get(0, [])

    @property
    def open_10_ms(self) -> list[float]:
        """Opening conversation #1, the 10-message thread."""
        return self.open_ms.get(1, [])


def tag(index: int) -> bytes:
    """The tag that ends conversation `index`'s newest text (see simulator.bulk_data)."""
    return f"<c{index}>".encode()


def run(
    workdir: Path,
    endpoint: Endpoint,
    store: Path,
    top_name: bytes,
    *,
    presses: int,
    opens: int,
    triage: dict[str, object] | None = None,
    first_rows: tuple[int, int] = (0, 1),
    online_timeout: float = ONLINE_TIMEOUT_S,
) -> Session:
    """`first_rows`: the conversation indexes of the list's first two rows, which are opened (in
    All, newest first: #0 and #1; in another view, say which ones it lists first)."""
    # Newest first (not unread first), so the 10,000-message thread (#0) and the 10-message one (#1)
    # are the first two rows and one key apart.
    env = app_environment(workdir, endpoint, store, triage=triage, unread_first=False)
    term, _ = spawn(sakari_tui(), env, deadline=240 + online_timeout)
    session = Session(open_ms={index: [] for index in first_rows})
    try:
        wait_for_bytes(term, top_name, timeout=60)
        wait_for_bytes(term, ONLINE, timeout=online_timeout)  # the start-up walk of all pages is over
        term.wait_quiet(0.3)
        for number in range(presses):
            # Down through the list, then back up: both directions scroll the viewport.
            key = DOWN if number < presses // 2 else UP
            session.key_latency_ms.append(first_output_after(term, key) * 1000)
            term.wait_quiet(0.04)
        term.key(HOME)
        term.wait_quiet(0.2)
        for _ in range(opens):
            for row, index in enumerate(first_rows):
                since = len(term.output)
                sent = term.key(ENTER)
                session.open_ms[index].append((wait_for_bytes(term, tag(index), timeout=10, since=since) - sent) * 1000)
                term.wait_quiet(0.2)
                term.key(ESCAPE)  # back to the list (the compose box had the focus)
                term.wait_quiet(0.3)
                term.key(DOWN if row == 0 else UP)
                term.wait_quiet(0.1)
        term.key(END)  # the far end of the list, then back to the top
        term.wait_quiet(0.2)
        term.key(HOME)
        term.wait_quiet(0.2)
        session.rss_peak_mb = memory_mb(term.pid)
    finally:
        term.close()
    return session
