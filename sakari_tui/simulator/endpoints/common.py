"""What every API endpoint shares: envelopes, paging, body parsing, and the request pipeline.

The pipeline of each API request, in order: count it, rate limit (429 RATE-001), draw faults
(latency; 500/503 before anything happens; a write held `commit_delay` seconds before it
commits), apply due time-based changes, authenticate (401 AUTH-*), check the account
(403 ACCT-008), run the handler, then maybe turn a committed write into a 500, a dropped
connection or an odd 200, and kick webhook delivery.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING

import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from ..errors import ApiError
from ..faults import FaultDecision, FiredFault, GarbageBody
from ..serialize import View

if TYPE_CHECKING:
    from ..state import SimulatorState

Handler = Callable[[Request, "SimulatorState"], Awaitable[Response]]

DEFAULT_LIMIT = 10
MAX_LIMIT = 100


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    """The spec's error envelope."""
    return JSONResponse({"success": False, "error": {"code": code, "message": message}}, status, headers=headers)


def ok(data: object, status: int = 200) -> JSONResponse:
    """The single-resource envelope `{success, data}`."""
    return JSONResponse({"success": True, "data": data}, status)


def page_params(request: Request) -> tuple[int, int]:
    """Validated `offset` (>= 0, default 0) and `limit` (1..100, default 10), or 400 REQ-002."""
    values = {}
    for name, default in (("offset", 0), ("limit", DEFAULT_LIMIT)):
        raw = request.query_params.get(name)
        try:
            values[name] = default if raw is None or raw == "" else int(raw)
        except ValueError:
            raise ApiError(400, "REQ-002", f"'{name}' must be an integer") from None
    if values["offset"] < 0:
        raise ApiError(400, "REQ-002", "'offset' must be 0 or more")
    if not 1 <= values["limit"] <= MAX_LIMIT:
        raise ApiError(400, "REQ-002", f"'limit' must be between 1 and {MAX_LIMIT}")
    return values["offset"], values["limit"]


def page(items: Sequence[object], offset: int, limit: int, render: Callable[[object], dict]) -> JSONResponse:
    """The list envelope for one page of `items` (the full, ordered result set)."""
    window = items[offset : offset + limit]
    has_next = offset + len(window) < len(items)
    return JSONResponse(
        {
            "success": True,
            "pagination": {"offset": offset, "limit": limit, "totalCount": len(items), "hasNext": has_next},
            "data": [render(item) for item in window],
        }
    )


def whole_list(data: list[dict], status: int) -> JSONResponse:
    """A list envelope holding everything (create operations that answer with a list)."""
    count = len(data)
    return JSONResponse(
        {
            "success": True,
            "pagination": {"offset": 0, "limit": max(count, 1), "totalCount": count, "hasNext": False},
            "data": data,
        },
        status,
    )


async def json_body(request: Request, *, required: bool = True) -> object:
    """The parsed JSON body, None when absent and optional, or 400 REQ-001."""
    raw = await request.body()
    if not raw.strip():
        if required:
            raise ApiError(400, "REQ-001", "A JSON request body is required")
        return None
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "REQ-001", "The request body is not valid JSON") from None


async def json_object(request: Request) -> dict:
    """The JSON body, which must be an object."""
    body = await json_body(request)
    if not isinstance(body, dict):
        raise ApiError(400, "REQ-001", "The request body must be a JSON object")
    return body


def view_for(request: Request, state: SimulatorState) -> View:
    """How to render for this request (links absolute to the URL it came in on)."""
    return View(base_url=str(request.base_url), closed_as_timestamp=state.config.closed_as_timestamp)


class DroppedConnection(httpx.RemoteProtocolError):
    """Raised on purpose to cut a response short (the drop-after-commit fault).

    Under uvicorn the server closes the socket mid-body and the client sees
    httpx.RemoteProtocolError; under httpx's ASGITransport this exception (a subclass of
    RemoteProtocolError) reaches the client directly, so both look the same to client code.
    """


class DroppedResponse:
    """Start the real response with a Content-Length longer than the body, send half, then fail."""

    def __init__(self, original: Response) -> None:
        self.original = original
        self.status_code = original.status_code

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = bytes(self.original.body)
        headers = [(key, value) for key, value in self.original.raw_headers if key.lower() != b"content-length"]
        headers.append((b"content-length", str(len(body) + 64).encode()))
        await send({"type": "http.response.start", "status": self.original.status_code, "headers": headers})
        await send({"type": "http.response.body", "body": body[: len(body) // 2], "more_body": True})
        raise DroppedConnection("connection dropped by the simulator after the write was committed")


_GARBAGE_HTML = (
    b"<!DOCTYPE html>\n<html><head><title>200 OK</title></head>"
    b"<body><h1>Request received</h1><p>Your request is being processed.</p></body></html>\n"
)


def garbage_response(kind: GarbageBody, original: Response) -> Response:
    """A 200 a client cannot read as the answer it expected, for a write that was committed."""
    if kind is GarbageBody.EMPTY_DATA:
        return JSONResponse({"success": True, "data": {}}, 200)
    if kind is GarbageBody.NO_DATA:
        return JSONResponse({"success": True}, 200)
    if kind is GarbageBody.HTML:
        return Response(_GARBAGE_HTML, 200, media_type="text/html")
    if kind is GarbageBody.EMPTY:
        return Response(b"", 200)
    body = bytes(original.body)
    return Response(body[: len(body) // 2], 200, media_type="application/json")


def _after_commit(state: SimulatorState, operation: str, faults: FaultDecision, response: Response) -> Response:
    """The answer a committed write gets under the drawn faults (the first that applies wins)."""
    if faults.fail_after_commit:
        state.faults.fired(FiredFault.ERROR_AFTER_COMMIT, operation)
        return error_response(500, "SRV-001", "Internal server error (simulated, after the change was saved)")
    if faults.drop_after_commit:
        state.faults.fired(FiredFault.DROP_AFTER_COMMIT, operation)
        return DroppedResponse(response)  # type: ignore[return-value]
    assert faults.garbage is not None
    state.faults.fired(FiredFault.GARBAGE_AFTER_COMMIT, operation)
    return garbage_response(faults.garbage, response)


def _check_account(request: Request, claims: dict) -> None:
    account = request.path_params.get("accountId")
    if account is not None and account != claims.get("accountId"):
        raise ApiError(403, "ACCT-008", "Account ID invalid")


def api_route(method: str, path: str, handler: Handler, *, auth: bool = True) -> Route:
    """A route running `handler` through the common pipeline (see the module docstring)."""
    # Counted and matched by the spec's path template, without Starlette's convertors.
    operation = f"{method} {re.sub(r':[a-z]+}', '}', path)}"

    async def endpoint(request: Request) -> Response:
        state: SimulatorState = request.app.state.sim
        state.requests.count(operation)
        retry_after = state.rate_limiter.acquire()
        if retry_after is not None:
            return error_response(
                429, "RATE-001", "Too many requests: slow down and retry later", {"Retry-After": str(retry_after)}
            )
        faults = state.faults.draw(operation, method)
        if faults.latency:
            state.faults.fired(FiredFault.LATENCY, operation)
            await asyncio.sleep(faults.latency)
        if faults.fail_before:
            state.faults.fired(FiredFault.ERROR_BEFORE, operation)
        if faults.fail_before == 503:
            return error_response(503, "SRV-002", "Service temporarily unavailable (simulated)", {"Retry-After": "1"})
        if faults.fail_before:
            return error_response(500, "SRV-001", "Internal server error (simulated)")
        if faults.commit_delay:
            # Read the body first: once the client has given up, the server can no longer read
            # it, and the point is that the write still commits after the client's timeout.
            await request.body()
            state.faults.fired(FiredFault.COMMIT_DELAY, operation)
            await asyncio.sleep(faults.commit_delay)  # other requests are served meanwhile
        try:
            state.advance()
            if auth:
                _check_account(request, state.tokens.authenticate(request.headers.get("authorization")))
            response = await handler(request, state)
        except ApiError as exc:
            response = error_response(exc.status, exc.code, exc.message, exc.headers)
        request.app.state.webhooks.kick()
        if response.status_code < 400 and faults.any_after_commit:
            return _after_commit(state, operation, faults, response)
        return response

    endpoint.__name__ = operation
    return Route(path, endpoint, methods=[method])
