"""One exception family for everything that can go wrong talking to Sakari.

Callers catch `SakariError` (or a subclass) and never see an httpx or pydantic exception.
Messages are plain sentences fit to show a person; they never contain secrets or tokens: many
quote the server, and a gateway echoing the request would quote our credentials back, so every
message and code passes through the log's redaction on the way in. `describe(code)` puts the codes
Sakari reports on undelivered messages into plain words.
"""

from __future__ import annotations

from ..logs import redact


class SakariError(Exception):
    """An API call failed. `code` is Sakari's error code (e.g. ``CONT-001``) when it sent one."""

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None) -> None:
        message = redact(message)
        super().__init__(message)
        self.message = message
        self.code = redact(code) if code else code
        self.status = status

    def __str__(self) -> str:
        return f"{self.message} ({self.code})" if self.code else self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}(message={self.message!r}, code={self.code!r}, status={self.status!r})"


class InvalidRequest(SakariError):
    """The API refused the request as invalid (a 4xx other than auth, not-found and rate limit)."""


class AuthError(SakariError):
    """Credentials were refused, or the token could not be renewed (401/403)."""


class NotFound(SakariError):
    """The resource does not exist (404), e.g. ``CONV-001`` for an unknown conversation."""


class RateLimited(SakariError):
    """Too many requests (429). `retry_after` is in seconds when the API said when to come back."""

    def __init__(
        self, message: str, *, code: str | None = None, status: int | None = 429, retry_after: float | None = None
    ) -> None:
        super().__init__(message, code=code, status=status)
        self.retry_after = retry_after


class ApiUnavailable(SakariError):
    """The API could not be reached or failed on its side (network error, timeout, 5xx).

    `request_sent` tells the sync layer whether a write may have happened: False when the
    connection was never made (safe to retry), True when the request left the machine and the
    answer was lost or was a server error (a send must be reconciled, not blindly repeated),
    None when it cannot be told.
    """

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        status: int | None = None,
        request_sent: bool | None = None,
    ) -> None:
        super().__init__(message, code=code, status=status)
        self.request_sent = request_sent


class ApiSlow(ApiUnavailable):
    """A request ran past the client's overall deadline (e.g. an answer dripping in byte by byte).

    The server is there but too slow to use: the status line says "slow", not "offline".
    """


class BadResponse(SakariError):
    """The API answered with something that is not the JSON it documents."""


# Plain words for the error codes Sakari documents on undelivered messages (a message's `error.code`).
ERROR_WORDS = {
    "MSG-006": "the carrier reported an unknown error",
    "MSG-008": "the carrier flagged it as spam",
    "MSG-009": "the carrier prohibits this content",
    "MSG-018": "the number cannot be reached",
    "MSG-019": "the carrier could not deliver it",
    "MSG-020": "the number is a landline",
    "MSG-023": "the carrier rejected it",
    "MSG-024": "it was a duplicate",
    "MSG-025": "the carrier reported an unknown error",
    "MSG-026": "delivery timed out",
    "MSG-028": "throttled; it will be retried",
    "MSG-029": "the daily sending limit was reached",
    "MSG-033": "the carrier failed",
    "MSG-036": "toll-free sending is blocked",
    "MSG-037": "the number has no carrier",
    "MSG-043": "free URL shorteners are blocked",
    "CONT-010": "the contact has opted out",
    "ACCT-006": "the account is out of credit",
}


def describe(code: str | None) -> str | None:
    """Plain words for one of Sakari's error codes ('MSG-020' -> 'the number is a landline'); None if unknown."""
    return ERROR_WORDS.get(code) if code else None
