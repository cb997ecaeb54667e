"""Shared files (POST /v1/tools/sharefile): stored bytes served back on a public link."""

from __future__ import annotations

import mimetypes
import re
import struct
import zlib
from collections.abc import Iterable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from .records import SharedFile

if TYPE_CHECKING:
    from .state import SimulatorState

_UNSAFE_NAME = re.compile(r"[^\w.\-]+")
_FILE_PATH = re.compile(r"/_sim/files/(?P<id>[^/]+)/[^/]+")


def safe_filename(name: str | None, content_type: str) -> str:
    """A file name fit for a URL path segment, with an extension matching the type if it had none."""
    base = _UNSAFE_NAME.sub("-", (name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]).strip("-.")[:80]
    if not base:
        base = "file" + (mimetypes.guess_extension(content_type.split(";")[0].strip()) or ".bin")
    return base


def store_file(
    state: SimulatorState, data: bytes, filename: str | None, content_type: str | None, at: float
) -> SharedFile:
    """Keep `data` and return the record whose `path` serves it (call under the lock)."""
    kind = (content_type or "").split(";")[0].strip() or mimetypes.guess_type(filename or "")[0]
    kind = kind or "application/octet-stream"
    shared = SharedFile(
        id=state.ids.new(),
        filename=safe_filename(filename, kind),
        content_type=kind,
        data=data,
        created_at=at,
        expires_at=at + state.config.share_link_ttl,
    )
    state.files[shared.id] = shared
    return shared


def encode_png(width: int, height: int, rows: Iterable[bytes]) -> bytes:
    """An 8-bit RGB PNG from `height` rows of `width * 3` bytes (stdlib only: the simulator starts fast)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    raw = b"".join(b"\x00" + bytes(row) for row in rows)  # filter type 0 on every row
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def tiny_png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A valid single-colour PNG, so demo MMS media links serve a real image."""
    return encode_png(width, height, [bytes(rgb) * width] * height)


def shared_file_at(state: SimulatorState, url: str) -> SharedFile | None:
    """The live shared file a link of this simulator points at (absolute or site-relative), if any.

    As the file route, only the id counts, not the host (the same file is reached as 127.0.0.1, localhost
    or the public base URL) nor the file name."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    match = _FILE_PATH.fullmatch(parts.path)
    if match is None or parts.scheme not in ("", "http", "https") or (parts.scheme and not parts.netloc):
        return None
    shared = state.files.get(match["id"])
    if shared is None or shared.expires_at <= state.now():
        return None
    return shared
