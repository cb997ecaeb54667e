"""One HTTP exchange with the Sakari API, bounded: an overall deadline (connect, send and the
whole answer) besides httpx's per-chunk timeout, and a cap on the decoded size of the answer. A
server that drips, inflates or never ends its answer costs a bounded time and memory."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from .body import read_body
from .errors import ApiSlow, BadResponse
from .server_clock import ServerClock
from .transport import error_for_transport

if TYPE_CHECKING:
    import httpx

# Headers that describe the body as it travelled, not the decoded body a response is rebuilt with.
_WIRE_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})


async def bounded_exchange(
    http: httpx.AsyncClient,
    request: httpx.Request,
    *,
    deadline: float,
    limit: int,
    clock: Callable[[], float],
    server_clock: ServerClock,
) -> httpx.Response:
    """One exchange within `deadline` seconds, its body read (and decoded) under `limit` bytes;
    the answer's `Date` tells `server_clock` the server's time."""
    progress = _SendProgress()
    request.extensions["trace"] = progress.trace
    try:
        async with asyncio.timeout(deadline):
            return await _exchange(http, request, limit, clock, server_clock)
    except TimeoutError:
        host = request.url.host or str(request.url)
        raise ApiSlow(
            f"The Sakari API at {host} took longer than {deadline:g} s to answer.",
            request_sent=progress.may_have_sent,
        ) from None


async def _exchange(
    http: httpx.AsyncClient,
    request: httpx.Request,
    limit: int,
    clock: Callable[[], float],
    server_clock: ServerClock,
) -> httpx.Response:
    import httpx  # loaded by now (the client built `http`); a local name keeps start-up free of it

    asked_at = clock()
    try:
        streamed = await http.send(request, stream=True)
    except httpx.HTTPError as exc:
        raise error_for_transport(exc, request.url) from None
    try:
        if streamed.status_code < 500:  # a 5xx may come from a gateway, on another clock
            server_clock.observe(streamed.headers.get("Date"), asked_at, clock())
        try:
            body = await read_body(streamed, limit)
        except BadResponse:
            if streamed.status_code < 400:
                raise
            body = b""  # an error's status says enough; its oversized or garbled text is not needed
        except httpx.HTTPError as exc:
            raise error_for_transport(exc, request.url) from None
    finally:
        await streamed.aclose()
    headers = [(name, value) for name, value in streamed.headers.multi_items() if name.lower() not in _WIRE_HEADERS]
    return httpx.Response(
        streamed.status_code, headers=headers, content=body, request=request, extensions=streamed.extensions
    )


class _SendProgress:
    """Follows an exchange through httpcore's trace events, to tell whether the request may have
    reached the server when the deadline cut it short."""

    def __init__(self) -> None:
        self._events = 0
        self._sending = False

    async def trace(self, name: str, info: Mapping[str, Any]) -> None:
        self._events += 1
        if name.endswith("send_request_headers.started"):
            self._sending = True

    @property
    def may_have_sent(self) -> bool:
        # No events at all: a transport that does not trace (or a wait for the pool); say maybe.
        return self._sending or self._events == 0
