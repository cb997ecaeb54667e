"""Simulator-only endpoints under /_sim/ (no auth: the simulator listens on loopback only).

| method & path                      | body / answer                                                   |
|------------------------------------|-----------------------------------------------------------------|
| GET    /_sim                       | summary: account, clock, counts, customers (and colleagues,    |
|                                    | auto-responder), faults (and those fired so far), rate limit    |
| POST   /_sim/inbound               | `{from, to?, text, media?: [{url, type?}], picture?}` -> 201   |
|                                    | the message; `picture`: "parcel", "receipt" or "error" adds a   |
|                                    | generated PNG on a shared-file link (no `text`: a caption)      |
| POST   /_sim/colleague-reply       | `{conversationId, text?, colleague?: "alex"|"jordan"}` -> 201   |
|                                    | the message, sent now from the Hub (`created.by` the colleague; |
|                                    | no text: a line in the contact's language; default Alex)        |
| GET    /_sim/faults                | current fault settings                                          |
| PUT    /_sim/faults                | partial `FaultSettings` (latency, error_rate, ...)              |
| DELETE /_sim/faults                | turn every fault off                                            |
| GET    /_sim/rate-limit            | `{rate, burst}`                                                 |
| PUT    /_sim/rate-limit            | `{rate: number|null, burst?}`                                   |
| GET    /_sim/requests              | request counts by "METHOD /path/template"                       |
| DELETE /_sim/requests              | reset the counts (requests and fired faults)                    |
| POST   /_sim/clock/advance         | `{seconds}`; ManualClock only (else 409 SIM-002)                |
| PUT    /_sim/customers             | `{enabled: bool}`                                               |
| GET    /_sim/webhook-deliveries    | recent webhook delivery attempts and their results              |
| GET    /_sim/files/{id}/{filename} | a shared file's bytes (the link sharefile returns; public)      |

Answers use the API's envelopes; errors too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..clock import ManualClock, iso
from ..errors import ApiError
from ..faults import FAULT_FIELDS
from ..pictures import PICTURES
from ..ratelimit import RateLimitSettings
from ..serialize import message_json
from .common import Handler, error_response, json_object, ok, view_for

if TYPE_CHECKING:
    from ..state import SimulatorState


def admin_route(method: str, path: str, handler: Handler) -> Route:
    """A route that applies due changes first and answers errors with the envelope."""

    async def endpoint(request: Request) -> Response:
        state: SimulatorState = request.app.state.sim
        try:
            state.advance()
            response = await handler(request, state)
        except ApiError as exc:
            response = error_response(exc.status, exc.code, exc.message, exc.headers)
        except (TypeError, ValueError) as exc:
            response = error_response(400, "REQ-001", str(exc))
        request.app.state.webhooks.kick()
        return response

    endpoint.__name__ = f"admin {method} {path}"
    return Route(path, endpoint, methods=[method])


def _summary(state: SimulatorState) -> dict:
    with state.lock:
        return {
            "accountId": state.config.account_id,
            "now": iso(state.now()),
            "manualClock": isinstance(state.clock, ManualClock),
            "counts": {
                "contacts": sum(not c.removed for c in state.contacts.values()),
                "conversations": len(state.conversations),
                "messages": len(state.messages),
                "templates": len(state.templates),
                "campaigns": len(state.campaigns),
                "webhooks": len(state.webhooks),
                "files": len(state.files),
            },
            "customers": state.customers.enabled,
            "colleagues": state.colleagues.active,
            "autoResponder": state.auto_responder.active,
            "faults": state.faults.settings.to_json(),
            "faultsFired": state.fault_counts(),
            "rateLimit": {"rate": state.rate_limiter.settings.rate, "burst": state.rate_limiter.settings.burst},
        }


async def summary(request: Request, state: SimulatorState) -> Response:
    return ok(_summary(state))


async def inbound(request: Request, state: SimulatorState) -> Response:
    """Simulate a customer's text: `{from, to?, text, media?, picture?}`."""
    body = await json_object(request)
    sender, media, picture = body.get("from"), body.get("media"), body.get("picture")
    if picture is not None and not isinstance(picture, str):
        raise ApiError(400, "REQ-001", f"'picture' must be one of {', '.join(PICTURES)}")
    # A picture without a word gets its usual caption; `"text": ""` sends it alone.
    text = body.get("text", PICTURES[picture].captions[0] if picture in PICTURES else "")
    if not isinstance(sender, str) or not isinstance(text, str):
        raise ApiError(400, "REQ-001", "'from' and 'text' must be strings")
    if media is not None and not (isinstance(media, list) and all(isinstance(m, dict) and "url" in m for m in media)):
        raise ApiError(400, "REQ-001", "'media' must be a list of {url}")
    message_id = state.inject_inbound(sender, text, to=body.get("to"), media=media, picture=picture)
    with state.lock:
        return ok(message_json(state, state.messages[message_id], view_for(request, state)), 201)


async def colleague_reply(request: Request, state: SimulatorState) -> Response:
    """A colleague answers a conversation from the Hub: `{conversationId, text?, colleague?}`."""
    body = await json_object(request)
    conversation_id, text, colleague = body.get("conversationId"), body.get("text"), body.get("colleague")
    if not isinstance(conversation_id, str):
        raise ApiError(400, "REQ-001", "'conversationId' must be a string")
    if not isinstance(text, str | None) or not isinstance(colleague, str | None):
        raise ApiError(400, "REQ-001", "'text' and 'colleague' must be strings")
    message = state.colleague_reply(conversation_id, text, by=colleague)
    with state.lock:
        return ok(message_json(state, message, view_for(request, state)), 201)


async def get_faults(request: Request, state: SimulatorState) -> Response:
    return ok(state.faults.settings.to_json())


async def put_faults(request: Request, state: SimulatorState) -> Response:
    changes = await json_object(request)
    unknown = set(changes) - FAULT_FIELDS
    if unknown:
        raise ApiError(400, "REQ-001", f"Unknown fault setting(s): {', '.join(sorted(unknown))}")
    return ok(state.set_faults(**changes).to_json())


async def reset_faults(request: Request, state: SimulatorState) -> Response:
    state.faults.reset()
    return ok(state.faults.settings.to_json())


async def get_rate_limit(request: Request, state: SimulatorState) -> Response:
    settings = state.rate_limiter.settings
    return ok({"rate": settings.rate, "burst": settings.burst})


async def put_rate_limit(request: Request, state: SimulatorState) -> Response:
    body = await json_object(request)
    settings: RateLimitSettings = state.set_rate_limit(body.get("rate"), body.get("burst"))
    return ok({"rate": settings.rate, "burst": settings.burst})


async def get_requests(request: Request, state: SimulatorState) -> Response:
    return ok(state.request_counts())


async def reset_requests(request: Request, state: SimulatorState) -> Response:
    state.reset_request_counts()
    return ok({})


async def advance_clock(request: Request, state: SimulatorState) -> Response:
    body = await json_object(request)
    if not isinstance(state.clock, ManualClock):
        raise ApiError(409, "SIM-002", "The simulator runs on the real clock; start it with a ManualClock")
    seconds = body.get("seconds")
    if not isinstance(seconds, int | float) or seconds < 0:
        raise ApiError(400, "REQ-001", "'seconds' must be a number >= 0")
    state.clock.advance(float(seconds))
    ran = state.advance()
    return ok({"now": iso(state.now()), "eventsApplied": ran})


async def put_customers(request: Request, state: SimulatorState) -> Response:
    body = await json_object(request)
    if not isinstance(body.get("enabled"), bool):
        raise ApiError(400, "REQ-001", "'enabled' must be true or false")
    state.set_customers(body["enabled"])
    return ok({"enabled": state.customers.enabled})


async def webhook_deliveries(request: Request, state: SimulatorState) -> Response:
    with state.lock:
        return ok(list(state.webhook_log))


async def shared_file(request: Request, state: SimulatorState) -> Response:
    """Serve a shared file to anyone with the link, until it expires."""
    with state.lock:
        shared = state.files.get(request.path_params["fileId"])
        if shared is None or shared.expires_at <= state.now():
            raise ApiError(404, "FILE-003", "This link does not exist or has expired")
        return Response(
            shared.data,
            media_type=shared.content_type,
            headers={"Content-Disposition": f'inline; filename="{shared.filename}"'},
        )


def routes() -> list[Route]:
    """Every /_sim/ route."""
    return [
        admin_route("GET", "/_sim", summary),
        admin_route("POST", "/_sim/inbound", inbound),
        admin_route("POST", "/_sim/colleague-reply", colleague_reply),
        admin_route("GET", "/_sim/faults", get_faults),
        admin_route("PUT", "/_sim/faults", put_faults),
        admin_route("DELETE", "/_sim/faults", reset_faults),
        admin_route("GET", "/_sim/rate-limit", get_rate_limit),
        admin_route("PUT", "/_sim/rate-limit", put_rate_limit),
        admin_route("GET", "/_sim/requests", get_requests),
        admin_route("DELETE", "/_sim/requests", reset_requests),
        admin_route("POST", "/_sim/clock/advance", advance_clock),
        admin_route("PUT", "/_sim/customers", put_customers),
        admin_route("GET", "/_sim/webhook-deliveries", webhook_deliveries),
        admin_route("GET", "/_sim/files/{fileId}/{filename}", shared_file),
    ]
