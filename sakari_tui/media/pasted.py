"""A file dropped on the terminal: terminals paste its path (quoted, backslash-escaped, or as a
`file://` URL). `pasted_file` recognises such a paste, so the compose box can attach the file
instead of typing its path into the reply. No Textual here.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from urllib.parse import unquote, urlsplit


def pasted_file(text: str) -> Path | None:
    """The file a paste names when the paste is exactly one path to an existing regular file,
    absolute or under `~` (a relative word that happens to name a file is text, not a drop)."""
    raw = text.strip()
    if not raw or "\n" in raw or "\r" in raw or len(raw) > 4096:
        return None
    if raw.lower().startswith("file://"):
        parts = urlsplit(raw)
        if parts.netloc not in ("", "localhost"):
            return None
        candidate = unquote(parts.path)
    else:
        try:
            words = shlex.split(raw)  # '…' and "…" quoting and backslash escapes, as terminals write them
        except ValueError:
            return None
        if len(words) != 1:
            return None
        candidate = words[0]
    if not (candidate.startswith("/") or candidate.startswith("~")):
        return None
    path = Path(candidate).expanduser()
    try:
        return path if path.is_file() else None
    except OSError:
        return None
