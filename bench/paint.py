"""First paint: process start to the first frame showing the inbox (or, for the floor, the list)."""

from __future__ import annotations

import sys
from pathlib import Path

from .apprun import app_environment, sakari_tui, spawn, wait_for_bytes
from .datasets import Endpoint

BARE_MARKER = b"Item number 10"


def first_paint(argv: list[str], env: dict[str, str], marker: bytes) -> float:
    term, started = spawn(argv, env)
    try:
        return wait_for_bytes(term, marker, timeout=60) - started
    finally:
        term.close()


def bare(workdir: Path) -> float:
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(workdir),
        "TERM": "xterm-256color",
        "COLORTERM": "truecolor",
        "LANG": "C.UTF-8",
    }
    return first_paint([sys.executable, str(Path(__file__).with_name("bare_app.py"))], env, BARE_MARKER)


def inbox(
    workdir: Path, endpoint: Endpoint, store: Path, marker: bytes, *, triage: dict[str, object] | None = None
) -> float:
    return first_paint(sakari_tui(), app_environment(workdir, endpoint, store, triage=triage), marker)
