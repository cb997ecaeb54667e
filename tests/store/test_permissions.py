"""The store holds the same personal data as the log: its folder is 0700 and its files 0600."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from sakari_tui.cli.inbox import demo_store_path
from sakari_tui.paths import data_dir, secure_store_folder
from sakari_tui.store import Store

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX modes")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def loose_umask():
    previous = os.umask(0o022)  # the usual default, under which files come out 0644 in 0755 folders
    yield
    os.umask(previous)


def test_a_new_store_is_private_with_its_wal_and_shm(tmp_path):
    path = tmp_path / "data" / "inbox.sqlite3"
    store = Store(path)
    store.drafts.save("c", "personal text")
    assert mode(path.parent) == 0o700
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        assert name.exists() and mode(name) == 0o600, name
    store.close()


def test_an_existing_store_is_made_private_on_opening(tmp_path):
    path = tmp_path / "data" / "inbox.sqlite3"
    Store(path).close()
    path.parent.chmod(0o755)
    path.chmod(0o644)
    wal, shm = Path(f"{path}-wal"), Path(f"{path}-shm")
    wal.write_bytes(b"")
    shm.write_bytes(b"")
    wal.chmod(0o644)
    shm.chmod(0o644)
    store = Store(path)
    assert (mode(path.parent), mode(path), mode(wal), mode(shm)) == (0o700, 0o600, 0o600, 0o600)
    store.close()


def test_the_data_folder_and_the_demo_folder_are_private(tmp_path):
    demo = demo_store_path()
    demo.parent.mkdir(parents=True, mode=0o755)  # as an older version left them
    data_dir().chmod(0o755)
    secure_store_folder(demo)
    assert mode(data_dir()) == 0o700 and mode(demo.parent) == 0o700


def test_an_existing_folder_outside_the_data_folder_is_left_alone_and_a_new_one_is_private(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    secure_store_folder(shared / "inbox.sqlite3")
    assert mode(shared) == 0o755
    new = tmp_path / "new" / "deeper" / "inbox.sqlite3"
    secure_store_folder(new)
    assert mode(new.parent) == 0o700 and mode(new.parent.parent) == 0o700
