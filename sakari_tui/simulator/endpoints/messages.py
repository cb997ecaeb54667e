"""Messages: list (filters contactId, conversationId; newest first), send, fetch."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..errors import ApiError
from ..messaging import send_messages
from ..records import API_ACTOR, API_SENDER, MessageRecord
from ..serialize import message_json
from .common import api_route, json_body, ok, page, page_params, view_for

if TYPE_CHECKING:
    from ..state import SimulatorState

BASE = "/v1/accounts/{accountId}/messages"


def _newest_first(messages: list[MessageRecord]) -> list[MessageRecord]:
    return sorted(messages, key=lambda message: (message.created_at, message.seq), reverse=True)


async def list_messages(request: Request, state: SimulatorState) -> Response:
    offset, limit = page_params(request)
    contact_id = request.query_params.get("contactId")
    conversation_id = request.query_params.get("conversationId")
    view = view_for(request, state)
    with state.lock:
        if conversation_id:
            conversation = state.conversations.get(conversation_id)
            found = [state.messages[mid] for mid in conversation.message_ids] if conversation else []
        else:
            found = list(state.messages.values())
        if contact_id:
            found = [message for message in found if message.contact_id == contact_id]
        return page(_newest_first(found), offset, limit, lambda message: message_json(state, message, view))


async def send(request: Request, state: SimulatorState) -> Response:
    """200 with `{messages, jobId, requested, valid, invalid, estimatedPrice}`."""
    body = await json_body(request)
    view = view_for(request, state)
    with state.lock:
        result = send_messages(state, body, state.now(), API_SENDER, contact_actor=API_ACTOR)
        return ok(
            {
                "messages": [message_json(state, message, view) for message in result.messages],
                "jobId": result.job_id,
                "requested": result.requested,
                "valid": len(result.messages),
                "invalid": result.invalid,
                "estimatedPrice": result.estimated_price,
            }
        )


async def fetch_message(request: Request, state: SimulatorState) -> Response:
    with state.lock:
        message = state.messages.get(request.path_params["messageId"])
        if message is None:
            raise ApiError(404, "MSG-004", "Message not found")
        return ok(message_json(state, message, view_for(request, state)))


def routes() -> list[Route]:
    """The three message operations."""
    return [
        api_route("GET", BASE, list_messages),
        api_route("POST", BASE, send),
        api_route("GET", BASE + "/{messageId}", fetch_message),
    ]
