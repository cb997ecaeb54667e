"""Webhooks: list, subscribe (upsert by url), unsubscribe (DELETE with the URL-encoded url: 204)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..errors import ApiError
from ..records import WebhookRecord
from ..serialize import webhook_json
from ..webhooks import EVENT_TYPES
from .common import api_route, json_object, ok, page, page_params

if TYPE_CHECKING:
    from ..state import SimulatorState

BASE = "/v1/accounts/{accountId}/webhooks"


async def list_webhooks(request: Request, state: SimulatorState) -> Response:
    offset, limit = page_params(request)
    with state.lock:
        return page(list(state.webhooks.values()), offset, limit, webhook_json)


async def subscribe(request: Request, state: SimulatorState) -> Response:
    """Subscribe `url` to `eventTypes`; subscribing a url again replaces its event types."""
    body = await json_object(request)
    # The spec's schema requires `callbackUrl` while naming the property `url`: accept both.
    url = body.get("url") or body.get("callbackUrl")
    if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
        raise ApiError(400, "WHK-001", "'url' must be an http(s) URL")
    event_types = body.get("eventTypes")
    if not isinstance(event_types, list) or not event_types:
        raise ApiError(400, "WHK-001", "'eventTypes' must be a non-empty list")
    unknown = [event for event in event_types if not isinstance(event, str) or event not in EVENT_TYPES]
    if unknown:
        raise ApiError(400, "WHK-001", f"Unknown event type(s): {', '.join(map(str, unknown))}")
    with state.lock:
        existing = state.webhooks.get(url)
        webhook = WebhookRecord(
            id=existing.id if existing else state.ids.new(),
            url=url,
            event_types=list(dict.fromkeys(event_types)),
            created_at=existing.created_at if existing else state.now(),
        )
        state.webhooks[url] = webhook
        return ok(webhook_json(webhook))


def _url_from_path(request: Request) -> str:
    # Decode the raw path ourselves: the ASGI `path` is already percent-decoded, so an encoded
    # URL's own escapes (%2F, %25) could not be told from the path's.
    raw = request.scope.get("raw_path")
    if raw:
        marker = b"/webhooks/"
        return unquote(raw.decode("latin-1").split(marker.decode(), 1)[1])
    return request.path_params["url"]


async def unsubscribe(request: Request, state: SimulatorState) -> Response:
    url = _url_from_path(request)
    with state.lock:
        if state.webhooks.pop(url, None) is None:
            raise ApiError(404, "WHK-002", "No webhook subscription for this url")
    return Response(status_code=204)


def routes() -> list[Route]:
    """The three webhook operations."""
    return [
        api_route("GET", BASE, list_webhooks),
        api_route("POST", BASE, subscribe),
        api_route("DELETE", BASE + "/{url:path}", unsubscribe),
    ]
