"""MMS in the store: a local file checked, staged beside the store with its row, and gone with it."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from sakari_tui.store import Store, StoreError
from sakari_tui.store.db import SCHEMA_VERSION
from sakari_tui.store.outbox import Outbox, SendState
from sakari_tui.store.outbox_media import MAX_MEDIA_BYTES, LocalFile, StagingFailed, local_file

from ..support.old_store import old_store


@pytest.fixture
def store(tmp_path):
    opened = Store(tmp_path / "data" / "inbox.sqlite3")
    yield opened
    opened.close()


def a_file(tmp_path: Path, name: str = "photo.jpg", data: bytes = b"\xff\xd8 a jpeg \xff\xd9") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def staged_files(store: Store) -> list[str]:
    folder = Path(store.path).with_name(Path(store.path).name + ".outbox-files")
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


# --- a local file ---------------------------------------------------------------------------------


def test_a_file_is_described_by_its_base_name_type_and_size(tmp_path):
    picked = local_file(a_file(tmp_path, "photo.jpg"))
    assert picked == LocalFile(path=tmp_path / "photo.jpg", name="photo.jpg", content_type="image/jpeg", size=12)
    assert local_file(a_file(tmp_path, "notes.zzq")).content_type == "application/octet-stream"


def test_a_file_name_loses_its_control_characters(tmp_path):
    picked = local_file(a_file(tmp_path, "evil\x1b]52;c;aGk=\x07name\u202e.png"))
    assert "\x1b" not in picked.name and "\x07" not in picked.name and "\u202e" not in picked.name
    assert picked.name.endswith(".png") and picked.content_type == "image/png"


@pytest.mark.parametrize(
    ("make", "sentence"),
    [
        (lambda tmp: tmp / "missing.png", "missing.png does not exist; check the path."),
        (lambda tmp: tmp, "is a folder; attach a file."),
        (lambda tmp: a_file(tmp, "empty.png", b""), "empty.png is empty; there is nothing to send."),
        (
            lambda tmp: a_file(tmp, "big.mov", b"x" * int(12.3 * 1024 * 1024)),
            "big.mov is 12.3 MB; MMS carries at most 5 MB.",
        ),
        (
            lambda tmp: a_file(tmp, "edge.mov", b"x" * (MAX_MEDIA_BYTES + 1)),
            "edge.mov is 5.000 MB; MMS carries at most 5 MB.",
        ),
    ],
)
def test_what_cannot_be_sent_is_refused_in_one_sentence(tmp_path, make, sentence):
    with pytest.raises(ValueError) as refused:
        local_file(make(tmp_path))
    assert str(refused.value).endswith(sentence) and "\n" not in str(refused.value)


def test_a_file_of_exactly_5_mb_goes(tmp_path):
    assert local_file(a_file(tmp_path, "max.bin", b"x" * MAX_MEDIA_BYTES)).size == MAX_MEDIA_BYTES


def test_an_unreadable_file_is_refused(tmp_path, monkeypatch):
    path = a_file(tmp_path)
    real_open = Path.open

    def denied(self, *args, **kwargs):
        if self == path:
            raise PermissionError(errno.EACCES, "Permission denied")
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", denied)  # as root, chmod 000 would not stop the read
    with pytest.raises(ValueError, match=r"^photo\.jpg cannot be read \(Permission denied\)\.$"):
        local_file(path)


# --- staging --------------------------------------------------------------------------------------


def test_queueing_copies_the_file_into_a_private_folder_beside_the_store(store, tmp_path):
    original = a_file(tmp_path)
    entry = store.outbox.add("c1", "k1", "see attached", (), media=local_file(original))
    folder = Path(store.path).with_name(Path(store.path).name + ".outbox-files")
    assert oct(folder.stat().st_mode & 0o777) == "0o700"
    assert Path(entry.media_path) == folder / f"{entry.local_id}.jpg"
    assert Path(entry.media_path).read_bytes() == original.read_bytes()
    kept = store.outbox.get(entry.local_id)
    assert (kept.media_path, kept.media_name, kept.media_type, kept.media_size) == (
        entry.media_path,
        "photo.jpg",
        "image/jpeg",
        12,
    )
    assert kept.media_url is None and kept.media_expires is None and kept.is_mms


def test_what_is_sent_is_the_file_as_it_was_when_queued(store, tmp_path):
    original = a_file(tmp_path, data=b"before")
    entry = store.outbox.add("c1", "k1", "", (), media=local_file(original))
    original.write_bytes(b"after, and longer")
    original.unlink()
    assert Path(store.outbox.get(entry.local_id).media_path).read_bytes() == b"before"


def test_a_plain_reply_has_no_media(store):
    entry = store.outbox.add("c1", "k1", "just text", ())
    assert store.outbox.get(entry.local_id).media_path is None and not entry.is_mms
    assert staged_files(store) == []


def test_a_row_that_cannot_be_written_leaves_no_copy_and_keeps_the_draft(store, tmp_path):
    store.drafts.save("c1", "see attached")
    store.db.execute("PRAGMA query_only = ON")  # the insert is refused (a read-only disk)
    with pytest.raises(StoreError):
        store.outbox.add("c1", "k1", "see attached", (), media=local_file(a_file(tmp_path)))
    store.db.execute("PRAGMA query_only = OFF")
    assert staged_files(store) == [] and store.outbox.all() == []
    assert store.drafts.get("c1") == "see attached"


def test_a_file_gone_between_the_check_and_the_queue_is_refused_in_one_sentence(store, tmp_path):
    picked = local_file(a_file(tmp_path))
    picked.path.unlink()
    store.drafts.save("c1", "draft")
    with pytest.raises(ValueError, match=r"^photo\.jpg cannot be read \(No such file or directory\); attach it"):
        store.outbox.add("c1", "k1", "draft", (), media=picked)
    assert staged_files(store) == [] and store.outbox.all() == [] and store.drafts.get("c1") == "draft"


def test_a_full_disk_refuses_the_copy_in_one_sentence_and_keeps_the_draft(tiny_disk, tmp_path):
    store = Store(tiny_disk.path / "inbox.sqlite3")
    try:
        store.drafts.save("c1", "the photo")
        picked = local_file(a_file(tmp_path, data=os.urandom(1024 * 1024)))
        tiny_disk.fill()
        with pytest.raises(StagingFailed) as refused:
            store.outbox.add("c1", "k1", "the photo", (), media=picked)
        assert isinstance(refused.value, OSError) and isinstance(refused.value, StoreError)
        assert str(refused.value) == "The disk is full: the attachment could not be copied into the outbox."
        tiny_disk.free()
        assert staged_files(store) == [] and store.outbox.all() == [] and store.drafts.get("c1") == "the photo"
    finally:
        store.close()


@pytest.mark.parametrize("how", ["adopted", "removed", "back to draft"])
def test_the_copy_goes_with_its_row(store, tmp_path, how):
    later = SendState.SCHEDULED if how == "back to draft" else None
    entry = store.outbox.add("c1", "k1", "pic", (), media=local_file(a_file(tmp_path)), send_at=1.0 if later else None)
    other = store.outbox.add("c1", "k1", "another", (), media=local_file(a_file(tmp_path, "b.png")))
    if how == "adopted":
        store.outbox.adopted(entry.local_id, "m1")
    elif how == "removed":
        store.outbox.remove(entry.local_id)
    else:
        assert store.outbox.back_to_draft(entry.local_id).media_name == "photo.jpg"
        assert store.drafts.get("c1") == "pic"
    assert not Path(entry.media_path).exists()
    assert staged_files(store) == [Path(other.media_path).name]


def test_copies_without_a_row_are_swept(store, tmp_path):
    entry = store.outbox.add("c1", "k1", "pic", (), media=local_file(a_file(tmp_path)))
    folder = Path(entry.media_path).parent
    (folder / "out-dead-1.jpg").write_bytes(b"left by a crash before its row")
    swept = store.outbox.sweep_files()
    assert [p.name for p in swept] == ["out-dead-1.jpg"]
    assert staged_files(store) == [Path(entry.media_path).name]


def test_the_link_is_kept_on_its_own(store, tmp_path):
    entry = store.outbox.add("c1", "k1", "pic", (), media=local_file(a_file(tmp_path)))
    store.outbox.set_media_link(entry, "https://sak.ar/i/abc.jpg", 1_900_000_000.0)
    kept = store.outbox.get(entry.local_id)
    assert (kept.media_url, kept.media_expires) == ("https://sak.ar/i/abc.jpg", 1_900_000_000.0)
    kept.state = SendState.SENDING
    store.outbox.update(kept)  # the state machine's writes leave the link alone
    assert store.outbox.get(entry.local_id).media_url == "https://sak.ar/i/abc.jpg"


def test_a_store_in_memory_stages_in_a_private_temporary_folder(tmp_path):
    store = Store(":memory:")
    try:
        entry = store.outbox.add("c1", "k1", "pic", (), media=local_file(a_file(tmp_path)))
        folder = Path(entry.media_path).parent
        assert oct(folder.stat().st_mode & 0o777) == "0o700" and Path(entry.media_path).is_file()
        store.outbox.remove(entry.local_id)
        assert not Path(entry.media_path).exists()
    finally:
        store.close()


# --- migration 12 ---------------------------------------------------------------------------------


def test_migration_12_gives_old_rows_no_media(tmp_path):
    path = tmp_path / "old.sqlite3"

    def fill(cache):
        Outbox(cache.db).add("c1", "k1", "queued by an older sakari-tui", ())

    old_store(path, 11, fill)
    store = Store(path)
    try:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION >= 12
        (old,) = store.outbox.all()
        assert old.text == "queued by an older sakari-tui" and old.state is SendState.QUEUED
        assert (old.media_path, old.media_name, old.media_type, old.media_size) == (None, None, None, None)
        assert (old.media_url, old.media_expires, old.is_mms) == (None, None, False)
        assert store.outbox.sweep_files() == []
    finally:
        store.close()


def test_migration_13_keeps_the_file_of_a_draft_until_the_reply_is_queued(tmp_path):
    path = tmp_path / "old.sqlite3"
    old_store(path, 12, lambda cache: None)
    picture = tmp_path / "map.png"
    picture.write_bytes(b"\x89PNG" + b"\0" * 20)
    store = Store(path)
    try:
        store.drafts.save("c1", "Here's the map")
        store.drafts.save_file("c1", str(picture))
        assert store.drafts.file("c1") == str(picture)
        store.outbox.add("c1", None, "Here's the map", (), media=local_file(picture))
        assert store.drafts.file("c1") is None and store.drafts.get("c1") == ""
        store.drafts.save_file("c2", str(picture))
        store.drafts.save_file("c2", None)
        assert store.drafts.file("c2") is None
    finally:
        store.close()


def test_each_store_sweeps_only_its_own_staged_copies(tmp_path):
    """All accounts' stores sit in one data folder: one account's start-up must not delete
    another's staged files."""
    picture = tmp_path / "map.png"
    picture.write_bytes(b"\x89PNG" + b"\0" * 20)
    first, second = Store(tmp_path / "inbox-a.sqlite3"), Store(tmp_path / "inbox-b.sqlite3")
    try:
        staged = second.outbox.add("c1", None, "Map", (), media=local_file(picture))
        first.outbox.sweep_files()
        assert Path(staged.media_path).is_file()
        assert Path(staged.media_path).parent.name == "inbox-b.sqlite3.outbox-files"
    finally:
        first.close()
        second.close()
