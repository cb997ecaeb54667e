"""Opening an attachment's link with the system's opener (the browser decides what to do with it).

Only plain http(s) links are handed over: `file:` would open a local file, `javascript:` and
`data:` run in the browser, and a link starting with '-' would be read as an option. The opener
runs without a shell, detached from the terminal (its own session, no stdin/stdout/stderr, which
would scribble over the TUI), and with an environment that holds none of our credentials.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable

from ..subprocesses import child_environment
from .attachments import Attachment, MediaError, refusal


def opener_command(url: str, platform: str = sys.platform) -> list[str]:
    """The argv that opens `url` in the user's browser on `platform` (a `sys.platform` value)."""
    if platform == "darwin":
        return ["open", url]
    if platform in ("win32", "cygwin"):
        # `start` is a cmd.exe built-in, so it needs a shell, which would interpret & and ^ in the
        # URL; explorer.exe hands the URL to the default browser with no shell in between.
        return ["explorer", url]
    return ["xdg-open", url]  # Linux, the BSDs and other freedesktop systems


def open_link(
    attachment: Attachment,
    *,
    run: Callable[..., object] = subprocess.Popen,
    platform: str = sys.platform,
    which: Callable[[str], str | None] = shutil.which,
) -> None:
    """Start the system opener on the attachment's link and return at once; MediaError if that cannot be."""
    if not attachment.openable:
        raise MediaError(f"sakari-tui opens only http and https links; {refusal(attachment.url)}.")
    argv = opener_command(attachment.url, platform)
    program = which(argv[0])
    if program is None:
        raise MediaError(f"No program to open links was found ({argv[0]}).")
    try:
        run(
            [program, *argv[1:]],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            close_fds=True,
            env=child_environment(),
        )
    except OSError:
        raise MediaError(f"Could not start {argv[0]} to open the link.") from None
