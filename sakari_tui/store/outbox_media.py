"""A local file sent as MMS, and its staged copy beside the store.

A file is copied into the outbox's own folder (`<store file>.outbox-files/` beside it, private:
one per store, as every account's store sits in the same data folder) when its
reply is queued, before the row is written, so what is sent is what the user attached: the
original may be edited, moved or deleted afterwards. The copy is named after the row
(`<local_id>.<ext>`) and lives exactly as long as the row; a copy without a row (a crash between
the copy and the row's commit, or after the row's removal) is swept when the store's owner resumes
the outbox.
"""

from __future__ import annotations

import errno
import mimetypes
import os
import re
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..text import one_line
from .connection import StoreWriteError

MAX_MEDIA_BYTES = 5 * 1024 * 1024
"""The largest attachment: what Sakari's share-file tool takes (the simulator's limit too)."""
_MB = 1024 * 1024
FOLDER_SUFFIX = ".outbox-files"
"""`inbox-<account>.sqlite3.outbox-files/`: each store sweeps only its own copies (a shared folder
would let one account's start-up delete another's staged files)."""
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,10}")
_COPY_CHUNK = 256 * 1024


@dataclass(frozen=True)
class LocalFile:
    """A file on this machine, checked to be sendable as MMS (see `local_file`)."""

    path: Path
    name: str
    """The base name, fit to show and to upload (controls removed, one line)."""
    content_type: str
    size: int


class StagingFailed(StoreWriteError, OSError):
    """The attachment could not be copied into the outbox folder (a full disk, say): nothing was
    queued and the draft is as it was. A StoreError, like any write the disk refuses."""


def megabytes(size: int) -> str:
    """'12.3 MB'; never '5.0 MB' for a file just over 5 MB."""
    shown = f"{size / _MB:.1f}"
    if size > MAX_MEDIA_BYTES and float(shown) <= MAX_MEDIA_BYTES / _MB:
        shown = f"{size / _MB:.3f}"
    return f"{shown} MB"


def local_file(path: Path | str) -> LocalFile:
    """The file at `path` as an attachment; `ValueError` (one sentence) when it cannot be one:
    missing, a folder, unreadable, empty or over 5 MB."""
    path = Path(path).expanduser()
    shown = one_line(path.name) or one_line(str(path))
    try:
        info = path.stat()
    except FileNotFoundError:
        raise ValueError(f"{shown} does not exist; check the path.") from None
    except OSError as error:
        raise ValueError(f"{shown} cannot be read ({error.strerror or error}).") from None
    if path.is_dir():
        raise ValueError(f"{shown} is a folder; attach a file.")
    try:
        with path.open("rb") as handle:
            handle.read(1)
    except OSError as error:
        raise ValueError(f"{shown} cannot be read ({error.strerror or error}).") from None
    if info.st_size == 0:
        raise ValueError(f"{shown} is empty; there is nothing to send.")
    if info.st_size > MAX_MEDIA_BYTES:
        raise ValueError(f"{shown} is {megabytes(info.st_size)}; MMS carries at most {MAX_MEDIA_BYTES // _MB} MB.")
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return LocalFile(path=path, name=shown or "attachment", content_type=content_type, size=info.st_size)


def files_folder(connection: sqlite3.Connection) -> Path | None:
    """`<database file>.outbox-files/` beside it; None for a database in memory."""
    for row in connection.execute("PRAGMA database_list").fetchall():
        if row[1] == "main" and row[2]:
            path = Path(row[2])
            return path.with_name(path.name + FOLDER_SUFFIX)
    return None


class StagedFiles:
    """The outbox's folder of staged copies."""

    def __init__(self, folder: Path | None) -> None:
        """`folder` None: a store in memory, whose copies go to a private temporary folder."""
        self._folder = folder

    @property
    def folder(self) -> Path:
        if self._folder is None:
            self._folder = Path(tempfile.mkdtemp(prefix="sakari-tui-outbox-"))  # 0o700 already
        self._folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(self._folder, 0o700)
        return self._folder

    def stage(self, local_id: str, media: LocalFile) -> tuple[Path, int]:
        """Copy `media` to `<folder>/<local_id><ext>`, flushed to disk; returns the copy and its size.

        `ValueError` when the original cannot be read (or changed into something unsendable since
        it was checked), `StagingFailed` when the copy cannot be written; no copy is left either way."""
        suffix = Path(media.name).suffix
        try:
            folder = self.folder
        except OSError as error:
            raise _staging_failed(error) from None
        target = folder / (local_id + (suffix if _EXTENSION.fullmatch(suffix) else ""))
        try:
            source = media.path.open("rb")
        except OSError as error:
            raise ValueError(f"{media.name} cannot be read ({error.strerror or error}); attach it again.") from None
        try:
            with source, open(target, "xb") as copy:
                os.chmod(target, 0o600)
                size = _copy(source, copy, media.name)
                copy.flush()
                os.fsync(copy.fileno())
        except BaseException as error:
            target.unlink(missing_ok=True)
            if isinstance(error, OSError) and not isinstance(error, StagingFailed):
                raise _staging_failed(error) from None
            raise
        if size == 0:
            target.unlink(missing_ok=True)
            raise ValueError(f"{media.name} is empty now; there is nothing to send.")
        return target, size

    def remove(self, path: str | Path | None) -> None:
        """Drop a staged copy (already gone is fine; a failure leaves it for the next sweep)."""
        if not path:
            return
        try:
            Path(path).unlink(missing_ok=True)
        except OSError:
            pass

    def sweep(self, keep: set[str]) -> list[Path]:
        """Remove every copy no row names (`keep`: the rows' staged paths); returns what went."""
        if self._folder is None or not self._folder.is_dir():
            return []
        kept = {os.path.abspath(path) for path in keep}
        removed = []
        for path in self._folder.iterdir():
            if path.is_file() and os.path.abspath(path) not in kept:
                self.remove(path)
                removed.append(path)
        return removed


def _copy(source, copy, name: str) -> int:
    size = 0
    while chunk := _read(source, name):
        size += len(chunk)
        if size > MAX_MEDIA_BYTES:  # it grew since it was checked
            raise ValueError(f"{name} is now over {MAX_MEDIA_BYTES // _MB} MB; MMS carries at most 5 MB.")
        copy.write(chunk)
    return size


def _read(source, name: str) -> bytes:
    try:
        return source.read(_COPY_CHUNK)
    except OSError as error:
        raise ValueError(f"{name} cannot be read ({error.strerror or error}); attach it again.") from None


def _staging_failed(error: OSError) -> StagingFailed:
    if error.errno == errno.ENOSPC:
        return StagingFailed("The disk is full: the attachment could not be copied into the outbox.")
    return StagingFailed(f"The attachment could not be copied into the outbox folder ({error.strerror or error}).")
