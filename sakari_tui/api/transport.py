"""Turning HTTP exchanges into data or a `SakariError`.

Kept apart from the client so the mapping from status codes, envelopes and network failures
to our exception family is in one place and testable on its own.
"""

from __future__ import annotations

import email.utils
import re
import time
from typing import TYPE_CHECKING, Any

from ..logs import redact
from .errors import ApiUnavailable, AuthError, BadResponse, InvalidRequest, NotFound, RateLimited, SakariError

if TYPE_CHECKING:
    import httpx

MAX_RETRY_AFTER_S = 300.0


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` header (delta-seconds or an HTTP date), capped."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when is None:
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    return min(max(seconds, 0.0), MAX_RETRY_AFTER_S)


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _without_surrogates(value: Any) -> Any:
    """JSON may carry lone UTF-16 surrogates ("\\ud800"); they cannot be stored or drawn."""
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_without_surrogates(item) for item in value]
    if isinstance(value, dict):
        return {_without_surrogates(key): _without_surrogates(item) for key, item in value.items()}
    return value


# A lone surrogate can reach a decoded body only through a \uD800-\uDFFF escape, a UTF-8 byte
# sequence for one (json decodes with 'surrogatepass'), or a UTF-16/32 body (NUL bytes). Walking
# every string of a page costs more than parsing it, so the walk runs only when one of these is there.
_MAY_HOLD_SURROGATES = re.compile(rb"\\u[dD][89a-fA-F]|\xed[\xa0-\xbf]|\x00")


def _json_body(response: httpx.Response) -> Any:
    content = response.content
    if not content:
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    return _without_surrogates(body) if _MAY_HOLD_SURROGATES.search(content) else body


# Server text shown to a person is cut to this many characters: one sentence, not a page.
MAX_SERVER_TEXT = 200
# Sakari's codes look like "CONT-001"; anything else in that field (an echoed request) is dropped.
_ERROR_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,31}")


def _envelope_error(body: Any) -> tuple[str | None, str | None]:
    """Sakari's error code and message, made safe to show: redacted, one short sentence."""
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        error = body["error"]
        code = str(error.get("code") or "")
        message = error.get("message") or error.get("description")
        return (code if _ERROR_CODE.fullmatch(code) else None, _server_text(str(message)) if message else None)
    return None, None


def _server_text(text: str) -> str:
    """What a server wrote, on one line, without credentials, at most MAX_SERVER_TEXT long.

    Redacted before it is cut, so a cut cannot leave half a token that no longer matches.
    """
    text = " ".join(redact(text).split())
    if len(text) > MAX_SERVER_TEXT:
        text = text[:MAX_SERVER_TEXT].rsplit(" ", 1)[0].rstrip(".,;:") + "…"
    return text


_DEFAULT_MESSAGES = {
    400: "The Sakari API refused the request as invalid.",
    401: "The Sakari API refused the credentials; check the account id, client id and client secret.",
    403: "These credentials are not allowed to do that on this Sakari account.",
    404: "The Sakari API has no such item.",
    409: "The Sakari API reported a conflict.",
    422: "The Sakari API refused the request as invalid.",
    429: "The Sakari API is rate-limiting requests; slow down and try again shortly.",
}


def error_for_response(response: httpx.Response) -> SakariError:
    """The exception that stands for a failed (or `success: false`) response."""
    status = response.status_code
    body = _json_body(response)
    code, message = _envelope_error(body)
    if status >= 500:
        text = message or f"The Sakari API failed on its side (HTTP {status}); try again shortly."
        return ApiUnavailable(_sentence(text), code=code, status=status, request_sent=True)
    text = _sentence(message or _DEFAULT_MESSAGES.get(status) or f"The Sakari API answered HTTP {status}.")
    if status == 429:
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        return RateLimited(text, code=code, status=status, retry_after=retry_after)
    if status in (401, 403):
        return AuthError(text, code=code, status=status)
    if status == 404:
        return NotFound(text, code=code, status=status)
    if status >= 400:
        return InvalidRequest(text, code=code, status=status)
    return SakariError(text, code=code, status=status)


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if text.endswith((".", "!", "?", "…")) else text + "."


def error_for_transport(exc: httpx.HTTPError, url: httpx.URL | str) -> SakariError:
    """Map an httpx failure to our family, noting whether the request may have reached the server."""
    import httpx  # already loaded: only a request can fail

    host = httpx.URL(str(url)).host or str(url)
    if isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)):
        return ApiUnavailable(
            f"Cannot reach the Sakari API at {host}; check the network or the API URL.", request_sent=False
        )
    if isinstance(exc, (httpx.ReadTimeout, httpx.WriteTimeout, httpx.TimeoutException)):
        return ApiUnavailable(
            f"The Sakari API at {host} did not answer in time.",
            request_sent=None if isinstance(exc, httpx.WriteTimeout) else True,
        )
    if isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError)):
        return ApiUnavailable(
            f"The connection to the Sakari API at {host} was cut before it answered.", request_sent=True
        )
    if isinstance(exc, (httpx.UnsupportedProtocol, httpx.InvalidURL)):
        return SakariError(f"The API URL {str(url)!r} is not a valid http(s) URL.", code="CONFIG")
    if isinstance(exc, httpx.TransportError):
        return ApiUnavailable(f"Talking to the Sakari API at {host} failed ({type(exc).__name__}).", request_sent=None)
    return SakariError(f"The request to the Sakari API failed ({type(exc).__name__}).")


def success_body(response: httpx.Response) -> dict[str, Any]:
    """The parsed envelope of a successful response, or the error it stands for."""
    if response.status_code >= 400:
        raise error_for_response(response)
    body = _json_body(response)
    if not isinstance(body, dict):
        raise BadResponse(
            f"The Sakari API answered HTTP {response.status_code} with a body that is not JSON.",
            status=response.status_code,
        )
    if body.get("success") is False:
        raise error_for_response(response)
    return body
