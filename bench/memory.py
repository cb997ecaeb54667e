"""Memory figures of a process, read from /proc (Linux)."""

from __future__ import annotations

from pathlib import Path


def memory_mb(pid: int | str = "self", field: str = "VmHWM") -> float:
    """A memory figure of a running process from /proc, in MiB (VmHWM: peak resident; VmRSS: now)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc status")
