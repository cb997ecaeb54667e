"""The store's connection: every failure of the disk or of the file becomes one `StoreError`.

A full disk, a read-only file and a damaged file each get one sentence naming the file and
nothing read from it; the connection rolls back and stays usable.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import stat
from pathlib import Path
from typing import Any, Literal, NoReturn

from ..paths import secure_store_folder
from .packing import sql_json

_log = logging.getLogger(__name__)


class StoreError(Exception):
    """The local store cannot be opened, written or read, or is from a newer sakari-tui (one sentence)."""


class StoreWriteError(StoreError):
    """The disk refused a write (full, read-only, failing): none of that write was kept, and the
    connection is usable again (its transaction rolled back); the same write may succeed later."""


class StoreDamaged(StoreError):
    """The store's file is damaged; store/salvage.py can move it aside and start a fresh one."""


# The failures of the disk or of the file, by SQLite's (extended) error name, most specific first.
_WRITE_FAILURES = (
    ("SQLITE_FULL", "the disk is full"),
    ("SQLITE_READONLY", "it is read-only"),
    ("SQLITE_IOERR", "writing failed (disk I/O error)"),
    ("SQLITE_CANTOPEN", "the file cannot be opened"),
    # Another connection held the write lock past the busy timeout (5 s): another program
    # writing the store at length (this app's own two connections hold it a page at a time).
    ("SQLITE_BUSY", "another program kept it locked"),
)
_READ_IO_ERRORS = ("SQLITE_IOERR_READ", "SQLITE_IOERR_SHORT_READ")
_DAMAGE = ("SQLITE_CORRUPT", "SQLITE_NOTADB")
# Python's own error for a cell that is not UTF-8 (it has no SQLite error code), quoting the cell's
# text, which may be a contact's name or number. We only ever write UTF-8: only damage reads so.
_NOT_UTF8 = "Could not decode to UTF-8"
# sqlite3's error when a Python function raised. The one function on a store connection is
# `sakari_json`, which fails only on a stored value that is in no format we wrote: damage.
_FUNCTION_FAILED = "user-defined function raised exception"


def store_damaged(path: object) -> StoreDamaged:
    """The one sentence for a damaged store: the file, and nothing read from it."""
    return StoreDamaged(f"The local store at {path} is damaged.")


def classify_error(error: sqlite3.Error, path: object) -> StoreError | None:
    """The StoreError a failure of the disk or of the file at `path` means; None for other errors."""
    name = getattr(error, "sqlite_errorname", None) or ""
    if name.startswith(_DAMAGE) or (name == "" and str(error).startswith(_NOT_UTF8)):
        return store_damaged(path)
    if str(error).startswith(_FUNCTION_FAILED):
        return store_damaged(path)
    if name.startswith(_READ_IO_ERRORS):
        return StoreError(f"Cannot read the local store at {path}: reading failed (disk I/O error).")
    for prefix, reason in _WRITE_FAILURES:
        if name.startswith(prefix):
            return StoreWriteError(f"Cannot write the local store at {path}: {reason}.")
    return None


class StoreConnection(sqlite3.Connection):
    """A connection on which every failure of the disk or of the file is one StoreError.

    One place for every write and read of the store, rather than a try/except at each call:
    statements (run here or on its cursors), rows fetched later (SQLite reads pages as rows are
    stepped through), commits, and the commit of `with connection:`. After such a failure any
    open transaction is rolled back, so the next write starts clean.
    """

    store_path: str = ":memory:"
    """The file named in the errors' sentences."""

    def fail(self, error: sqlite3.Error) -> NoReturn:
        """Raise what `error` means for the store (or `error` itself when it is something else)."""
        translated = classify_error(error, self.store_path)
        if translated is None:
            raise error
        if self.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                super().rollback()
        # Without the original (no "During handling…" chain): its text may quote a cell.
        raise translated from None

    def cursor(self, factory: type[sqlite3.Cursor] | None = None) -> sqlite3.Cursor:  # type: ignore[override]
        return super().cursor(factory or StoreCursor)

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:  # type: ignore[override]
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql: str, parameters: Any, /) -> sqlite3.Cursor:  # type: ignore[override]
        return self.cursor().executemany(sql, parameters)

    def executescript(self, script: str, /) -> sqlite3.Cursor:  # type: ignore[override]
        return self.cursor().executescript(script)

    def commit(self) -> None:
        try:
            super().commit()
        except sqlite3.Error as error:
            self.fail(error)

    def __exit__(self, *exc_info: Any) -> Literal[False]:  # type: ignore[override]
        # sqlite3's __exit__ commits (rolling back when that fails) without calling commit() above.
        try:
            return super().__exit__(*exc_info)
        except sqlite3.Error as error:
            self.fail(error)


class StoreCursor(sqlite3.Cursor):
    """A cursor of a StoreConnection: its failures are the connection's (see StoreConnection.fail)."""

    connection: StoreConnection

    def execute(self, sql: str, parameters: Any = (), /) -> StoreCursor:  # type: ignore[override]
        try:
            return super().execute(sql, parameters)
        except sqlite3.Error as error:
            self.connection.fail(error)

    def executemany(self, sql: str, parameters: Any, /) -> StoreCursor:  # type: ignore[override]
        try:
            return super().executemany(sql, parameters)
        except sqlite3.Error as error:
            self.connection.fail(error)

    def executescript(self, script: str, /) -> StoreCursor:  # type: ignore[override]
        try:
            return super().executescript(script)
        except sqlite3.Error as error:
            self.connection.fail(error)

    def fetchone(self) -> Any:
        try:
            return super().fetchone()
        except sqlite3.Error as error:
            self.connection.fail(error)

    def fetchmany(self, size: int | None = None) -> list[Any]:
        try:
            return super().fetchmany(self.arraysize if size is None else size)
        except sqlite3.Error as error:
            self.connection.fail(error)

    def fetchall(self) -> list[Any]:
        try:
            return super().fetchall()
        except sqlite3.Error as error:
            self.connection.fail(error)

    def __next__(self) -> Any:
        try:
            return super().__next__()
        except sqlite3.Error as error:
            self.connection.fail(error)


def open_connection(database: str, *, shown: object, uri: bool = False) -> StoreConnection:
    """A StoreConnection to `database` (a path, or a URI with `uri`), naming `shown` in its errors."""
    try:
        connection = sqlite3.connect(
            database, uri=uri, isolation_level=None, check_same_thread=False, factory=StoreConnection
        )
    except sqlite3.Error as error:
        translated = classify_error(error, shown)
        if translated is None:
            raise
        raise translated from None
    connection.store_path = str(shown)
    connection.row_factory = sqlite3.Row
    register_functions(connection)
    return connection


def register_functions(connection: sqlite3.Connection) -> None:
    """What the store's SQL (triggers and queries) needs on any connection to its file:
    `sakari_json(raw [, context…])`, the JSON text of a value in either format (store/packing.py)."""
    connection.create_function("sakari_json", -1, sql_json, deterministic=True)


def open_reader(path: Path | str) -> StoreConnection:
    """A read-only StoreConnection to the store at `path`: it never creates, migrates or writes."""
    return open_connection(f"{Path(path).resolve().as_uri()}?mode=ro", shown=path, uri=True)


PRIVATE_FILE_MODE = 0o600


def make_private(path: Path) -> None:
    """Make the store's folder private and its file 0600, creating the file so before SQLite opens it.

    SQLite gives the -wal and -shm files it creates the mode of the database file, so they come
    out 0600 too; ones an older version left are made private here.
    """
    secure_store_folder(path)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE))
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            mode = stat.S_IMODE(name.stat().st_mode)
            if mode & 0o077:
                os.chmod(name, mode & ~0o077)  # keep the owner's bits: a file made read-only stays so
        except FileNotFoundError:
            continue
        except OSError as exc:  # someone else's file: SQLite will say what it can and cannot do with it
            _log.warning("cannot make %s private: %s", name, exc.strerror or exc)
