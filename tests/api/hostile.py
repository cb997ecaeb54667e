"""Hostile fake Sakari servers for the client's limits: a raw HTTP/1.1 loop on 127.0.0.1.

A raw `asyncio.start_server` rather than the simulator because these servers must break HTTP in
ways a framework would not let them: send bytes one at a time, lie about the encoding, never
answer. Each connection serves one exchange and closes (``Connection: close``).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import struct
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class RawRequest:
    method: str
    target: str
    headers: dict[str, str]  # lower-case names
    body: bytes

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def query(self) -> dict[str, str]:
        return {key: values[0] for key, values in parse_qs(urlsplit(self.target).query).items()}


Handler = Callable[[RawRequest, asyncio.StreamWriter], Awaitable[None]]


def head(status: int = 200, headers: dict[str, str] | None = None, *, reason: str = "OK") -> bytes:
    lines = [f"HTTP/1.1 {status} {reason}", "Connection: close", *(f"{k}: {v}" for k, v in (headers or {}).items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def send(writer: asyncio.StreamWriter, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
    writer.write(head(status, {"Content-Length": str(len(body)), **(headers or {})}) + body)
    await writer.drain()


async def send_json(
    writer: asyncio.StreamWriter, status: int, body: Any, headers: dict[str, str] | None = None
) -> None:
    await send(writer, status, json.dumps(body).encode(), {"Content-Type": "application/json", **(headers or {})})


def jwt(claims: dict[str, Any]) -> str:
    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part(claims)}.c2lnbmF0dXJlLWJ5dGVzLWhlcmU"


ACCESS_TOKEN = jwt({"sub": "hostile", "iat": 1_000_000_000, "exp": 4_000_000_000})


@dataclass
class HostileServer:
    """Answers the token request itself; every other request goes to `api`."""

    api: Handler
    token: Handler | None = None
    requests: list[RawRequest] = field(default_factory=list)
    _server: asyncio.base_events.Server | None = None
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    @property
    def base_url(self) -> str:
        assert self._server is not None
        host, port = self._server.sockets[0].getsockname()[:2]
        return f"http://{host}:{port}"

    def client_settings(self) -> dict[str, Any]:
        return {
            "account_id": "acc",
            "client_id": "hostile-client-id",
            "client_secret": "hostile-client-secret-0123456789",
            "api_url": self.base_url,
            "token_url": f"{self.base_url}/oauth2/token",
        }

    async def __aenter__(self) -> HostileServer:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(BaseException):
                await task
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._server.wait_closed(), 5)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            request = await _read_request(reader)
            if request is None:
                return
            self.requests.append(request)
            if request.path == "/oauth2/token":
                await (self.token or _token_ok)(request, writer)
            else:
                await self.api(request, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass  # the client gave up: that is what most of these tests want
        finally:
            self._tasks.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    def api_requests(self) -> list[RawRequest]:
        return [request for request in self.requests if request.path != "/oauth2/token"]


async def _read_request(reader: asyncio.StreamReader) -> RawRequest | None:
    try:
        raw_head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    request_line, *header_lines = raw_head.decode("latin-1").split("\r\n")
    method, target, _ = request_line.split(" ", 2)
    headers = {}
    for line in header_lines:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return RawRequest(method, target, headers, body)


async def _token_ok(request: RawRequest, writer: asyncio.StreamWriter) -> None:
    await send_json(writer, 200, {"access_token": ACCESS_TOKEN, "token_type": "Bearer", "expires_in": 3600})


def gzip_bomb(decoded_bytes: int = 1 << 30) -> bytes:
    """A valid single-member gzip stream of `decoded_bytes` zeros, about 1/1000 of that in size.

    Built in a fifth of a second rather than compressing a GiB: after a full flush the compressor
    forgets its history, so every further MiB of zeros compresses to the very same block.
    """
    mib = bytes(1 << 20)
    assert decoded_bytes % len(mib) == 0
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    first = compressor.compress(mib) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(mib) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(decoded_bytes // len(mib)):
        crc = zlib.crc32(mib, crc)
    final_empty_block = b"\x03\x00"
    trailer = struct.pack("<II", crc, decoded_bytes & 0xFFFFFFFF)
    return first + block * (decoded_bytes // len(mib) - 1) + final_empty_block + trailer
