"""The simulator as a Starlette ASGI app: `create_app(config)`, state at `app.state.sim`."""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import logging
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .config import SimulatorConfig
from .endpoints import admin, auth, campaigns, contacts, conversations, messages, templates, tools, webhooks
from .endpoints.common import DroppedConnection, error_response
from .state import SimulatorState
from .webhooks import WebhookDispatcher

log = logging.getLogger(__name__)


class _HideDeliberateDrops(logging.Filter):
    """uvicorn logs the drop-after-commit fault as an application error; it is on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, DroppedConnection)


def _hide_deliberate_drops() -> None:
    logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(existing, _HideDeliberateDrops) for existing in logger.filters):
        logger.addFilter(_HideDeliberateDrops())


class DateHeader:
    """Every answer's `Date` comes from the simulator's clock (skew and manual time included).

    Clients may estimate the server's clock from it, so it must not be the wall clock that
    uvicorn would put there (the server turns uvicorn's own header off).
    """

    def __init__(self, app: ASGIApp, state: SimulatorState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_date(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(key, value) for key, value in message.get("headers", []) if key.lower() != b"date"]
                headers.append((b"date", email.utils.formatdate(self.state.now(), usegmt=True).encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_date)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 405:
        return error_response(405, "REQ-004", "Method not allowed on this endpoint", dict(exc.headers or {}))
    if exc.status_code == 404:
        return error_response(404, "REQ-003", f"No such endpoint: {request.method} {request.url.path}")
    return error_response(exc.status_code, f"HTTP-{exc.status_code}", str(exc.detail))


async def _internal_error(request: Request, exc: Exception) -> Response:
    # Keep even a simulator bug inside the API's error envelope; uvicorn still logs the traceback.
    return error_response(500, "SRV-001", "Internal server error")


async def _tick(state: SimulatorState, dispatcher: WebhookDispatcher) -> None:
    """Advance time-based changes and deliver webhooks even when no client is asking."""
    while True:
        await asyncio.sleep(state.config.tick_interval)
        try:
            state.advance()
            dispatcher.kick()
        except Exception:  # a bug here must not silently stop the simulated world
            log.exception("simulator tick failed")


def create_app(config: SimulatorConfig | None = None) -> Starlette:
    """A fresh simulator app with its own state (`app.state.sim`) and webhook dispatcher."""
    state = SimulatorState(config)
    dispatcher = WebhookDispatcher(state)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # Only a real server runs the lifespan; under ASGITransport, state advances per request.
        _hide_deliberate_drops()
        ticker = asyncio.create_task(_tick(state, dispatcher))
        try:
            yield
        finally:
            ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await ticker
            await dispatcher.aclose()

    routes = [
        *auth.routes(),
        *conversations.routes(),
        *messages.routes(),
        *contacts.routes(),
        *templates.routes(),
        *campaigns.routes(),
        *webhooks.routes(),
        *tools.routes(),
        *admin.routes(),
    ]
    handlers = {HTTPException: _http_error, Exception: _internal_error}
    app = Starlette(
        routes=routes, lifespan=lifespan, exception_handlers=handlers, middleware=[Middleware(DateHeader, state=state)]
    )
    app.state.sim = state
    app.state.webhooks = dispatcher
    return app
