"""Writing a file whole or not at all: a temporary file beside it, flushed to disk, renamed over it.

A crash or a full disk at any line leaves either the old file or the new one, never half of
one, and never the temporary file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_whole(path: Path, data: bytes, *, mode: int, prefix: str = ".sakari-") -> None:
    """Replace `path` with `data`, with permissions `mode`; an OSError leaves `path` as it was.

    The temporary file is created private (mkstemp makes it 0600), so a secret is never readable
    by others, even for a moment; it gets `mode` only once it is whole.
    """
    fd, temporary = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
