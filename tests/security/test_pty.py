"""The real app in a pseudo-terminal, against a simulator seeded with the hostile corpus.

Everything the app writes to the terminal is collected while it starts, syncs, opens the top
conversation (all escape payloads in one text), jumps to the next unread (all markup payloads),
moves down the list and quits. Textual writes its own escape sequences (clear screen, SGR
colours, cursor moves, OSC 8 links), so the checks look for byte strings only a payload could
have produced (`hostile.TERMINAL_FORBIDDEN`), and also that the payloads did reach the screen
as visible text, so the absence of their escape sequences means something.
"""

from __future__ import annotations

import os
import sys

import pytest

from ..support.hostile import HOSTILE, TERMINAL_FORBIDDEN
from ..support.pty import ROOT, PseudoTerminal

COLUMNS, LINES = 150, 136  # tall enough for every conversation of the corpus at once
DEADLINE_S = 20.0


@pytest.mark.timeout(60)
def test_real_app_in_a_pty_writes_no_payload_escapes(tmp_path):
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "COLORTERM": "truecolor",
        "COLUMNS": str(COLUMNS),
        "LINES": str(LINES),
        "ESCDELAY": "25",  # a lone ESC is a key after 25 ms, not the start of a sequence
        "PYTHONPATH": str(ROOT),
    }
    env.pop("NO_COLOR", None)
    terminal = PseudoTerminal(
        [sys.executable, "-m", "tests.security.pty_launcher", str(tmp_path / "data")],
        env,
        columns=COLUMNS,
        lines=LINES,
        deadline=DEADLINE_S,
    )
    try:
        total = f"unread / {len(HOSTILE)}".encode()
        terminal.wait_for(lambda out: total in out, 15, "the first sync to fill the list")
        terminal.wait_quiet()
        terminal.send_after_output(b"\r")  # open the top conversation: every escape payload
        terminal.wait_for(lambda out: b"]52;c;ZXZpbA==" in out, 5, "the escape payloads drawn as text")
        terminal.send_after_output(b"\x1b")  # back to the list (Enter focused the reply box)
        terminal.send_after_output(b"n")  # next unread: the text with every markup payload
        terminal.wait_for(lambda out: b"[@click=app.quit]quit[/]" in out, 5, "the markup payloads drawn as text")
        terminal.send_after_output(b"\x1b")
        terminal.send_after_output(b"\x1b[B")  # down the list
        os.write(terminal.fd, b"q")
        code = terminal.wait_exit(8)
    finally:
        terminal.close()
    output = bytes(terminal.output)
    assert code == 0, f"the app did not quit cleanly on q (exit {code}); last output: {output[-800:]!r}"
    for what, pattern in TERMINAL_FORBIDDEN.items():
        match = pattern.search(output)
        assert match is None, f"{what} reached the terminal: {output[max(0, match.start() - 60) : match.end() + 60]!r}"
    # The payloads were on screen, as harmless text (so the checks above had something to find).
    for visible in (
        b"]52;c;ZXZpbA==",
        b"PWNED-TITLE-0",
        b"]8;;https://evil.test/osc8",
        b"[2J[Hafter",
        b"[@click=app.quit]quit[/]",
        b"[bold]x[/bold]",
        "invoice\N{REPLACEMENT CHARACTER}gpj.exe".encode(),
    ):
        assert visible in output, visible
    assert b"Traceback" not in output
