"""Saving an attachment into a folder: never outside it, never over an existing file, never half-written.

The bytes go to a hidden temporary file in the folder first (created exclusively); only a complete
file is then linked to its final name with `os.link`, which fails rather than replaces when the name
exists (a file saved meanwhile, a symlink planted there). The next free number is tried then. Every
failure the user can meet is a `MediaError` with one sentence naming the file and the folder, and
leaves nothing behind.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path
from types import TracebackType

from ..text import one_line
from .attachments import MediaError, safe_name

MAX_NUMBER = 9999
"""`name (9999).ext` is the last name tried: a folder with that many copies is a mistake, not a plan."""

# Filesystems without hard links (FAT and exFAT sticks, some network shares) answer these.
_NO_LINKS = frozenset({errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK, errno.ENOSYS})


def unique_path(folder: Path, name: str) -> Path:
    """`folder / name`, or `name (1).ext`, `name (2).ext`… for the first that does not exist (a dangling symlink does)."""
    folder = Path(folder)
    for candidate in _candidates(safe_name(name)):
        path = folder / candidate
        if not os.path.lexists(path):
            return path
    raise MediaError(f"{_shown(name)} was not saved: {_shown(folder)} already holds {MAX_NUMBER} copies of it.")


def _candidates(name: str):
    yield name
    dot = name.rfind(".")
    stem, extension = (name[:dot], name[dot:]) if dot > 0 else (name, "")
    for number in range(1, MAX_NUMBER + 1):
        yield f"{stem} ({number}){extension}"


def save_bytes(folder: Path, name: str, data: bytes) -> Path:
    """Save `data` as a new file named after `name` in `folder` (created if missing); returns its path."""
    with SaveTarget(folder, name) as target:
        target.write(data)
    assert target.path is not None
    return target.path


class SaveTarget:
    """A new file in `folder`, written chunk by chunk; it appears under its name only when complete.

        with SaveTarget(folder, "damaged-box.png") as target:
            for chunk in chunks:
                target.write(chunk)
        target.path  # the saved file

    An exception inside the block (or a write error) removes the temporary file: nothing is left.
    The file is readable by the user only (0600), like every file sakari-tui writes: customers' media
    are theirs.
    """

    def __init__(self, folder: Path, name: str) -> None:
        self.folder = Path(folder)
        self.name = safe_name(name)
        self.path: Path | None = None
        self.written = 0
        self._root: Path | None = None
        self._temporary: str | None = None
        self._fd: int | None = None

    def __enter__(self) -> SaveTarget:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._root = self.folder.resolve(strict=True)
            if not self._root.is_dir():
                raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(self.folder))
            self._fd, self._temporary = tempfile.mkstemp(dir=self._root, prefix=".sakari-", suffix=".part")
        except OSError as error:
            raise self._error(error) from None
        return self

    def write(self, chunk: bytes) -> None:
        assert self._fd is not None, "write() outside the with block"
        view = memoryview(chunk)
        try:
            while view:
                done = os.write(self._fd, view)
                view = view[done:]
                self.written += done
        except OSError as error:
            self._discard()
            raise self._error(error) from None

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if error is not None:
            self._discard()
            return
        try:
            assert self._fd is not None
            os.fsync(self._fd)  # a full disk may only say so now (network and some journalled filesystems)
            os.close(self._fd)
            self._fd = None
            self.path = self._publish()
        except OSError as failure:
            raise self._error(failure) from None
        finally:  # after a link the temporary name goes; after a failure the whole file does
            self._discard()

    def _publish(self) -> Path:
        """Link the complete temporary file to the first free name; a name taken meanwhile is skipped."""
        assert self._root is not None and self._temporary is not None
        for _ in range(MAX_NUMBER + 1):
            target = unique_path(self._root, self.name)
            if target.parent.resolve() != self._root or target.name in ("", ".", ".."):
                raise MediaError(f"{_shown(self.name)} was not saved: its name leads out of {_shown(self.folder)}.")
            try:
                os.link(self._temporary, target)
            except FileExistsError:
                continue  # another save (or another program) took the name between the check and now
            except OSError as error:
                if error.errno not in _NO_LINKS:
                    raise
                if not self._copy_exclusively(target):
                    continue
            return target
        raise MediaError(f"{_shown(self.name)} was not saved: every free name in {_shown(self.folder)} was taken.")

    def _copy_exclusively(self, target: Path) -> bool:
        """Where hard links are not possible: copy into a file created with O_EXCL (False if the name is taken)."""
        assert self._temporary is not None
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)
        try:
            out = os.open(target, flags, 0o600)
        except FileExistsError:
            return False
        try:
            with open(self._temporary, "rb") as source, os.fdopen(out, "wb") as sink:
                while chunk := source.read(1 << 20):
                    sink.write(chunk)
                sink.flush()
                os.fsync(sink.fileno())
        except BaseException:
            target.unlink(missing_ok=True)
            raise
        return True

    def _discard(self) -> None:
        if self._fd is not None:
            try:
                os.close(self._fd)
            except OSError:
                pass
            self._fd = None
        if self._temporary is not None:
            try:
                os.unlink(self._temporary)
            except OSError:
                pass
            self._temporary = None

    def _error(self, error: OSError) -> MediaError:
        return MediaError(save_failure(error, self.name, self.folder))


def save_failure(error: OSError, name: str, folder: Path) -> str:
    """One sentence for a failed save, naming the file and the folder."""
    file, place = _shown(name), _shown(folder)
    code = error.errno
    if code == errno.ENOSPC:
        return f"The disk is full: {file} was not saved to {place}."
    if code == errno.EDQUOT:
        return f"Your disk quota is used up: {file} was not saved to {place}."
    if code == errno.EROFS:
        return f"The folder {place} is read-only: {file} was not saved."
    if code in (errno.EACCES, errno.EPERM):
        return f"sakari-tui may not write to {place}: {file} was not saved."
    if code in (errno.ENOTDIR, errno.EEXIST):
        return f"{place} is not a folder: {file} was not saved."
    if code == errno.ENAMETOOLONG:
        return f"The path is too long: {file} was not saved to {place}."
    reason = one_line(error.strerror or type(error).__name__, limit=80)
    return f"{file} was not saved to {place} ({reason})."


def _shown(value: object) -> str:
    return one_line(str(value), limit=200)
