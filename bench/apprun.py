"""Running `sakari-tui` (or a probe of it) on a pseudo-terminal, as a person would, against a simulator."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import tomli_w

from tests.support.pty import PseudoTerminal

from .datasets import Endpoint, copy_store

COLUMNS, LINES = 120, 40
BIN = Path(sys.executable).parent


def app_environment(
    workdir: Path, endpoint: Endpoint, store: Path | None, *, triage: dict[str, object] | None = None, **ui: object
) -> dict[str, str]:
    """Settings file, data folder (holding a copy of `store`) and logs under `workdir`; `ui` and
    `triage` are settings of those tables."""
    workdir.mkdir(parents=True, exist_ok=True)
    config = workdir / "config.toml"
    data = {
        "sakari": {
            "account_id": endpoint.account_id,
            "client_id": endpoint.client_id,
            "client_secret": endpoint.client_secret,
            "api_url": endpoint.base_url,
            "token_url": endpoint.token_url,
        },
    }
    if ui:
        data["ui"] = dict(ui)
    if triage:
        data["triage"] = dict(triage)
    config.write_text(tomli_w.dumps(data), encoding="utf-8")
    config.chmod(0o600)
    target = workdir / "data" / f"inbox-{endpoint.account_id}.sqlite3"
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    if store is not None:
        copy_store(store, target)
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(workdir),
        "TERM": "xterm-256color",
        "COLORTERM": "truecolor",
        "LANG": "C.UTF-8",
        "NO_PROXY": "127.0.0.1,localhost",
        "SAKARI_TUI_CONFIG": str(config),
        "SAKARI_TUI_DATA": str(target.parent),
        "SAKARI_TUI_LOGS": str(workdir / "logs"),
        "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
    }


def spawn(argv: list[str], env: dict[str, str], *, deadline: float = 120.0) -> tuple[PseudoTerminal, float]:
    """Start `argv` on a pty; returns it and the monotonic time just before the fork."""
    started = time.monotonic()
    return PseudoTerminal(argv, env, columns=COLUMNS, lines=LINES, deadline=deadline), started


def wait_for_bytes(term: PseudoTerminal, marker: bytes, timeout: float, since: int = 0) -> float:
    """Monotonic time of the read that brought `marker` (searched from offset `since`)."""
    end = time.monotonic() + timeout
    while True:
        if marker in term.output[since:]:
            return time.monotonic()
        if time.monotonic() > end or term.exited():
            tail = bytes(term.output[-600:])
            raise RuntimeError(f"{marker!r} never appeared (exit {term.exit_code}); last output: {tail!r}")
        term.pump(0.05)


def first_output_after(term: PseudoTerminal, key: bytes, timeout: float = 5.0) -> float:
    """Write `key`; seconds until the first byte the app writes back."""
    before = len(term.output)
    sent = term.key(key)
    end = sent + timeout
    while len(term.output) == before:
        if time.monotonic() > end:
            raise RuntimeError(f"no output within {timeout}s of {key!r}")
        term.pump(0.05)
    return time.monotonic() - sent


def sakari_tui() -> list[str]:
    return [str(BIN / "sakari-tui")]
