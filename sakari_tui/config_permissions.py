"""Whether the settings file is open to other users in a way that matters (it may hold the secret)."""

from __future__ import annotations

import os
import shlex
import stat
import tomllib
from pathlib import Path

# Group or world access to the file; meaningless on Windows, where os.stat invents these bits.
_SHARED_READ = stat.S_IRGRP | stat.S_IROTH
_SHARED_WRITE = stat.S_IWGRP | stat.S_IWOTH


def permission_problem(path: Path) -> str | None:
    """One sentence if the settings file is open to other users in a way that matters, else None.

    That is: it holds a client secret others can read, or a client_secret_command others could
    change (and so run their command as you), or it lies in a folder others can write to (they
    could replace the file, e.g. with an api_url of theirs that receives the secret).
    """
    if os.name == "nt":
        return None
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        folder_mode = stat.S_IMODE(path.parent.stat().st_mode)
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # absent or malformed: load_settings reports that
        return None
    section = data.get("sakari")
    section = section if isinstance(section, dict) else {}
    fix = f"fix it with: chmod 600 {shlex.quote(str(path))}"
    if section.get("client_secret") and mode & _SHARED_READ:
        return f"{path} holds the client secret but other users can read it; {fix}"
    if section.get("client_secret_command") and mode & _SHARED_WRITE:
        return f"{path} sets client_secret_command but other users can change it; {fix}"
    if folder_mode & _SHARED_WRITE:
        # Any group or other write bit, sticky or not: simple to explain, and simple to fix.
        folder = path.parent
        return (
            f"{folder}, the folder of the settings file, can be changed by other users (they could replace "
            f"the file); fix it with: chmod go-w {shlex.quote(str(folder))}"
        )
    return None
