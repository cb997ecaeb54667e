"""Every write to the store that the disk refuses raises one StoreWriteError, and the store stays usable.

SQLite reports SQLITE_FULL when a write needs a page past `PRAGMA max_page_count` (a full disk,
deterministically) and SQLITE_READONLY under `PRAGMA query_only` (which works as root too, where a
read-only file would not stop anything).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

import sakari_tui
from sakari_tui.api import Contact, Conversation, Message
from sakari_tui.store import Store, StoreError, StoreWriteError
from sakari_tui.store.db import classify_error

# Each write below carries more than a page of text, so it needs a new page whatever room is left.
BIG = "x" * 20_000
AT = datetime(2026, 3, 4, 12, 0, tzinfo=timezone.utc)
# A conversation whose read mark or mute is more than a page long.
LONG_ID = "c-" + BIG


def conversation(cid: str, text: str = "hello") -> Conversation:
    return Conversation.model_validate(
        {
            "id": cid,
            "contact": {"id": f"k-{cid}", "firstName": "Ana", "mobile": {"number": "+15551230001"}},
            "lastMessage": {"id": f"m-{cid}", "message": text, "created": {"at": AT.isoformat()}},
        }
    )


def message(mid: str, text: str) -> Message:
    return Message.model_validate({"id": mid, "message": text, "created": {"at": AT.isoformat()}})


@pytest.fixture
def store(tmp_path):
    opened = Store(tmp_path / "inbox.sqlite3")
    opened.inbox.merge_conversations([conversation("c1"), conversation(LONG_ID)])
    yield opened
    opened.close()


def fill_disk(store: Store) -> None:
    """No page left: the file may not grow and nothing is free inside it."""
    store.db.execute("VACUUM")
    assert store.db.execute("PRAGMA freelist_count").fetchone()[0] == 0
    pages = store.db.execute("PRAGMA page_count").fetchone()[0]
    store.db.execute(f"PRAGMA max_page_count = {pages}")


def free_disk(store: Store) -> None:
    store.db.execute("PRAGMA max_page_count = 1073741823")


WRITES = {
    "drafts.save": lambda s: s.drafts.save("c1", BIG),
    "merge_conversations": lambda s: s.inbox.merge_conversations([conversation("c2", BIG)]),
    "merge_messages": lambda s: s.inbox.merge_messages("c1", [message("m-big", BIG)]),
    "merge_contact": lambda s: s.inbox.merge_contact(Contact.model_validate({"id": "k-big", "firstName": BIG})),
    "mark_read": lambda s: s.inbox.mark_read(LONG_ID),
    "set_muted": lambda s: s.inbox.set_muted(LONG_ID, True),
    "outbox.add": lambda s: s.outbox.add("c1", "k-c1", BIG, ()),
}


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_a_full_disk_raises_store_write_error_and_the_store_recovers(store, write, tmp_path):
    before = store.db.execute("SELECT COUNT(*) FROM messages").fetchone()[0]
    fill_disk(store)
    with pytest.raises(StoreWriteError) as caught:
        write(store)
    error = caught.value
    assert isinstance(error, StoreError)
    assert str(error) == f"Cannot write the local store at {tmp_path / 'inbox.sqlite3'}: the disk is full."
    assert error.__cause__ is None and error.__suppress_context__
    # Nothing half-written, no transaction left open, and reads still work while the disk is full.
    assert not store.db.in_transaction
    assert store.db.execute("SELECT COUNT(*) FROM messages").fetchone()[0] == before
    assert store.drafts.get("c1") == ""
    assert store.outbox.all() == []
    rows = store.inbox.rows()
    assert {row.id for row in rows} == {"c1", LONG_ID} and not any(row.muted for row in rows)
    assert (
        store.db.execute("SELECT (SELECT COUNT(*) FROM read_marks) + (SELECT COUNT(*) FROM mutes)").fetchone()[0] == 0
    )
    free_disk(store)
    write(store)  # once there is room again, the same write succeeds


def test_a_read_only_store_raises_store_write_error(store, tmp_path):
    store.db.execute("PRAGMA query_only = 1")
    with pytest.raises(StoreWriteError, match=r"^Cannot write the local store at .*inbox\.sqlite3: it is read-only\.$"):
        store.drafts.save("c1", "hello")
    with pytest.raises(StoreWriteError):
        store.outbox.add("c1", "k-c1", "hello", ())
    assert store.drafts.get("c1") == ""
    store.db.execute("PRAGMA query_only = 0")
    store.drafts.save("c1", "hello")
    assert store.drafts.get("c1") == "hello"


def test_commit_and_executescript_and_executemany_are_covered_too(store):
    fill_disk(store)
    with pytest.raises(StoreWriteError):
        store.db.executemany("INSERT INTO drafts (conversation_id, text, updated_at) VALUES (?, ?, 0)", [("a", BIG)])
    with pytest.raises(StoreWriteError):
        store.db.executescript(f"INSERT INTO drafts (conversation_id, text, updated_at) VALUES ('b', '{BIG}', 0);")
    assert not store.db.in_transaction
    with pytest.raises(StoreWriteError):
        with store.db:
            store.db.execute("BEGIN")
            store.db.execute("INSERT INTO drafts (conversation_id, text, updated_at) VALUES ('c', ?, 0)", (BIG,))
    assert not store.db.in_transaction


def error_named(name: str, code: int) -> sqlite3.Error:
    error = sqlite3.OperationalError("boom")
    error.sqlite_errorname, error.sqlite_errorcode = name, code
    return error


@pytest.mark.parametrize(
    ("name", "code", "reason"),
    [
        ("SQLITE_FULL", 13, "the disk is full"),
        ("SQLITE_READONLY", 8, "it is read-only"),
        ("SQLITE_READONLY_DBMOVED", 1032, "it is read-only"),
        ("SQLITE_IOERR_WRITE", 778, "writing failed (disk I/O error)"),
        ("SQLITE_IOERR_FSYNC", 1034, "writing failed (disk I/O error)"),
        ("SQLITE_CANTOPEN", 14, "the file cannot be opened"),
    ],
)
def test_each_write_failure_is_one_sentence_naming_the_file(name, code, reason):
    translated = classify_error(error_named(name, code), "/data/inbox.sqlite3")
    assert isinstance(translated, StoreWriteError)
    assert str(translated) == f"Cannot write the local store at /data/inbox.sqlite3: {reason}."


def test_other_errors_are_left_alone():
    assert classify_error(error_named("SQLITE_CONSTRAINT_PRIMARYKEY", 1555), "x") is None
    assert classify_error(sqlite3.OperationalError("no such table: nope"), "x") is None


FILE_MAY_NOT_GROW = """
import os, resource, signal, sys
from pathlib import Path
from sakari_tui.store import Store, StoreWriteError

signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG) instead of killing us
store = Store(Path(sys.argv[1]))
store.drafts.save("a", "small")
store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
limit = max(os.path.getsize(sys.argv[1]), 16384)
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))
big = "x" * (limit + 100_000)  # more than any file of the store may now hold, whatever its schema's size
try:
    store.outbox.add("b", None, big, ())  # written out at its COMMIT, in the `with` block's exit
except StoreWriteError as error:
    print(error, store.db.in_transaction)
resource.setrlimit(resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
store.outbox.add("b", None, big, ())
print(len(store.outbox.all()), store.drafts.get("a"))
"""


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_FSIZE and SIGXFSZ as on Linux")
def test_a_file_that_cannot_grow_fails_at_commit_with_store_write_error(tmp_path):
    """A real write failure of the file (as on a full disk), met where it happens: at COMMIT."""
    path = tmp_path / "inbox.sqlite3"
    root = Path(sakari_tui.__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-c", FILE_MAY_NOT_GROW, str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(root)},
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"Cannot write the local store at {path}: writing failed (disk I/O error). False",
        "1 small",
    ]
