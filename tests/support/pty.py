"""A child process on a pseudo-terminal, for tests that run the real app as a person would."""

from __future__ import annotations

import os
import select
import signal
import struct
import time
from collections.abc import Callable
from pathlib import Path

import pytest

pty = pytest.importorskip("pty")
fcntl = pytest.importorskip("fcntl")
termios = pytest.importorskip("termios")

ROOT = Path(__file__).resolve().parents[2]
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")


def app_env(server, tmp: Path, *, columns: int, lines: int, **extra: str) -> dict[str, str]:
    """The environment of the real `sakari-tui` on a pty against the simulator `server`.

    Its settings, data and logs live under `tmp`; none of the caller's SAKARI_*, proxy, EDITOR or
    NO_COLOR settings leak in. The settings file turns quiet hours off: at some hours of the day a
    demo contact's night would make Ctrl+S ask first, and these tests type and send blind. And
    auto-advance: they go on typing in the conversation they sent in.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SAKARI_", "NO_COLOR"))}
    for name in (*PROXY_VARIABLES, "EDITOR", "VISUAL"):
        env.pop(name, None)
    config = tmp / "config" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("[compose]\nquiet_hours = false\n\n[triage]\nauto_advance = false\n", encoding="utf-8")
    env.update(
        TERM="xterm-256color",
        COLORTERM="truecolor",
        COLUMNS=str(columns),
        LINES=str(lines),
        ESCDELAY="25",
        PYTHONPATH=str(ROOT),
        NO_PROXY="127.0.0.1,localhost,::1",
        SAKARI_ACCOUNT_ID=server.account_id,
        SAKARI_CLIENT_ID=server.client_id,
        SAKARI_CLIENT_SECRET=server.client_secret,
        SAKARI_API_URL=server.base_url,
        SAKARI_TOKEN_URL=server.token_url,
        SAKARI_TUI_CONFIG=str(config),
        SAKARI_TUI_DATA=str(tmp / "data"),
        SAKARI_TUI_LOGS=str(tmp / "logs"),
        **extra,
    )
    return env


class PseudoTerminal:
    """Runs `argv` on a pty of `columns` × `lines`; everything it writes is kept in `output`.

    `deadline` (seconds from start) caps every wait, so a hung app fails the test instead of CI.
    """

    def __init__(
        self, argv: list[str], env: dict[str, str], *, columns: int, lines: int, deadline: float | None = None
    ) -> None:
        pid, fd = pty.fork()
        if pid == 0:  # the child: set the window size, then exec (nothing else before exec)
            try:
                fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
                os.chdir(ROOT)
                os.execve(argv[0], argv, env)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        self.output = bytearray()
        self.exit_code: int | None = None
        self.deadline = time.monotonic() + deadline if deadline is not None else float("inf")

    def _until(self, timeout: float) -> float:
        return min(time.monotonic() + timeout, self.deadline)

    def pump(self, timeout: float) -> int:
        """Read whatever arrives within `timeout` seconds; returns the number of bytes read."""
        ready, _, _ = select.select([self.fd], [], [], max(0.0, timeout))
        if not ready:
            return 0
        try:
            data = os.read(self.fd, 1 << 16)
        except OSError:  # EIO: the child closed the terminal
            data = b""
        self.output += data
        return len(data)

    def pump_for(self, seconds: float) -> None:
        """Keep reading (so the app never blocks on a full pty) for `seconds`."""
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            if not self.pump(min(left, 0.02)) and self.exited():
                time.sleep(min(left, 0.02))

    def wait_for(self, predicate: Callable[[bytes], bool], timeout: float, what: str, since: int = 0) -> None:
        end = self._until(timeout)
        while not predicate(bytes(self.output[since:])):
            if time.monotonic() > end or self.exited():
                tail = bytes(self.output[-800:])
                raise AssertionError(f"timed out waiting for {what} (exit {self.exit_code}); last output: {tail!r}")
            self.pump(0.03)

    def wait_quiet(self, quiet: float = 0.15, timeout: float = 5.0) -> None:
        """Until nothing has been written for `quiet` seconds (the app has handled the last key)."""
        end = self._until(timeout)
        last = time.monotonic()
        while time.monotonic() - last < quiet and time.monotonic() < end and not self.exited():
            if self.pump(0.02):
                last = time.monotonic()

    def key(self, data: bytes) -> float:
        os.write(self.fd, data)
        return time.monotonic()

    def send_after_output(self, data: bytes, timeout: float = 5.0) -> None:
        """Send a key, then wait until the app has redrawn in answer and gone quiet again."""
        before = len(self.output)
        os.write(self.fd, data)
        self.wait_for(lambda out: len(out) > before, timeout, f"a redraw after {data!r}")
        self.wait_quiet()

    def exited(self) -> bool:
        if self.exit_code is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.exit_code = os.waitstatus_to_exitcode(status)
        return self.exit_code is not None

    def kill9(self) -> float:
        if not self.exited():
            os.kill(self.pid, signal.SIGKILL)
            _, status = os.waitpid(self.pid, 0)
            self.exit_code = os.waitstatus_to_exitcode(status)
        return time.monotonic()

    def wait_exit(self, timeout: float) -> int | None:
        end = self._until(timeout)
        while not self.exited() and time.monotonic() < end:
            self.pump(0.05)
        while self.pump(0.01):  # drain what it wrote while restoring the terminal
            pass
        return self.exit_code

    def close(self) -> None:
        self.kill9()
        try:
            os.close(self.fd)
        except OSError:
            pass
