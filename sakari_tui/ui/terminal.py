"""Leaving when the terminal is gone: a hung-up terminal, and a last resort for a stuck exit.

When the terminal closes under the app (an SSH connection drops, a tmux server is killed), the
app may get no SIGHUP at all (its parent died first), and an orderly exit can hang writing to the
dead terminal. Either way the app must not live on: it would keep polling and hold the store's
lock, so the next inbox on this account would be refused.
"""

from __future__ import annotations

import os
import threading

# After SIGTERM, SIGHUP or a hang-up, the orderly exit gets this long before the process ends anyway.
EXIT_GRACE_S = 3.0


def terminal_gone(fd: int) -> bool:
    """The terminal on `fd` was hung up (reads give EOF, writes and ioctls EIO)."""
    import termios

    try:
        termios.tcgetattr(fd)
    except termios.error as error:
        return bool(error.args) and error.args[0] == 5  # EIO; ENOTTY means it never was a terminal
    return False


def exit_soon_anyway(code: int, after: float = EXIT_GRACE_S) -> None:
    """End the process with `code` after `after` seconds unless it has ended by then.

    Everything that matters is on disk already (drafts are saved first, the outbox is written
    before each request), so skipping the rest of the cleanup loses nothing.
    """
    timer = threading.Timer(after, os._exit, args=(code,))
    timer.daemon = True  # an orderly exit that finishes in time is not held up by it
    timer.start()
