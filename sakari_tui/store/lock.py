"""One app per store: an exclusive lock on a file beside the database, held for the app's life.

The outbox's rows are owned by the process that holds the lock. A row found `sending` by the
next holder belonged to a process that is gone (the operating system drops a dead process's
lock, even after kill -9), so recovering it can never race a send still in flight elsewhere.
A heartbeat lease would need clocks and timeouts to agree; the kernel's lock needs neither.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO

from .db import StoreError


class StoreLocked(StoreError):
    """Another sakari-tui has this store open."""


def lock_path(store_path: Path | str) -> Path:
    path = Path(store_path)
    return path.with_name(path.name + ".lock")


DELIVERING_ROLES = frozenset({"app", "outbox-run"})
"""Holders that keep delivering the outbox while they hold it: a command may queue a row for them."""


def lock_holder(store_path: Path | str) -> tuple[int, str] | None:
    """(pid, role) the lock file names, None if it names none. Only a hint for choosing what to
    do (the lock is the truth): `sakari-tui send` queues for a running app, and waits for a command."""
    try:
        pid, _, role = lock_path(store_path).read_text(encoding="utf-8").strip().partition(" ")
        return int(pid), role or "command"
    except (OSError, ValueError):
        return None


class StoreLock:
    """Held from `acquire()` until `release()` or the end of the process. `role` says what holds
    it ("app", "outbox-run" or "command"), written beside the pid."""

    def __init__(self, store_path: Path | str, role: str = "command") -> None:
        self.path = lock_path(store_path)
        self.role = role
        self._file: IO[str] | None = None

    def acquire(self) -> StoreLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Private like the store beside it (it holds only a process id, but nothing there is shared).
        handle = os.fdopen(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600), "r+", encoding="utf-8")
        os.chmod(self.path, 0o600)
        try:
            _lock(handle)
        except OSError:
            handle.close()
            raise StoreLocked(
                f"Another sakari-tui is already using the local store at {self.path.with_suffix('')}; "
                "close it first (one inbox per account on this machine at a time)."
            ) from None
        # Who holds it, for a person looking at the file; the lock itself is what counts.
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()} {self.role}\n")
        handle.flush()
        self._file = handle
        return self

    def release(self) -> None:
        if self._file is not None:
            self._file.close()  # closing drops the lock
            self._file = None


def _lock(handle: IO[str]) -> None:
    try:
        import fcntl
    except ImportError:  # Windows: a byte-range lock on the first byte
        import msvcrt

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        return
    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
