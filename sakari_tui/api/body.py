"""Reading an answer's body under a cap on its decoded size.

httpx would inflate a whole network chunk at once, and keep every decoded byte: 1 MB of gzip
can become a GiB in memory. Here the raw bytes are read as they come and gzip/deflate are
inflated in steps of at most `STEP` bytes, so memory stays near the cap whatever the server
sends, and the read stops as soon as the cap is passed.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

from .errors import BadResponse

if TYPE_CHECKING:
    import httpx

DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024
STEP = 64 * 1024
# What we ask for: the encodings `read_body` decodes itself (httpx would add br and zstd when
# their packages are installed, and decode those without a cap).
ACCEPT_ENCODING = "gzip, deflate"
# Compressed data can be slightly larger than what it holds (block headers); this much raw
# input over the cap is tolerated before the raw size alone refuses the answer.
_RAW_SLACK = 64 * 1024
# "gzip, gzip" is legal and seen in the wild; a long chain is only an attack.
MAX_ENCODINGS = 3
_ENCODING_NAME = re.compile(r"[a-z0-9._-]{1,20}")


class BodyTooLarge(BadResponse):
    """The answer, decoded, is larger than the cap: it was not read."""


def size_text(size: int) -> str:
    """'8 MB', '4 KB', '512 bytes': a cap as a person reads it (binary units)."""
    for unit, name in ((1 << 30, "GB"), (1 << 20, "MB"), (1 << 10, "KB")):
        if size >= unit:
            return f"{size / unit:.3g} {name}"
    return f"{size} bytes"


def too_large(limit: int, status: int) -> BodyTooLarge:
    return BodyTooLarge(
        f"The Sakari API sent an answer larger than {size_text(limit)}; it was not read.", status=status
    )


async def read_body(response: httpx.Response, limit: int) -> bytes:
    """The decoded body of a streamed response, or BadResponse if it is too large or unreadable."""
    status = response.status_code
    if response.is_stream_consumed:
        # An in-memory transport (httpx.MockTransport in tests) hands over a body already read.
        if len(response.content) > limit:
            raise too_large(limit, status)
        return response.content
    announced = response.headers.get("Content-Length", "")
    if announced.isdigit() and int(announced) > limit + _RAW_SLACK:
        raise too_large(limit, status)
    encodings = _encodings(response)
    if len(encodings) > MAX_ENCODINGS:
        raise BadResponse("The Sakari API sent an answer compressed too many times over to read.", status=status)
    stages = [_stage_for(name, status) for name in reversed(encodings)]
    decoded = bytearray()
    raw = 0
    async for chunk in response.aiter_raw():
        raw += len(chunk)
        if raw > limit + _RAW_SLACK:
            raise too_large(limit, status)
        for piece in _through(stages, chunk):
            decoded += piece
            if len(decoded) > limit:
                raise too_large(limit, status)
    for piece in _finish(stages):
        decoded += piece
        if len(decoded) > limit:
            raise too_large(limit, status)
    return bytes(decoded)


def _encodings(response: httpx.Response) -> list[str]:
    names = response.headers.get_list("Content-Encoding", split_commas=True)
    return [name.strip().lower() for name in names if name.strip() and name.strip().lower() != "identity"]


def _through(stages: list[_Inflate], data: bytes) -> Iterator[bytes]:
    """`data` pushed through every stage in turn, in bounded pieces."""
    if not stages:
        if data:
            yield data
        return
    first, rest = stages[0], stages[1:]
    for piece in first.feed(data):
        yield from _through(rest, piece)


def _finish(stages: list[_Inflate]) -> Iterator[bytes]:
    """What the stages still hold once the input has ended; each must have seen its end."""
    for index, stage in enumerate(stages):
        for piece in stage.drain():
            yield from _through(stages[index + 1 :], piece)
        stage.check_complete()


def _stage_for(name: str, status: int) -> _Inflate:
    if name in ("gzip", "x-gzip"):
        return _Inflate(16 + zlib.MAX_WBITS, status, members=True)
    if name == "deflate":
        return _Inflate(zlib.MAX_WBITS, status, raw_fallback=True)
    shown = f" ({name})" if _ENCODING_NAME.fullmatch(name) else ""
    raise BadResponse(f"The Sakari API sent an answer in an encoding this client cannot read{shown}.", status=status)


class _Inflate:
    """gzip or deflate, inflated at most STEP bytes per call to zlib."""

    def __init__(self, wbits: int, status: int, *, members: bool = False, raw_fallback: bool = False) -> None:
        self._wbits = wbits
        self._status = status
        self._members = members  # gzip may hold several members back to back
        self._raw_fallback = raw_fallback  # "deflate" is often sent without its zlib header
        self._zlib = zlib.decompressobj(wbits)
        self._started = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        while data:
            if self._zlib.eof:
                data = self._next_member(data)
                if not data:
                    return
            try:
                piece = self._zlib.decompress(data, STEP)
            except zlib.error:
                if self._raw_fallback and not self._started:
                    self._raw_fallback = False
                    self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                raise self._unreadable() from None
            self._started = True
            data = self._zlib.unconsumed_tail or (self._zlib.unused_data if self._zlib.eof else b"")
            if piece:
                yield piece

    def drain(self) -> Iterator[bytes]:
        # flush() would hand back everything zlib still holds in one piece, unbounded.
        while not self._zlib.eof:
            try:
                piece = self._zlib.decompress(b"", STEP)
            except zlib.error:
                raise self._unreadable() from None
            if not piece:
                return
            yield piece

    def check_complete(self) -> None:
        if self._started and not self._zlib.eof:
            raise BadResponse("The Sakari API sent a compressed answer that was cut short.", status=self._status)

    def _next_member(self, data: bytes) -> bytes:
        """After the end of a gzip member: start the next one, or drop what trails (as httpx does)."""
        if self._members and data[:2] == b"\x1f\x8b":
            self._zlib = zlib.decompressobj(self._wbits)
            return data
        return b""

    def _unreadable(self) -> BadResponse:
        return BadResponse("The Sakari API sent a compressed answer that cannot be read.", status=self._status)
