"""A damaged store: one sentence without personal data, and a fresh store keeping the unsent replies.

Damage is garbage written over whole pages in the middle of the file; which pages belong to which
table comes from SQLite's dbstat table, so each test hits what it means to.
"""

from __future__ import annotations

import random
import re
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import pytest

from sakari_tui.api import Conversation, Message
from sakari_tui.store import Store, StoreDamaged, StoreError
from sakari_tui.store.db import connect
from sakari_tui.store.packing import conversation_json_sql
from sakari_tui.store.salvage import move_aside

AT = datetime(2026, 3, 4, 12, 0, tzinfo=timezone.utc)
CONVERSATIONS = 300


def name(i: int) -> str:
    return f"Sipho Nkosi{i:03d}"


def number(i: int) -> str:
    return f"+1555{i:07d}"


def conversation(i: int) -> Conversation:
    return Conversation.model_validate(
        {
            "id": f"c{i:03d}",
            "contact": {"id": f"k{i:03d}", "firstName": name(i), "mobile": {"number": number(i)}},
            "lastMessage": {
                "id": f"m{i:03d}",
                "message": f"Hello from {name(i)} at {number(i)}",
                "created": {"at": AT.isoformat()},
            },
        }
    )


def filled_store(path: Path, *, replies: int = 5) -> None:
    store = Store(path)
    store.inbox.merge_conversations([conversation(i) for i in range(CONVERSATIONS)])
    for i in range(CONVERSATIONS):
        store.inbox.merge_messages(
            f"c{i:03d}",
            [
                Message.model_validate(
                    {"id": f"m{i:03d}-{j}", "message": f"{name(i)} {number(i)} {j}", "created": {"at": AT.isoformat()}}
                )
                for j in range(3)
            ],
        )
    for i in range(replies):
        store.outbox.add(f"c{i:03d}", f"k{i:03d}", f"reply number {i}", ())
    store.drafts.save("c001", "a draft to keep")
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()


def pages_of(path: Path, table: str) -> list[int]:
    db = sqlite3.connect(path)
    try:
        return [row[0] for row in db.execute("SELECT pageno FROM dbstat WHERE name = ? ORDER BY pageno", (table,))]
    finally:
        db.close()


def damage(path: Path, pages: list[int], seed: int = 7) -> None:
    """Random bytes over whole pages (numbered from 1, as SQLite does)."""
    db = sqlite3.connect(path)
    size = db.execute("PRAGMA page_size").fetchone()[0]
    db.close()
    rng = random.Random(seed)
    with open(path, "r+b") as handle:
        for page in pages:
            handle.seek((page - 1) * size)
            handle.write(rng.randbytes(size))


def middle(pages: list[int], count: int = 3) -> list[int]:
    start = len(pages) // 2
    return pages[start : start + count]


def read_everything(store: Store) -> None:
    for row in store.inbox.rows():
        store.inbox.conversation(row.id)
        store.inbox.thread(row.id)
    store.db.execute("SELECT * FROM conversations").fetchall()
    store.db.execute("SELECT * FROM messages").fetchall()


def test_a_damaged_table_raises_store_damaged_without_personal_data(tmp_path):
    path = tmp_path / "inbox.sqlite3"
    filled_store(path)
    damage(path, middle(pages_of(path, "conversations")) + middle(pages_of(path, "messages")))
    store = Store(path)  # opening reads no table: it works, the damage shows on reading
    with pytest.raises(StoreDamaged) as caught:
        read_everything(store)
    message = str(caught.value)
    assert isinstance(caught.value, StoreError)
    assert message == f"The local store at {path} is damaged."
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
    assert not re.search(r"Sipho|Nkosi|\+?1555\d", message)
    store.close()


@pytest.mark.parametrize("seed", range(6))
def test_garbage_in_a_row_never_shows_its_neighbours_text(tmp_path, seed):
    """Garbage that SQLite does not notice (text that is not UTF-8, JSON that is not JSON) is damage too."""
    path = tmp_path / "inbox.sqlite3"
    filled_store(path)
    pages = pages_of(path, "conversations")
    db = sqlite3.connect(path)
    size = db.execute("PRAGMA page_size").fetchone()[0]
    db.close()
    rng = random.Random(seed)
    with open(path, "r+b") as handle:  # a few bytes inside the cells, not the page headers
        for page in middle(pages, 4):
            for _ in range(8):
                handle.seek((page - 1) * size + rng.randrange(size // 2, size))
                handle.write(rng.randbytes(4))
    store = Store(path)
    try:
        read_everything(store)
    except StoreDamaged as error:
        assert not re.search(r"Sipho|Nkosi|\+?1555\d", str(error))
    finally:
        store.close()


def test_a_damaged_header_raises_store_damaged_on_opening(tmp_path):
    path = tmp_path / "inbox.sqlite3"
    filled_store(path)
    damage(path, [1])
    with pytest.raises(StoreDamaged, match=r"^The local store at .* is damaged\.$"):
        Store(path)


def test_move_aside_keeps_the_outbox_and_drafts_in_a_fresh_store(tmp_path):
    path = tmp_path / "inbox.sqlite3"
    filled_store(path, replies=5)
    damage(path, middle(pages_of(path, "conversations")) + middle(pages_of(path, "messages")))
    salvage = move_aside(path, now=datetime(2026, 3, 4, 12, 5, 6))
    assert salvage.damaged == tmp_path / "inbox.sqlite3.damaged-20260304-120506"
    assert salvage.damaged.is_file() and not Path(f"{path}-wal").exists()
    assert (salvage.replies_kept, salvage.replies_lost, salvage.drafts_kept) == (5, 0, 1)
    fresh = Store(path)
    assert sorted(entry.text for entry in fresh.outbox.all()) == [f"reply number {i}" for i in range(5)]
    assert fresh.drafts.get("c001") == "a draft to keep"
    assert fresh.inbox.count() == 0  # the cache comes back with the next sync
    read_everything(fresh)
    fresh.close()


def test_move_aside_skips_the_outbox_rows_it_cannot_read(tmp_path):
    path = tmp_path / "inbox.sqlite3"
    filled_store(path, replies=400)
    outbox_pages = pages_of(path, "outbox")
    assert len(outbox_pages) > 6
    damage(path, middle(outbox_pages, 2))
    salvage = move_aside(path)
    assert 0 < salvage.replies_kept < 400
    fresh = Store(path)
    assert len(fresh.outbox.all()) == salvage.replies_kept
    fresh.close()


def test_move_aside_of_an_unreadable_file_still_gives_a_fresh_store(tmp_path):
    path = tmp_path / "inbox.sqlite3"
    path.write_bytes(b"not a database at all" * 500)
    salvage = move_aside(path)
    assert (salvage.replies_kept, salvage.drafts_kept) == (0, 0)
    assert salvage.damaged.read_bytes().startswith(b"not a database")
    connect(path).close()


def test_move_aside_never_overwrites_an_earlier_damaged_copy(tmp_path):
    path = tmp_path / "inbox.sqlite3"
    moment = datetime(2026, 3, 4, 12, 5, 6)
    for _ in range(2):
        path.write_bytes(b"garbage" * 1000)
        move_aside(path, now=moment)
    assert len(list(tmp_path.glob("inbox.sqlite3.damaged-*"))) == 2


def replace_in_file(path: Path, old: bytes, new: bytes) -> int:
    assert len(old) == len(new)  # same length: the pages stay well-formed for SQLite
    data = path.read_bytes()
    count = data.count(old)
    path.write_bytes(data.replace(old, new))
    return count


def test_text_that_is_not_utf8_is_damage_and_its_text_is_not_shown(tmp_path):
    """Python's sqlite3 would say "Could not decode to UTF-8 column 'contact_name' with text 'Sipho…'"."""
    path = tmp_path / "inbox.sqlite3"
    filled_store(path)
    assert replace_in_file(path, name(150).encode(), name(150).encode()[:-3] + b"\xff\xfe0") > 0
    store = Store(path)
    with pytest.raises(StoreDamaged) as caught:
        store.inbox.rows()
    assert str(caught.value) == f"The local store at {path} is damaged."
    store.close()


def test_json_that_is_not_json_is_damage_and_its_text_is_not_shown(tmp_path):
    """pydantic would quote the row ("input_value='{\"closed\": false, \"contact\": {\"firstName\": \"Sipho…")."""
    path = tmp_path / "inbox.sqlite3"
    filled_store(path)
    db = connect(path)  # a row as the store wrote it before migration 14: plain JSON text
    db.execute(f"UPDATE conversations SET raw = {conversation_json_sql()} WHERE id = 'c151'")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    row = f'{{"closed": false, "contact": {{"firstName": "{name(151)}"'.encode()
    assert replace_in_file(path, row, b"[" + row[1:]) == 1
    store = Store(path)
    assert len(store.inbox.rows()) == CONVERSATIONS  # the list's columns are fine
    with pytest.raises(StoreDamaged) as caught:
        store.inbox.conversation("c151")
    assert str(caught.value) == f"The local store at {path} is damaged."
    store.close()


CRASH_AFTER_QUEUEING = """
import os, sys
from sakari_tui.store import Store
store = Store(sys.argv[1])
store.outbox.add("c002", "k002", "queued just before the crash", ())
os._exit(0)  # no close: the reply is only in the -wal file
"""


def test_move_aside_reads_the_replies_still_in_the_wal_file(tmp_path):
    import os
    import subprocess
    import sys

    import sakari_tui

    path = tmp_path / "inbox.sqlite3"
    filled_store(path, replies=1)
    damage(path, middle(pages_of(path, "conversations")))
    root = Path(sakari_tui.__file__).resolve().parents[1]
    subprocess.run(
        [sys.executable, "-c", CRASH_AFTER_QUEUEING, str(path)],
        check=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    assert Path(f"{path}-wal").stat().st_size > 0
    salvage = move_aside(path)
    assert Path(f"{salvage.damaged}-wal").is_file()
    fresh = Store(path)
    assert sorted(entry.text for entry in fresh.outbox.all()) == ["queued just before the crash", "reply number 0"]
    fresh.close()
