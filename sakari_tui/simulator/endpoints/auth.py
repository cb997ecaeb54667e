"""POST /oauth2/token: the client-credentials grant (JSON, form-encoded, or HTTP Basic)."""

from __future__ import annotations

import base64
import binascii
import hmac
import json
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..errors import ApiError
from .common import api_route

if TYPE_CHECKING:
    from ..state import SimulatorState


async def _token_params(request: Request) -> dict[str, str]:
    raw = await request.body()
    content_type = request.headers.get("content-type", "").lower()
    params: dict[str, str] = {}
    if "application/x-www-form-urlencoded" in content_type:
        params = dict(parse_qsl(raw.decode("utf-8", "replace")))
    elif raw.strip():
        try:
            body = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            raise ApiError(400, "REQ-001", "The request body is not valid JSON") from None
        if not isinstance(body, dict):
            raise ApiError(400, "REQ-001", "The request body must be a JSON object")
        params = {key: value for key, value in body.items() if isinstance(value, str)}
    # RFC 6749 also lets clients send their credentials as HTTP Basic auth.
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "basic" and encoded:
        try:
            client_id, _, secret = base64.b64decode(encoded).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            raise ApiError(401, "AUTH-003", "Invalid client credentials") from None
        params.setdefault("client_id", client_id)
        params.setdefault("client_secret", secret)
    return params


def _same(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


async def issue_token(request: Request, state: SimulatorState) -> Response:
    """Exchange the client id and secret for a bearer token."""
    params = await _token_params(request)
    if params.get("grant_type") != "client_credentials":
        raise ApiError(400, "AUTH-004", "grant_type must be client_credentials")
    config = state.config
    if not (
        _same(params.get("client_id"), config.client_id) and _same(params.get("client_secret"), config.client_secret)
    ):
        raise ApiError(401, "AUTH-003", "Invalid client credentials")
    token = state.tokens.issue(params["client_id"])
    return JSONResponse(
        {"access_token": token, "token_type": "Bearer", "expires_in": int(state.tokens.ttl)},
        headers={"Cache-Control": "no-store"},
    )


def routes() -> list[Route]:
    """The token route (outside /v1, as in the spec)."""
    return [api_route("POST", "/oauth2/token", issue_token, auth=False)]
