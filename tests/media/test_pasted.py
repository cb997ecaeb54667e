"""A dropped file's path, as terminals paste it, is recognised; ordinary text is not."""

from __future__ import annotations

from sakari_tui.media.pasted import pasted_file


def test_plain_quoted_escaped_and_file_url_paths_are_recognised(tmp_path):
    photo = tmp_path / "My Parcel.png"
    photo.write_bytes(b"\x89PNG")
    for paste in (
        f"'{photo}'",
        f'"{photo}"',
        str(photo).replace(" ", "\\ "),
        f"file://{str(photo).replace(' ', '%20')}",
        f"  '{photo}'\n",
    ):
        assert pasted_file(paste) == photo, paste


def test_text_relative_names_folders_missing_files_and_remote_urls_are_not(tmp_path, monkeypatch):
    (tmp_path / "notes.txt").write_text("x")
    monkeypatch.chdir(tmp_path)
    for paste in (
        "notes.txt",
        "see /etc/hostname please",
        str(tmp_path),
        str(tmp_path / "missing.png"),
        "file://server/share/x.png",
        f"{tmp_path / 'notes.txt'}\n{tmp_path / 'notes.txt'}",
        "'unclosed",
        "",
    ):
        assert pasted_file(paste) is None, paste
