"""Knowing when the terminal is gone (ui/terminal.py)."""

import os
import subprocess
import sys

import pytest

pty = pytest.importorskip("pty")

from sakari_tui.ui.terminal import terminal_gone  # noqa: E402


def test_a_hung_up_terminal_is_gone_and_a_live_one_or_a_file_is_not(tmp_path):
    master, slave = pty.openpty()
    assert not terminal_gone(slave)
    os.close(master)  # the other end hangs up
    assert terminal_gone(slave)
    os.close(slave)
    with open(tmp_path / "f", "w") as plain:
        assert not terminal_gone(plain.fileno())  # not a terminal at all: not "gone"


def test_the_last_resort_ends_a_process_whose_exit_hangs():
    code = (
        "from sakari_tui.ui.terminal import exit_soon_anyway; import time; exit_soon_anyway(129, 0.2); time.sleep(30)"
    )
    done = subprocess.run([sys.executable, "-c", code], timeout=20)
    assert done.returncode == 129
