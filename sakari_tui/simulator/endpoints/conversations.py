"""Conversations: list (latest activity first), fetch, close."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..conversations import close_conversation
from ..errors import ApiError
from ..records import ConversationRecord
from ..serialize import conversation_json
from .common import api_route, ok, page, page_params, view_for

if TYPE_CHECKING:
    from ..state import SimulatorState

BASE = "/v1/accounts/{accountId}/conversations"


def _conversation(state: SimulatorState, conversation_id: str) -> ConversationRecord:
    conversation = state.conversations.get(conversation_id)
    if conversation is None:
        raise ApiError(404, "CONV-001", "Invalid conversation id")
    return conversation


async def list_conversations(request: Request, state: SimulatorState) -> Response:
    offset, limit = page_params(request)
    view = view_for(request, state)
    with state.lock:
        ordered = sorted(state.conversations.values(), key=lambda c: (c.updated_at, c.id), reverse=True)
        return page(ordered, offset, limit, lambda conversation: conversation_json(state, conversation, view))


async def fetch_conversation(request: Request, state: SimulatorState) -> Response:
    with state.lock:
        conversation = _conversation(state, request.path_params["conversationId"])
        return ok(conversation_json(state, conversation, view_for(request, state)))


async def close(request: Request, state: SimulatorState) -> Response:
    """Close (archive) a conversation; closing a closed one is harmless."""
    with state.lock:
        conversation = _conversation(state, request.path_params["conversationId"])
        close_conversation(state, conversation, state.now())
        return ok(conversation_json(state, conversation, view_for(request, state)))


def routes() -> list[Route]:
    """The three conversation operations."""
    return [
        api_route("GET", BASE, list_conversations),
        api_route("GET", BASE + "/{conversationId}", fetch_conversation),
        api_route("PUT", BASE + "/{conversationId}/close", close),
    ]
