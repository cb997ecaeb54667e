"""POST /v1/tools/sharefile: host a file (raw bytes or multipart field `media`) on a link."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..clock import iso
from ..errors import ApiError
from ..files import store_file
from ..multipart import boundary_of, parse_multipart
from .common import api_route, ok, view_for

if TYPE_CHECKING:
    from ..state import SimulatorState


async def _read_limited(request: Request, limit: int) -> bytes:
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > limit:
            raise ApiError(413, "FILE-002", f"The file is larger than {limit} bytes")
    return bytes(data)


async def share_file(request: Request, state: SimulatorState) -> Response:
    """Store the upload and answer `{link, expires}`; the link serves the bytes back."""
    content_type = request.headers.get("content-type", "")
    body = await _read_limited(request, state.config.max_upload_bytes + 64 * 1024)
    filename = request.query_params.get("filename")
    if content_type.lower().startswith("multipart/form-data"):
        boundary = boundary_of(content_type)
        media = (
            next((part for part in parse_multipart(body, boundary) if part.name == "media"), None) if boundary else None
        )
        if media is None:
            raise ApiError(400, "FILE-001", "The multipart upload has no 'media' field")
        body, filename, content_type = media.data, media.filename or filename, media.content_type or ""
    if not body:
        raise ApiError(400, "FILE-001", "The upload is empty")
    if len(body) > state.config.max_upload_bytes:
        raise ApiError(413, "FILE-002", f"The file is larger than {state.config.max_upload_bytes} bytes")
    if content_type.lower().startswith("application/octet-stream"):
        content_type = ""  # unknown: guess from the file name
    with state.lock:
        shared = store_file(state, body, filename, content_type, state.now())
    return ok({"link": view_for(request, state).absolute(shared.path), "expires": iso(shared.expires_at)})


def routes() -> list[Route]:
    """The share-file route (outside the account, as in the spec)."""
    return [api_route("POST", "/v1/tools/sharefile", share_file)]
