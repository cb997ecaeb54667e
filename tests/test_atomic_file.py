"""write_whole: the file is replaced whole, with its mode, or left as it was, with no temporary file behind."""

from __future__ import annotations

import os
import stat

import pytest

from sakari_tui.atomic_file import write_whole


def test_replaces_the_file_whole_with_the_mode_asked(tmp_path):
    target = tmp_path / "out.txt"
    target.write_bytes(b"old")
    write_whole(target, b"new contents", mode=0o600)
    assert target.read_bytes() == b"new contents"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out.txt"]


def test_a_failure_after_the_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "out.txt"
    target.write_bytes(b"old")

    def full_disk(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(OSError, match="No space left"):
        write_whole(target, b"new", mode=0o644)
    assert target.read_bytes() == b"old"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out.txt"]


def test_a_folder_that_cannot_be_written_raises_oserror(tmp_path):
    with pytest.raises(OSError):
        write_whole(tmp_path / "missing" / "out.txt", b"x", mode=0o600)
