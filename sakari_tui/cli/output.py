"""How the command speaks outside the app: one `sakari-tui: ` line on stderr, and the log."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import logging


def logger() -> logging.Logger:
    import logging  # not at the top: `unread` has no use for logging's import time

    return logging.getLogger("sakari_tui.cli")


def fail(message: str) -> int:
    """Print `message` as the command's one sentence; returns the exit code of a refusal (2)."""
    print(f"sakari-tui: {message}", file=sys.stderr)
    return 2


def warn(message: str, warnings: list[str]) -> None:
    """Print now (visible above the TUI once it exits), log it, and keep it for the app to show."""
    print(f"sakari-tui: warning: {message}", file=sys.stderr)
    logger().warning("%s", message)
    warnings.append(message)
