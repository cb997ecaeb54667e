"""The local SQLite database: connection setup and versioned schema migrations.

WAL mode lets the app read while a write commits; `user_version` records which migrations ran.
Each migration is a list of statements applied in one transaction, never edited once shipped.
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

_log = logging.getLogger(__name__)

SEARCH_TOKENIZER = "unicode61 remove_diacritics 2"
# A phone number is at most 15 digits (E.164).
_MAX_DIGITS = 15


def _json_text(raw: str, path: str) -> str:
    """SQL: a JSON field of `raw` as text; '' when missing, and never an error for a row that is not JSON."""
    return f"COALESCE(CASE WHEN json_valid({raw}) THEN CAST(json_extract({raw}, '{path}') AS TEXT) END, '')"


def _digits(number: str) -> str:
    """SQL: a phone number without its punctuation (E.164 numbers carry only the '+')."""
    expression = f"COALESCE({number}, '')"
    for mark in "+ -().":
        expression = f"replace({expression}, '{mark}', '')"
    return expression


def _suffixes(digits: str) -> str:
    """SQL: every suffix of `digits`, space-separated: '15551230001 5551230001 … 1'.

    A prefix query on these tokens is a substring search on the number, so the last four digits
    or the national number without its country code find the contact.
    """
    return "trim(" + " || ' ' || ".join(f"substr({digits}, {i})" for i in range(1, _MAX_DIGITS + 1)) + ")"


def _contact_doc(source: str, row: str, from_clause: str = "") -> str:
    """SQL: a SELECT of the contact_text columns for a conversation's or a contact's `row`."""
    if source == "conversation":
        name, email, number = f"{row}.contact_name", _json_text(f"{row}.raw", "$.contact.email"), f"{row}.contact_number"
    else:
        first, last = _json_text(f"{row}.raw", "$.firstName"), _json_text(f"{row}.raw", "$.lastName")
        name, email, number = f"trim({first} || ' ' || {last})", _json_text(f"{row}.raw", "$.email"), _json_text(f"{row}.raw", "$.mobile.number")
    return (
        f"SELECT '{source}', id, name, email, number, {_suffixes('d')} FROM ("
        f"SELECT {row}.id AS id, COALESCE({name}, '') AS name, {email} AS email, COALESCE({number}, '') AS number,"
        f" {_digits(number)} AS d {from_clause})"
    )


CONTACT_TEXT_COLUMNS = "source, source_id, name, email, number, digits"


def _fts_sync_triggers(content: str, fts: str, key: str, columns: tuple[str, ...]) -> list[str]:
    """The triggers that keep an external-content FTS5 table exactly in step with its content table."""
    names = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    delete = f"INSERT INTO {fts} ({fts}, rowid, {names}) VALUES ('delete', old.{key}, {old});"
    insert = f"INSERT INTO {fts} (rowid, {names}) VALUES (new.{key}, {new});"
    return [
        f"CREATE TRIGGER {content}_ai AFTER INSERT ON {content} BEGIN {insert} END",
        f"CREATE TRIGGER {content}_ad AFTER DELETE ON {content} BEGIN {delete} END",
        f"CREATE TRIGGER {content}_au AFTER UPDATE OF {names} ON {content} BEGIN {delete} {insert} END",
    ]


def _search_migration() -> list[str]:
    """Migration 6: FTS5 indexes of message text and of contacts' names, emails and numbers.

    Each index is an external-content FTS5 table over a small table of its own (message_text,
    contact_text) whose INTEGER PRIMARY KEY is the FTS rowid: a VACUUM may renumber the rowids
    of `messages`, `conversations` and `contacts` (their keys are TEXT), never these.
    Triggers on the cached tables keep these current, so cache.py's merges need no change;
    a message upserted for a status change leaves the index alone unless its text changed.

    Tokenizer: unicode61 with diacritics removed ('jose' finds 'José'), searched by words and
    word prefixes. trigram would find any substring, but in this SQLite cannot ignore diacritics,
    needs three characters before it finds anything, and makes the index several times larger.
    The cost: unicode61 keeps a run of Chinese or Japanese characters as one word, so such text
    is found from its start only.
    Numbers are indexed as all their digit suffixes, so digits find a number wherever they are in it.
    """
    def message_body(row: str) -> str:
        return _json_text(f"{row}.raw", "$.message")

    conversation_changed = (
        "old.id IS NOT new.id OR old.contact_name IS NOT new.contact_name OR old.contact_number IS NOT new.contact_number"
        f" OR {_json_text('old.raw', '$.contact.email')} IS NOT {_json_text('new.raw', '$.contact.email')}"
    )
    contact_changed = "old.id IS NOT new.id OR old.raw IS NOT new.raw"
    return [
        # Messages.
        "CREATE TABLE message_text (docid INTEGER PRIMARY KEY, message_id TEXT UNIQUE, body TEXT NOT NULL)",
        f"""CREATE VIRTUAL TABLE message_fts USING fts5(body, content='message_text', content_rowid='docid',
            tokenize='{SEARCH_TOKENIZER}')""",
        f"INSERT INTO message_text (message_id, body) SELECT m.id, {message_body('m')} FROM messages m",
        "INSERT INTO message_fts (message_fts) VALUES ('rebuild')",
        *_fts_sync_triggers("message_text", "message_fts", "docid", ("body",)),
        f"""CREATE TRIGGER messages_search_ai AFTER INSERT ON messages BEGIN
            INSERT INTO message_text (message_id, body) VALUES (new.id, {message_body('new')});
        END""",
        """CREATE TRIGGER messages_search_ad AFTER DELETE ON messages BEGIN
            DELETE FROM message_text WHERE message_id = old.id;
        END""",
        f"""CREATE TRIGGER messages_search_au AFTER UPDATE OF id, raw ON messages
            WHEN old.id IS NOT new.id OR {message_body('old')} IS NOT {message_body('new')}
        BEGIN
            UPDATE message_text SET message_id = new.id, body = {message_body('new')}
            WHERE message_id = old.id;
        END""",
        # Contacts: one document per conversation (its contact's name, email and number) and one per
        # cached contact (name, email, number); search.py folds the two into one hit, finding a
        # contact's conversation by contact_id.
        "CREATE INDEX conversations_by_contact ON conversations(contact_id)",
        """CREATE TABLE contact_text (
            docid INTEGER PRIMARY KEY,
            source TEXT NOT NULL,
            source_id TEXT,
            name TEXT NOT NULL,
            email TEXT NOT NULL,
            number TEXT NOT NULL,
            digits TEXT NOT NULL,
            UNIQUE (source, source_id)
        )""",
        f"""CREATE VIRTUAL TABLE contact_fts USING fts5(name, email, digits, content='contact_text',
            content_rowid='docid', tokenize='{SEARCH_TOKENIZER}')""",
        f"INSERT INTO contact_text ({CONTACT_TEXT_COLUMNS}) {_contact_doc('conversation', 'c', 'FROM conversations c')}",
        f"INSERT INTO contact_text ({CONTACT_TEXT_COLUMNS}) {_contact_doc('contact', 'k', 'FROM contacts k')}",
        "INSERT INTO contact_fts (contact_fts) VALUES ('rebuild')",
        *_fts_sync_triggers("contact_text", "contact_fts", "docid", ("name", "email", "digits")),
        *_contact_triggers("conversations", "conversation", conversation_changed),
        *_contact_triggers("contacts", "contact", contact_changed),
    ]


def _contact_triggers(table: str, source: str, changed: str) -> list[str]:
    """Triggers that keep the documents of `table`'s rows in contact_text (an update replaces one)."""
    remove = f"DELETE FROM contact_text WHERE source = '{source}' AND source_id = old.id;"
    insert = f"INSERT INTO contact_text ({CONTACT_TEXT_COLUMNS}) {_contact_doc(source, 'new')};"
    return [
        f"CREATE TRIGGER {table}_search_ai AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER {table}_search_ad AFTER DELETE ON {table} BEGIN {remove} END",
        f"CREATE TRIGGER {table}_search_au AFTER UPDATE ON {table} WHEN {changed} BEGIN {remove} {insert} END",
    ]


MIGRATIONS: list[list[str]] = [
    # 1: cached inbox, local read marks, drafts, contacts' opt-out state.
    [
        """CREATE TABLE conversations (
            id TEXT PRIMARY KEY,
            contact_id TEXT,
            contact_name TEXT NOT NULL DEFAULT '',
            contact_number TEXT NOT NULL DEFAULT '',
            sender_number TEXT NOT NULL DEFAULT '',
            closed INTEGER NOT NULL DEFAULT 0,
            unread_count INTEGER NOT NULL DEFAULT 0,
            last_message_id TEXT,
            last_text TEXT NOT NULL DEFAULT '',
            last_outgoing INTEGER NOT NULL DEFAULT 0,
            last_status TEXT,
            last_at TEXT NOT NULL DEFAULT '',
            fingerprint TEXT NOT NULL DEFAULT '',
            raw TEXT NOT NULL
        )""",
        "CREATE INDEX conversations_by_activity ON conversations(last_at DESC)",
        """CREATE TABLE messages (
            id TEXT PRIMARY KEY,
            conversation_id TEXT NOT NULL,
            created_at TEXT NOT NULL,
            outgoing INTEGER NOT NULL DEFAULT 0,
            status TEXT,
            raw TEXT NOT NULL
        )""",
        "CREATE INDEX messages_by_conversation ON messages(conversation_id, created_at)",
        """CREATE TABLE read_marks (
            conversation_id TEXT PRIMARY KEY,
            read_through TEXT NOT NULL
        )""",
        """CREATE TABLE drafts (
            conversation_id TEXT PRIMARY KEY,
            text TEXT NOT NULL,
            updated_at REAL NOT NULL
        )""",
        """CREATE TABLE contacts (
            id TEXT PRIMARY KEY,
            opted_out INTEGER NOT NULL DEFAULT 0,
            raw TEXT NOT NULL
        )""",
    ],
    # 2: the outbox: every reply is recorded here before it is sent.
    [
        """CREATE TABLE outbox (
            local_id TEXT PRIMARY KEY,
            conversation_id TEXT NOT NULL,
            contact_id TEXT,
            text TEXT NOT NULL,
            state TEXT NOT NULL,
            created_at REAL NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt REAL NOT NULL DEFAULT 0,
            error TEXT,
            exclude_ids TEXT NOT NULL DEFAULT '[]'
        )""",
        "CREATE INDEX outbox_by_conversation ON outbox(conversation_id, created_at)",
    ],
    # 3: conversations the user muted (no bell, no notification; still listed).
    [
        "CREATE TABLE mutes (conversation_id TEXT PRIMARY KEY, muted_at REAL NOT NULL)",
    ],
    # 4: the list's order from an index alone: the table's rows carry the raw JSON, which a scan
    # of 10,000 conversations would otherwise have to read (twice as slow).
    [
        "CREATE INDEX conversations_listing ON conversations(last_at DESC, closed, unread_count, id, contact_id)",
    ],
    # 5: ties on last_at broken by id, from the index: the list's order is then a total order,
    # which an incremental update of the list (InboxCache.relisted) can reproduce exactly.
    [
        "DROP INDEX conversations_listing",
        "CREATE INDEX conversations_listing ON conversations(last_at DESC, id DESC, closed, unread_count, contact_id)",
    ],
    # 6: full-text search over cached messages and contacts (store/search.py); see _search_migration.
    _search_migration(),
    # 7: what reconciliation needs to find a reply without trusting this machine's clock or resending
    # blindly (store/outbox.py): the number a new conversation goes to, the server-time bound, the
    # contact's details the text's placeholders were filled from, and the checks made so far.
    [
        "ALTER TABLE outbox ADD COLUMN target TEXT",
        "ALTER TABLE outbox ADD COLUMN not_before REAL",
        "ALTER TABLE outbox ADD COLUMN context TEXT NOT NULL DEFAULT '{}'",
        "ALTER TABLE outbox ADD COLUMN ambiguous_since REAL",
        "ALTER TABLE outbox ADD COLUMN checks INTEGER NOT NULL DEFAULT 0",
    ],
]

SCHEMA_VERSION = len(MIGRATIONS)


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
)
_READ_IO_ERRORS = ("SQLITE_IOERR_READ", "SQLITE_IOERR_SHORT_READ")
_DAMAGE = ("SQLITE_CORRUPT", "SQLITE_NOTADB")
# Python's own error for a cell that is not UTF-8 (it has no SQLite error code), quoting the cell's
# text, which may be a contact's name or number. We only ever write UTF-8: only damage reads so.
_NOT_UTF8 = "Could not decode to UTF-8"


def store_damaged(path: object) -> StoreDamaged:
    """The one sentence for a damaged store: the file, and nothing read from it."""
    return StoreDamaged(f"The local store at {path} is damaged.")


def classify_error(error: sqlite3.Error, path: object) -> StoreError | None:
    """The StoreError a failure of the disk or of the file at `path` means; None for other errors."""
    name = getattr(error, "sqlite_errorname", None) or ""
    if name.startswith(_DAMAGE) or (name == "" and str(error).startswith(_NOT_UTF8)):
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
        connection = sqlite3.connect(database, uri=uri, isolation_level=None, check_same_thread=False,
                                     factory=StoreConnection)
    except sqlite3.Error as error:
        translated = classify_error(error, shown)
        if translated is None:
            raise
        raise translated from None
    connection.store_path = str(shown)
    connection.row_factory = sqlite3.Row
    return connection


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


def connect(path: Path | str) -> StoreConnection:
    """Open (creating if needed) and migrate the database at `path` (":memory:" for tests)."""
    if str(path) != ":memory:":
        try:
            make_private(Path(path))
        except OSError as exc:
            raise StoreError(f"Cannot open the local store at {path}: {exc.strerror or exc}.") from None
    connection = open_connection(str(path), shown=path)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute("PRAGMA foreign_keys=ON")
        migrate(connection)
    except StoreError:
        connection.close()
        raise
    except sqlite3.DatabaseError as exc:
        connection.close()
        raise StoreError(f"Cannot open the local store at {path}: {exc}.") from None
    return connection


def migrate(connection: sqlite3.Connection) -> None:
    """Apply the migrations this database has not had yet."""
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"the store was written by a newer sakari-tui (schema {version}, this one knows {SCHEMA_VERSION})"
        )
    for number in range(version, SCHEMA_VERSION):
        connection.execute("BEGIN IMMEDIATE")
        try:
            for statement in MIGRATIONS[number]:
                connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {number + 1}")
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:  # a StoreConnection rolls back a failed write itself
                connection.execute("ROLLBACK")
            raise
