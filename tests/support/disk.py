"""A real full disk for tests: a small tmpfs (needs root, as on CI and the dev machines here).

The `tiny_disk` fixture is registered for every test by tests/conftest.py.
"""

from __future__ import annotations

import errno
import os
import subprocess
from pathlib import Path

import pytest


class TinyDisk:
    """A 4 MB tmpfs at `path`; `fill()` takes every free byte with a ballast file, `free()` gives it back."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.ballast = path / "ballast"

    def fill(self) -> None:
        chunk = b"\0" * 4096
        with open(self.ballast, "ab", buffering=0) as handle:
            try:
                while True:
                    handle.write(chunk)
            except OSError as error:
                if error.errno != errno.ENOSPC:
                    raise
        with open(self.ballast, "ab", buffering=0) as handle:  # the last bytes of a part-filled page
            try:
                while True:
                    handle.write(b"\0")
            except OSError as error:
                if error.errno != errno.ENOSPC:
                    raise

    def free(self) -> None:
        self.ballast.unlink(missing_ok=True)


@pytest.fixture
def tiny_disk(tmp_path):
    """A mounted TinyDisk (the test is skipped where a tmpfs cannot be mounted)."""
    path = tmp_path / "disk"
    path.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", str(path)], capture_output=True, check=False
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({mounted.stderr.decode(errors='replace').strip()})")
    try:
        yield TinyDisk(path)
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)
        os.sync()
