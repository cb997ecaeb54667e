"""Editing a draft in the user's own editor (Ctrl+O).

The app calls `edit_text` inside `App.suspend()`, so the editor owns the terminal until it exits.
Whatever goes wrong, the draft is never lost: a failure returns the original text with one sentence.
No Textual here.
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import tempfile
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .subprocesses import child_environment

DEFAULT_EDITOR = "vi"


class EditorError(Exception):
    """The editor command cannot be used, in one sentence."""


@dataclass(frozen=True)
class EditResult:
    """What came back from the editor: the text to keep, and why it is the old one if it is."""

    text: str
    changed: bool = False
    error: str | None = None


def editor_argv(configured: str, env: Mapping[str, str] | None = None) -> list[str]:
    """The editor command: compose.editor, else $VISUAL, else $EDITOR, else vi (split like a shell would).

    Raises EditorError naming the setting when the first one given cannot be parsed.
    """
    env = os.environ if env is None else env
    for source, value in (
        ("compose.editor", configured),
        ("$VISUAL", env.get("VISUAL", "")),
        ("$EDITOR", env.get("EDITOR", "")),
    ):
        if not value or not value.strip():
            continue
        try:
            argv = shlex.split(value)
        except ValueError as exc:
            raise EditorError(f"The editor command in {source} is not a valid command line ({exc}).") from None
        if argv:
            return argv
    return [DEFAULT_EDITOR]


def _strip_one_newline(text: str) -> str:
    for ending in ("\r\n", "\n"):
        if text.endswith(ending):
            return text[: -len(ending)]
    return text


def _run_in_foreground(argv: Sequence[str]) -> int:
    """Run the editor and wait; Ctrl+C reaching us too (same process group) must not abandon it."""
    process = subprocess.Popen(list(argv), env=child_environment())
    # Ignore SIGINT only after the start: an ignored signal is inherited across exec.
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        return process.wait()
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


def edit_text(text: str, argv: Sequence[str], *, suffix: str = ".txt") -> EditResult:
    """Let the user edit `text` with the editor `argv` (the file's path is added as the last argument).

    The draft goes to a private file (0600) in a private temporary folder, which is removed
    afterwards with anything the editor left beside it (swap and backup files). A trailing newline
    is added on the way out and one is removed on the way back, so the text survives unchanged
    whether or not the editor ends files with a newline. A missing editor, a non-zero exit (vim's
    `:cq`), or a file that is not UTF-8 keeps the original text and says why.
    """
    if not argv:
        return EditResult(text, error="No editor command is set; set compose.editor, $VISUAL or $EDITOR.")
    program = argv[0]
    try:
        folder = tempfile.mkdtemp(prefix="sakari-tui-draft-")  # mode 0700
    except OSError as exc:  # no usable temporary folder
        return EditResult(
            text, error=f"Cannot write the draft for the editor ({exc.strerror or exc}); the draft is unchanged."
        )
    try:
        path = Path(folder) / f"draft{suffix}"
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(text + "\n")
        except OSError as exc:  # e.g. a full disk
            return EditResult(
                text, error=f"Cannot write the draft for the editor ({exc.strerror or exc}); the draft is unchanged."
            )
        try:
            status = _run_in_foreground([*argv, str(path)])
        except FileNotFoundError:
            return EditResult(
                text,
                error=f"The editor {program!r} was not found; set compose.editor, $VISUAL or $EDITOR (the draft is unchanged).",
            )
        except PermissionError:
            return EditResult(
                text, error=f"The editor {program!r} cannot be run (permission denied); the draft is unchanged."
            )
        except OSError as exc:
            return EditResult(
                text, error=f"The editor {program!r} cannot be run ({exc.strerror or exc}); the draft is unchanged."
            )
        if status != 0:
            how = f"was stopped by signal {-status}" if status < 0 else f"exited with status {status}"
            return EditResult(text, error=f"The editor {how}; the draft is unchanged.")
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return EditResult(text, error="The editor removed the file instead of saving it; the draft is unchanged.")
        except OSError as exc:
            return EditResult(
                text, error=f"Cannot read the edited text back ({exc.strerror or exc}); the draft is unchanged."
            )
        try:
            edited = raw.decode("utf-8-sig")  # -sig: Notepad and friends may start the file with a BOM
        except UnicodeDecodeError:
            return EditResult(
                text, error="The edited file is not UTF-8 text, so the draft is unchanged; save it as UTF-8 next time."
            )
        edited = _strip_one_newline(edited)
        return EditResult(edited, changed=edited != text)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
