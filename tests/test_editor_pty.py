"""Ctrl+O in the real app on a pseudo-terminal: the app steps aside for $VISUAL, takes the text back.

The editor is a small Python script that replaces the draft file's content. The app runs as
`python -m sakari_tui` against a simulator in this process, exactly as a person would start it.
"""

from __future__ import annotations

import re
import sqlite3
import sys
import time
from pathlib import Path

import pytest

from sakari_tui.simulator.server import SimulatorServer

from .support.pty import PseudoTerminal, app_env  # skips this module where there is no pty

ROOT = Path(__file__).resolve().parents[1]
COLUMNS, LINES = 120, 40
DEADLINE_S = 20.0
WRITTEN = "Written in the editor"
LIST_READY = re.compile(rb"Inbox \d+ unread / [1-9]")
OPENED = b" via +"  # the thread header appears when a conversation opens


def drafts(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    try:
        return dict(db.execute("SELECT conversation_id, text FROM drafts"))
    finally:
        db.close()


@pytest.mark.timeout(45)
def test_ctrl_o_hands_the_draft_to_visual_and_takes_the_text_back(tmp_path):
    editor = tmp_path / "editor.py"
    ran = tmp_path / "editor-ran"
    editor.write_text(
        "import sys\n"
        "from pathlib import Path\n"
        f"Path({str(ran)!r}).write_text(Path(sys.argv[-1]).read_text(encoding='utf-8'), encoding='utf-8')\n"
        f"Path(sys.argv[-1]).write_text({WRITTEN!r} + '\\n', encoding='utf-8')\n"
    )
    with SimulatorServer(seed=1, customers=False) as server:
        store_path = tmp_path / "data" / f"inbox-{server.account_id}.sqlite3"
        terminal = PseudoTerminal(
            [sys.executable, "-m", "sakari_tui"],
            app_env(server, tmp_path, columns=COLUMNS, lines=LINES, VISUAL=f"{sys.executable} {editor}"),
            columns=COLUMNS,
            lines=LINES,
            deadline=DEADLINE_S,
        )
        try:
            terminal.wait_for(lambda out: LIST_READY.search(out) is not None, 15, "the inbox list")
            terminal.wait_quiet(0.3, 5)
            mark = len(terminal.output)
            terminal.key(b"\r")  # open the top conversation; the reply box takes the keys
            terminal.wait_for(lambda out: OPENED in out, 5, "the conversation to open", since=mark)
            terminal.wait_quiet(0.2, 3)
            terminal.send_after_output(b"Draft before")
            terminal.wait_for(lambda out: b"Draft before" in out, 5, "the typed draft", since=mark)
            mark = len(terminal.output)
            terminal.key(b"\x0f")  # Ctrl+O
            terminal.wait_for(lambda out: WRITTEN.encode() in out, 10, "the edited text in the compose box", since=mark)
            assert ran.read_text(encoding="utf-8") == "Draft before\n", "the editor did not get the draft"
            assert b"Cannot hand the terminal" not in bytes(terminal.output[mark:])
            # Saved at once after the editor, and in any case within the draft delay (0.4 s).
            end = time.monotonic() + 3
            while WRITTEN not in drafts(store_path).values() and time.monotonic() < end:
                terminal.pump_for(0.1)
            saved = drafts(store_path)
            assert list(saved.values()) == [WRITTEN], saved

            terminal.wait_quiet(0.3, 3)
            terminal.key(b"\x1b")
            terminal.wait_quiet(0.3, 3)
            terminal.key(b"q")
            code = terminal.wait_exit(8)
        finally:
            terminal.close()
    assert code == 0, f"the app did not quit cleanly (exit {code}); last output: {bytes(terminal.output[-800:])!r}"
    assert b"Traceback" not in bytes(terminal.output)
    assert list(drafts(store_path).values()) == [WRITTEN]  # kept for the next start
