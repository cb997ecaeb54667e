"""Saving: inside the folder only, never over an existing file, nothing left behind on failure."""

from __future__ import annotations

import errno
import os
import threading

import pytest

from sakari_tui.media import saving
from sakari_tui.media.fetch import MediaError
from sakari_tui.media.saving import SaveTarget, save_bytes, unique_path

from ..support.hostile import HOSTILE


def leftovers(folder):
    return sorted(path.name for path in folder.iterdir() if path.name.startswith(".sakari-"))


def test_unique_path_numbers_the_copies(tmp_path):
    assert unique_path(tmp_path, "box.png") == tmp_path / "box.png"
    (tmp_path / "box.png").touch()
    assert unique_path(tmp_path, "box.png") == tmp_path / "box (1).png"
    (tmp_path / "box (1).png").touch()
    assert unique_path(tmp_path, "box.png") == tmp_path / "box (2).png"
    (tmp_path / "README").touch()
    assert unique_path(tmp_path, "README") == tmp_path / "README (1)"


def test_unique_path_counts_a_dangling_symlink_as_taken(tmp_path):
    (tmp_path / "box.png").symlink_to(tmp_path / "nowhere")
    assert unique_path(tmp_path, "box.png") == tmp_path / "box (1).png"


def test_save_creates_the_folder_and_the_file(tmp_path):
    folder = tmp_path / "Downloads" / "sakari"
    path = save_bytes(folder, "damaged-box.png", b"png bytes")
    assert path == folder / "damaged-box.png"
    assert path.read_bytes() == b"png bytes"
    assert leftovers(folder) == []
    if os.name == "posix":
        assert path.stat().st_mode & 0o777 == 0o600


def test_save_never_overwrites(tmp_path):
    (tmp_path / "box.png").write_bytes(b"mine")
    path = save_bytes(tmp_path, "box.png", b"theirs")
    assert path == tmp_path / "box (1).png"
    assert (tmp_path / "box.png").read_bytes() == b"mine"
    assert path.read_bytes() == b"theirs"


def test_a_file_that_appears_between_the_check_and_the_link_is_kept(tmp_path, monkeypatch):
    real_unique_path = saving.unique_path
    raced = []

    def racing_unique_path(folder, name):
        path = real_unique_path(folder, name)
        if not raced:  # another program creates the chosen name right after the check
            path.write_bytes(b"other program")
            raced.append(path)
        return path

    monkeypatch.setattr(saving, "unique_path", racing_unique_path)
    path = save_bytes(tmp_path, "box.png", b"ours")
    assert raced == [tmp_path / "box.png"]
    assert (tmp_path / "box.png").read_bytes() == b"other program"
    assert path == tmp_path / "box (1).png"
    assert path.read_bytes() == b"ours"
    assert leftovers(tmp_path) == []


def test_two_saves_at_once_get_two_files(tmp_path):
    first, second = SaveTarget(tmp_path, "box.png"), SaveTarget(tmp_path, "box.png")
    with first, second:
        first.write(b"first")
        second.write(b"second")
    assert {first.path.name, second.path.name} == {"box.png", "box (1).png"}
    assert first.path.read_bytes() == b"first"
    assert second.path.read_bytes() == b"second"


def test_many_threads_saving_one_name_never_collide(tmp_path):
    def save(number):
        save_bytes(tmp_path, "box.png", str(number).encode())

    threads = [threading.Thread(target=save, args=(number,)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    contents = sorted(path.read_bytes() for path in tmp_path.iterdir())
    assert contents == [str(number).encode() for number in range(8)]


def test_a_symlink_at_the_target_name_is_not_followed(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    victim = outside / "victim.txt"
    victim.write_bytes(b"precious")
    folder = tmp_path / "downloads"
    folder.mkdir()
    (folder / "box.png").symlink_to(victim)
    path = save_bytes(folder, "box.png", b"payload")
    assert victim.read_bytes() == b"precious"
    assert path == folder / "box (1).png"
    assert not path.is_symlink()


@pytest.mark.parametrize("name", ["..", "../../.bashrc", "/etc/passwd", "a/../../b", "..\\..\\x", "\u202e..", "", "."])
def test_a_name_never_leaves_the_folder(tmp_path, name):
    folder = tmp_path / "downloads"
    path = save_bytes(folder, name, b"x")
    assert path.parent == folder
    assert path.resolve().parent == folder.resolve()
    assert sorted(tmp_path.iterdir()) == [folder]


@pytest.mark.parametrize("key", sorted(HOSTILE))
def test_hostile_names_are_saved_inside_the_folder(tmp_path, key):
    path = save_bytes(tmp_path, HOSTILE[key], b"x")
    assert path.parent == tmp_path
    assert path.read_bytes() == b"x"


def test_a_full_disk_leaves_nothing_behind(tmp_path, monkeypatch):
    real_write = os.write
    calls = []

    def write(fd, data):
        calls.append(len(data))
        if len(calls) > 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    folder = tmp_path / "Downloads"
    monkeypatch.setattr(saving.os, "write", write)
    with pytest.raises(MediaError) as raised:
        with SaveTarget(folder, "damaged-box.png") as target:
            target.write(b"a" * 10)
            target.write(b"b" * 10)
    assert str(raised.value) == f"The disk is full: damaged-box.png was not saved to {folder}."
    assert list(folder.iterdir()) == []


def test_a_full_disk_reported_only_at_fsync_leaves_nothing_behind(tmp_path, monkeypatch):
    def fsync(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(saving.os, "fsync", fsync)
    with pytest.raises(MediaError, match="^The disk is full: box.png was not saved to "):
        save_bytes(tmp_path, "box.png", b"x")
    assert list(tmp_path.iterdir()) == []


def test_a_really_full_disk(tiny_disk):
    tiny_disk.fill()
    with pytest.raises(MediaError) as raised:
        save_bytes(tiny_disk.path, "damaged-box.png", b"x" * 100_000)
    assert str(raised.value) == f"The disk is full: damaged-box.png was not saved to {tiny_disk.path}."
    assert sorted(path.name for path in tiny_disk.path.iterdir()) == ["ballast"]


def test_a_read_only_folder(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(saving.tempfile, "mkstemp", refuse)
    with pytest.raises(MediaError) as raised:
        save_bytes(tmp_path, "box.png", b"x")
    assert str(raised.value) == f"The folder {tmp_path} is read-only: box.png was not saved."


def test_a_folder_that_is_a_file(tmp_path):
    (tmp_path / "Downloads").write_bytes(b"")
    with pytest.raises(MediaError) as raised:
        save_bytes(tmp_path / "Downloads", "box.png", b"x")
    assert str(raised.value) == f"{tmp_path / 'Downloads'} is not a folder: box.png was not saved."


def test_an_error_inside_the_block_leaves_nothing_behind(tmp_path):
    with pytest.raises(RuntimeError):
        with SaveTarget(tmp_path, "box.png") as target:
            target.write(b"half")
            raise RuntimeError("the download broke")
    assert target.path is None
    assert list(tmp_path.iterdir()) == []


def test_without_hard_links_the_file_is_copied_exclusively(tmp_path, monkeypatch):
    def no_links(source, target):
        raise OSError(errno.EPERM, "Operation not permitted")

    (tmp_path / "box.png").write_bytes(b"mine")
    monkeypatch.setattr(saving.os, "link", no_links)
    path = save_bytes(tmp_path, "box.png", b"theirs")
    assert path == tmp_path / "box (1).png"
    assert path.read_bytes() == b"theirs"
    assert (tmp_path / "box.png").read_bytes() == b"mine"
    assert leftovers(tmp_path) == []
