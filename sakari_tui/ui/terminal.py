"""Leaving when the terminal is gone: a hung-up terminal, and a last resort for a stuck exit.

When the terminal closes under the app (an SSH connection drops, a tmux server is killed), the
app may get no SIGHUP at all (its parent died first), and an orderly exit can hang writing to the
dead terminal. Either way the app must not live on: it would keep polling and hold the store's
lock, so the next inbox on this account would be refused.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)

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


class TerminalWatch:
    """Leave the orderly way (`leave()`, which saves the draft and exits) on SIGTERM (a shutdown,
    `kill`), SIGHUP (the terminal closed, SSH dropped) or a terminal found hung up by `check()`
    (a hang-up may come with no signal at all); and end the process anyway if that exit hangs."""

    def __init__(self, leave: Callable[[], None]) -> None:
        self._leave = leave
        self._fd: int | None = None
        self._leaving = False

    def start(self) -> None:
        """Handle the signals on the running loop; remember the terminal to check."""
        stdout = sys.__stdout__
        self._fd = stdout.fileno() if stdout is not None and stdout.isatty() else None
        loop = asyncio.get_running_loop()
        for number in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
            if number is None:
                continue
            try:
                loop.add_signal_handler(number, self.stop, number)
            except (NotImplementedError, RuntimeError, ValueError):  # Windows, or not the main thread
                break

    def check(self) -> None:
        """Called every second: a hung-up terminal counts as SIGHUP."""
        if self._fd is not None and terminal_gone(self._fd):
            self.stop(getattr(signal, "SIGHUP", signal.SIGTERM))

    def stop(self, number: int) -> None:
        if self._leaving:
            return
        self._leaving = True
        log.info("stopping on signal %d (or a hung-up terminal): saving the draft first", number)
        exit_soon_anyway(128 + number)  # an exit that hangs on a dead terminal must not keep the app alive
        self._leave()
