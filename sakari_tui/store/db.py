"""The local SQLite database: connection setup and versioned schema migrations.

WAL mode lets the app read while a write commits; `user_version` records which migrations ran.
Each migration is a list of statements applied in one transaction, never edited once shipped.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from .connection import (  # noqa: F401  (the store's errors are imported from here too)
    StoreConnection,
    StoreDamaged,
    StoreError,
    StoreWriteError,
    classify_error,
    make_private,
    open_connection,
    open_reader,
    store_damaged,
)
from .packing_schema import packing_migration
from .search_backlog import search_backlog_migration
from .search_schema import SEARCH_TOKENIZER, _search_migration  # noqa: F401
from .search_triggers import merge_documents_migration, search_triggers_migration

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
    # 8: who wrote what (sms/authors.py). An account is shared, so an outgoing message is "You" only
    # when this machine's outbox sent it: `sent_here` records each adopted message, in the same
    # transaction that drops its outbox row. `created.by` (raw JSON, every field Sakari sent) of each
    # message and of each conversation's last message, so the list and search attribute without
    # parsing whole rows; filled from the raw JSON the rows already keep. And what the thread
    # looked like when each draft started, so the send can tell what arrived while it was written.
    [
        """CREATE TABLE sent_here (
            message_id TEXT PRIMARY KEY,
            local_id TEXT NOT NULL,
            sent_at REAL NOT NULL
        )""",
        "ALTER TABLE messages ADD COLUMN created_by TEXT",
        "ALTER TABLE conversations ADD COLUMN last_by TEXT",
        # The collision guard's base of a draft (sms/collision.py DraftBase), kept with its text.
        "ALTER TABLE drafts ADD COLUMN base TEXT",
        "UPDATE messages SET created_by = json_extract(raw, '$.created.by')",
        "UPDATE conversations SET last_by = json_extract(raw, '$.lastMessage.created.by')",
    ],
    # 9: the waits `notifications.on_overdue` has paged (store/overdue.py): one page per wait,
    # across restarts.
    [
        """CREATE TABLE overdue_paged (
            conversation_id TEXT NOT NULL,
            message_id TEXT NOT NULL,
            paged_at REAL NOT NULL,
            PRIMARY KEY (conversation_id, message_id)
        )""",
    ],
    # 10: send later (store/outbox.py): a reply waiting in state 'scheduled' until `send_at` (this
    # machine's wall clock, Unix seconds; `not_before` is the server-time bound of reconciliation,
    # something else), and what its release is checked against (`schedule`, JSON: when it was
    # scheduled, the thread then, the quiet hours and the rules in force).
    [
        "ALTER TABLE outbox ADD COLUMN send_at REAL",
        "ALTER TABLE outbox ADD COLUMN schedule TEXT",
    ],
    # 11: triage (store/views.py): snoozes and "mark unread", local state keyed by (contact, sender
    # number) so the conversation Sakari opens after a close keeps them; `through` is the
    # conversation's last activity when it was snoozed (a newer customer text wakes it). The views'
    # orders from indexes alone: Needs reply's (oldest wait first, open ones by who wrote last), and
    # the list's own with the sender number the new joins and the sender filter read.
    [
        """CREATE TABLE snoozes (
            contact_key TEXT NOT NULL,
            sender_number TEXT NOT NULL,
            until REAL NOT NULL,
            through TEXT NOT NULL,
            snoozed_at REAL NOT NULL,
            PRIMARY KEY (contact_key, sender_number)
        )""",
        """CREATE TABLE unread_marks (
            contact_key TEXT NOT NULL,
            sender_number TEXT NOT NULL,
            marked_at REAL NOT NULL,
            PRIMARY KEY (contact_key, sender_number)
        )""",
        """CREATE INDEX conversations_triage ON conversations(
            closed, last_outgoing, last_at, id, sender_number, contact_id, unread_count, last_by)""",
        "DROP INDEX conversations_listing",
        """CREATE INDEX conversations_listing ON conversations(
            last_at DESC, id DESC, closed, unread_count, contact_id, sender_number)""",
    ],
    # 12: MMS (store/outbox_media.py): a reply's attachment, staged as a copy beside the store
    # (`media_path`), its name, type and size as attached, and the link Sakari hosts it on once
    # uploaded (`media_url`) with the link's expiry in the server's time (Unix seconds), kept before
    # the send so a send resumed after a crash is looked for by that link and never uploaded twice.
    [
        "ALTER TABLE outbox ADD COLUMN media_path TEXT",
        "ALTER TABLE outbox ADD COLUMN media_name TEXT",
        "ALTER TABLE outbox ADD COLUMN media_type TEXT",
        "ALTER TABLE outbox ADD COLUMN media_size INTEGER",
        "ALTER TABLE outbox ADD COLUMN media_url TEXT",
        "ALTER TABLE outbox ADD COLUMN media_expires REAL",
    ],
    # 13: the file attached to a draft (store/drafts.py): the path of the user's own file, which
    # is copied into the outbox only when the reply is sent; a restart attaches it again.
    [
        """CREATE TABLE draft_files (
            conversation_id TEXT PRIMARY KEY, path TEXT NOT NULL, saved_at REAL NOT NULL)""",
    ],
    # 14: a lean store (store/packing.py): messages' and conversations' raw JSON is written
    # packed (a BLOB: deflate against a frozen dictionary of the API's structure, a conversation
    # also against its own ids and last text), and conversations' fingerprints as 12 bytes.
    # Old TEXT rows stay readable everywhere; they are converted after the migration, in small
    # resumable batches (store/compaction.py), so opening a big store never waits for it.
    # See packing_schema.py.
    packing_migration(),
    # 15 (issue 17, sync CPU): the search triggers with less work per row for the same
    # documents: a number's digits worked out once per document, and no unpacking to compare
    # the text of a row whose stored JSON an update left as it was. See search_triggers.py.
    search_triggers_migration(),
    # 16: the account's sender numbers (InboxListing.sender_numbers) one index step each, before the
    # first frame: at 100,000 conversations a DISTINCT over the rows took 85-140 ms.
    [
        "CREATE INDEX conversations_by_sender ON conversations(sender_number)",
    ],
    # 17 (issue 17, sync CPU): a page merge writes the search documents of the rows it adds, and
    # the insert triggers skip a row that has one (no call back into Python to unpack it). See
    # search_triggers.py.
    merge_documents_migration(),
    # 18 (issue 17, sync CPU): a sync's pages leave their search documents to be indexed in bulk
    # every few pages, the index never holding a document past its mark. See search_backlog.py.
    search_backlog_migration(),
]

SCHEMA_VERSION = len(MIGRATIONS)


# What each connection to a store sets for itself (WAL is the file's, set once by `connect`).
PER_CONNECTION_PRAGMAS = ("PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON")


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
        for pragma in PER_CONNECTION_PRAGMAS:
            connection.execute(pragma)
        migrate(connection)
    except StoreError:
        connection.close()
        raise
    except sqlite3.DatabaseError as exc:
        connection.close()
        raise StoreError(f"Cannot open the local store at {path}: {exc}.") from None
    return connection


def connect_writer(path: Path | str) -> StoreConnection:
    """A second read-write connection to the (already migrated) store at `path`, set up as
    `connect` sets up the app's own (store/page_writer.py writes a sync's pages on it)."""
    connection = open_connection(str(path), shown=path)
    try:
        for pragma in PER_CONNECTION_PRAGMAS:
            connection.execute(pragma)
    except BaseException:
        connection.close()
        raise
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
