"""The external editor: which command, a private temporary file, and a draft that is never lost."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest

from sakari_tui.editor import EditorError, EditResult, edit_text, editor_argv

# --- which editor ----------------------------------------------------------------------------


def test_configured_beats_visual_beats_editor_beats_vi():
    env = {"VISUAL": "nvim -u NONE", "EDITOR": "nano"}
    assert editor_argv("code --wait", env) == ["code", "--wait"]
    assert editor_argv("", env) == ["nvim", "-u", "NONE"]
    assert editor_argv("   ", {"VISUAL": "", "EDITOR": "nano -R"}) == ["nano", "-R"]
    assert editor_argv("", {}) == ["vi"]


def test_quoted_paths_are_split_like_a_shell_would():
    assert editor_argv("'/opt/My Editor/bin/ed' --flag=\"a b\"", {}) == ["/opt/My Editor/bin/ed", "--flag=a b"]


def test_defaults_to_the_process_environment(monkeypatch):
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", "micro")
    assert editor_argv("") == ["micro"]


@pytest.mark.parametrize(
    ("configured", "env", "source"),
    [
        ("vim 'unclosed", {}, "compose.editor"),
        ("", {"VISUAL": 'emacs "x'}, "$VISUAL"),
        ("", {"EDITOR": "a'"}, "$EDITOR"),
    ],
)
def test_an_unparsable_command_names_its_source(configured, env, source):
    with pytest.raises(EditorError) as error:
        editor_argv(configured, env)
    message = str(error.value)
    assert message.startswith(f"The editor command in {source} is not a valid command line (") and "\n" not in message


# --- editing ---------------------------------------------------------------------------------


def fake_editor(tmp_path: Path, body: str) -> list[str]:
    """A small Python 'editor': `path` is the file to edit, `log` a JSON file for what it saw."""
    script = tmp_path / "fake_editor.py"
    log = tmp_path / "editor-log.json"
    script.write_text(
        "import json, os, stat, sys\n"
        "path = sys.argv[-1]\n"
        f"log = {str(log)!r}\n"
        "seen = {'path': path, 'args': sys.argv[1:-1],\n"
        "        'mode': stat.S_IMODE(os.stat(path).st_mode),\n"
        "        'dir_mode': stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode),\n"
        "        'text': open(path, encoding='utf-8', newline='').read()}\n"
        "json.dump(seen, open(log, 'w'))\n" + body
    )
    return [sys.executable, str(script)]


def seen(tmp_path: Path) -> dict:
    return json.loads((tmp_path / "editor-log.json").read_text())


def test_edit_round_trip_in_a_private_file_that_is_removed(tmp_path):
    argv = fake_editor(
        tmp_path,
        "text = seen['text'].rstrip('\\n')\nopen(path, 'w', encoding='utf-8').write(text + ' — edited 👍\\n')\n",
    )
    result = edit_text("Hi Ana, your order is ready", [*argv, "--wait"], suffix=".md")
    assert result == EditResult("Hi Ana, your order is ready — edited 👍", changed=True, error=None)
    log = seen(tmp_path)
    assert log["text"] == "Hi Ana, your order is ready\n" and log["args"] == ["--wait"]
    assert log["mode"] == 0o600 and log["dir_mode"] == 0o700 and log["path"].endswith(".md")
    assert not Path(log["path"]).exists() and not Path(log["path"]).parent.exists()


def test_untouched_draft_comes_back_exactly(tmp_path):
    argv = fake_editor(tmp_path, "")
    for text in ("", "one line", "ends with newline\n", "two\n\nparagraphs", "  spaced  "):
        assert edit_text(text, argv) == EditResult(text, changed=False)


def test_editor_that_drops_or_doubles_the_final_newline(tmp_path):
    no_newline = fake_editor(tmp_path, "open(path, 'w').write('typed')\n")
    assert edit_text("x", no_newline).text == "typed"
    crlf = fake_editor(tmp_path, "open(path, 'wb').write(b'line one\\r\\nline two\\r\\n')\n")
    assert edit_text("x", crlf).text == "line one\r\nline two"
    bom = fake_editor(tmp_path, "open(path, 'wb').write('\\ufeffcaf\\u00e9\\n'.encode())\n")
    assert edit_text("x", bom).text == "café"


def test_non_zero_exit_keeps_the_original(tmp_path):
    argv = fake_editor(tmp_path, "open(path, 'w').write('half-written junk')\nsys.exit(1)\n")
    result = edit_text("keep me", argv)
    assert result.text == "keep me" and not result.changed
    assert result.error == "The editor exited with status 1; the draft is unchanged."
    assert not Path(seen(tmp_path)["path"]).parent.exists()


def test_missing_editor_keeps_the_original(tmp_path):
    result = edit_text("keep me", [str(tmp_path / "no-such-editor"), "-f"])
    assert result.text == "keep me" and not result.changed
    assert result.error.startswith("The editor ") and "was not found" in result.error
    assert result.error.count(". ") == 0 and result.error.endswith(".")


def test_editor_that_is_not_executable(tmp_path):
    script = tmp_path / "editor.sh"
    script.write_text("#!/bin/sh\n")
    script.chmod(0o644)
    result = edit_text("keep me", [str(script)])
    assert result.text == "keep me" and "permission denied" in result.error


def test_non_utf8_result_keeps_the_original(tmp_path):
    argv = fake_editor(tmp_path, "open(path, 'wb').write(b'caf\\xe9\\n')\n")
    result = edit_text("keep me", argv)
    assert result.text == "keep me" and "not UTF-8" in result.error


def test_editor_that_deletes_the_file_keeps_the_original(tmp_path):
    argv = fake_editor(tmp_path, "os.remove(path)\n")
    result = edit_text("keep me", argv)
    assert result.text == "keep me" and "removed the file" in result.error


def test_leftovers_beside_the_file_are_removed_too(tmp_path):
    argv = fake_editor(tmp_path, "open(path + '.swp', 'w').write('swap')\nopen(path + '~', 'w').write('backup')\n")
    edit_text("draft", argv)
    assert not Path(seen(tmp_path)["path"]).parent.exists()


def test_empty_argv_is_an_error_not_a_crash():
    assert edit_text("keep me", []).text == "keep me"


@pytest.mark.skipif(os.name == "nt", reason="POSIX modes")
def test_file_is_not_readable_by_others_even_with_a_lax_umask(tmp_path):
    argv = fake_editor(tmp_path, "")
    previous = os.umask(0)
    try:
        edit_text("secret draft", argv)
    finally:
        os.umask(previous)
    assert stat.S_IMODE(seen(tmp_path)["mode"]) == 0o600
