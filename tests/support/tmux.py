"""The real app in tmux, and where tmux itself puts each character: the terminal's own cell widths.

`Tmux` runs commands on a private tmux server (its own socket, killed at the end), so a test
never touches the tmux sessions of the person running it. `columns_of` asks tmux, through a
cursor position report, at which column each given prefix of a line ends: tmux's own measure of
every cluster (as xterm's and glibc's wcwidth count), not rich's.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pytest

# Run inside a pane: print each string on a cleared line, ask where the cursor is (DSR 6), write the columns.
MEASURE = r"""
import json, os, re, sys, termios, tty
strings = json.load(open(sys.argv[1], encoding="utf-8"))
fd = sys.stdin.fileno()
saved = termios.tcgetattr(fd)
tty.setraw(fd)
report = re.compile(rb"\x1b\[(\d+);(\d+)R")
columns = []
try:
    for text in strings:
        os.write(1, ("\r\x1b[2K" + text + "\x1b[6n").encode())
        answer = b""
        while not report.search(answer):
            answer += os.read(fd, 64)
        columns.append(int(report.search(answer).group(2)) - 1)
finally:
    termios.tcsetattr(fd, termios.TCSADRAIN, saved)
with open(sys.argv[2] + ".part", "w", encoding="utf-8") as out:
    json.dump(columns, out)
os.replace(sys.argv[2] + ".part", sys.argv[2])
"""


def tmux_or_skip() -> str:
    path = shutil.which("tmux")
    if path is None:
        pytest.skip("tmux is not installed: the terminal's own rendering cannot be checked here")
    return path


class Tmux:
    """A private tmux server; `close()` kills it (and only it)."""

    def __init__(self, workdir: Path) -> None:
        self.binary = tmux_or_skip()
        self.socket = f"sakari-test-{uuid.uuid4().hex[:12]}"
        self.workdir = workdir

    def run(self, *args: str) -> str:
        done = subprocess.run(
            [self.binary, "-u", "-L", self.socket, "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            timeout=20,
        )
        if done.returncode != 0:
            raise AssertionError(f"tmux {args[0]} failed: {done.stderr.strip()}")
        return done.stdout

    def start(
        self,
        name: str,
        argv: Sequence[str],
        env: Mapping[str, str],
        *,
        columns: int,
        lines: int,
        cwd: Path | None = None,
    ) -> None:
        """Run `argv` with exactly `env` in a new detached session `name` of `columns` × `lines`."""
        command = "exec env -i " + " ".join(shlex.quote(f"{k}={v}") for k, v in env.items())
        command += " " + " ".join(shlex.quote(part) for part in argv)
        where = ["-c", str(cwd)] if cwd is not None else []
        self.run("new-session", "-d", "-s", name, "-x", str(columns), "-y", str(lines), *where, command)

    def keys(self, name: str, *keys: str) -> None:
        self.run("send-keys", "-t", name, *keys)

    def screen(self, name: str) -> list[str]:
        """The pane's lines as drawn, each with its trailing blanks (`capture-pane -N`)."""
        return self.run("capture-pane", "-p", "-N", "-t", name).split("\n")[:-1]

    def wait_for(self, name: str, predicate: Callable[[list[str]], bool], what: str, timeout: float = 20) -> list[str]:
        deadline = time.monotonic() + timeout
        while True:
            lines = self.screen(name)
            if predicate(lines):
                return lines
            if time.monotonic() > deadline:
                raise AssertionError(f"{what} not on screen within {timeout} s:\n" + "\n".join(lines))
            time.sleep(0.05)

    def wait_steady(self, name: str, quiet: float = 0.4, timeout: float = 10) -> list[str]:
        """The screen once it has not changed for `quiet` seconds."""
        deadline = time.monotonic() + timeout
        last, since = self.screen(name), time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.05)
            now = self.screen(name)
            if now != last:
                last, since = now, time.monotonic()
            elif time.monotonic() - since >= quiet:
                return now
        raise AssertionError("the screen never settled:\n" + "\n".join(last))

    def columns_of(self, strings: Sequence[str]) -> list[int]:
        """The column at which tmux leaves the cursor after drawing each string from column 0."""
        if not strings:
            return []
        source = self.workdir / f"measure-{uuid.uuid4().hex[:8]}"
        (source.with_suffix(".py")).write_text(MEASURE, encoding="utf-8")
        (source.with_suffix(".in")).write_text(json.dumps(list(strings)), encoding="utf-8")
        result = source.with_suffix(".out")
        name = f"measure-{source.name[-8:]}"
        widest = max(200, 2 * max(len(s) for s in strings) + 10)
        env = {"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
        argv = [sys.executable, str(source.with_suffix(".py")), str(source.with_suffix(".in")), str(result)]
        self.start(name, argv, env, columns=widest, lines=5)
        deadline = time.monotonic() + 20
        while not result.exists():
            if time.monotonic() > deadline:
                raise AssertionError("tmux did not answer the cursor position requests")
            time.sleep(0.02)
        return json.loads(result.read_text(encoding="utf-8"))

    def close(self) -> None:
        subprocess.run([self.binary, "-L", self.socket, "kill-server"], capture_output=True, timeout=20)
