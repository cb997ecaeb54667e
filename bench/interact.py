"""One `sakari-tui` session on the 10,000-conversation store, driven from outside through its pty.

- key latency: time from writing a key to the first byte the app writes back, moving through the list;
- open thread: Enter on a conversation until its newest message is on screen (10,000 vs 10 messages);
- peak memory after all that (10,000 conversations, 100,000+ cached messages in the store).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .apprun import app_environment, first_output_after, sakari_tui, spawn, wait_for_bytes
from .datasets import Endpoint
from .memory import memory_mb

ONLINE = "● online".encode()
DOWN, UP, ENTER, ESCAPE, HOME, END = b"j", b"k", b"\r", b"\x1b", b"g", b"G"


@dataclass
class Session:
    key_latency_ms: list[float] = field(default_factory=list)
    open_10k_ms: list[float] = field(default_factory=list)
    open_10_ms: list[float] = field(default_factory=list)
    rss_peak_mb: float = 0.0


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
) -> Session:
    # Newest first (not unread first), so the 10,000-message thread (#0) and the 10-message one (#1)
    # are the first two rows and one key apart. With `triage` (another view), opens should be 0.
    env = app_environment(workdir, endpoint, store, triage=triage, unread_first=False)
    term, _ = spawn(sakari_tui(), env, deadline=240)
    session = Session()
    try:
        wait_for_bytes(term, top_name, timeout=60)
        wait_for_bytes(term, ONLINE, timeout=120)  # the start-up walk of all 100 pages is over
        term.wait_quiet(0.3)
        for number in range(presses):
            # Down through the list, then back up: both directions scroll the viewport.
            key = DOWN if number < presses // 2 else UP
            session.key_latency_ms.append(first_output_after(term, key) * 1000)
            term.wait_quiet(0.04)
        term.key(HOME)
        term.wait_quiet(0.2)
        for _ in range(opens):
            for index, into in ((0, session.open_10k_ms), (1, session.open_10_ms)):
                since = len(term.output)
                sent = term.key(ENTER)
                into.append((wait_for_bytes(term, tag(index), timeout=10, since=since) - sent) * 1000)
                term.wait_quiet(0.2)
                term.key(ESCAPE)  # back to the list (the compose box had the focus)
                term.wait_quiet(0.3)
                term.key(DOWN if index == 0 else UP)
                term.wait_quiet(0.1)
        term.key(END)  # the far end of the list, then back to the top
        term.wait_quiet(0.2)
        term.key(HOME)
        term.wait_quiet(0.2)
        session.rss_peak_mb = memory_mb(term.pid)
    finally:
        term.close()
    return session
