"""JWT-shaped access tokens (HS256) with `iat`, `exp` and `sub`, checked against the simulator clock.

The signing key is random per simulator instance: a token from one run is useless in the next,
like a real server's key rotation, and nothing secret is ever fixed in the code.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets

from .clock import Clock
from .errors import ApiError


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class TokenIssuer:
    """Issues and verifies bearer tokens for one account."""

    def __init__(self, clock: Clock, account_id: str, ttl: float) -> None:
        self._clock = clock
        self._account_id = account_id
        self.ttl = ttl
        self._key = secrets.token_bytes(32)

    def _sign(self, signing_input: str) -> str:
        return _b64url(hmac.new(self._key, signing_input.encode("ascii"), hashlib.sha256).digest())

    def issue(self, client_id: str) -> str:
        """A new token for `client_id`, valid for `ttl` seconds from now."""
        now = int(self._clock.now())
        header = {"alg": "HS256", "typ": "JWT"}
        payload = {
            "sub": client_id,
            "accountId": self._account_id,
            "scope": "messages:send",
            "iat": now,
            "exp": now + int(self.ttl),
            "jti": secrets.token_hex(8),
        }
        signing_input = ".".join(
            _b64url(json.dumps(part, separators=(",", ":")).encode()) for part in (header, payload)
        )
        return f"{signing_input}.{self._sign(signing_input)}"

    def verify(self, token: str) -> dict:
        """The token's claims, or ApiError 401 (AUTH-001 invalid, AUTH-002 expired)."""
        parts = token.split(".")
        if len(parts) != 3:
            raise ApiError(401, "AUTH-001", "Invalid access token")
        signing_input = f"{parts[0]}.{parts[1]}"
        # Compare bytes: compare_digest refuses str with non-ASCII characters.
        if not hmac.compare_digest(self._sign(signing_input).encode(), parts[2].encode("utf-8", "replace")):
            raise ApiError(401, "AUTH-001", "Invalid access token")
        try:
            claims = json.loads(_b64url_decode(parts[1]))
        except (ValueError, UnicodeDecodeError):
            raise ApiError(401, "AUTH-001", "Invalid access token") from None
        if not isinstance(claims, dict) or not isinstance(claims.get("exp"), int):
            raise ApiError(401, "AUTH-001", "Invalid access token")
        if claims["exp"] <= self._clock.now():
            raise ApiError(401, "AUTH-002", "Access token has expired")
        return claims

    def authenticate(self, authorization: str | None) -> dict:
        """Claims from an `Authorization: Bearer <token>` header (scheme case-insensitive)."""
        if not authorization:
            raise ApiError(401, "AUTH-001", "Missing Authorization header")
        scheme, _, token = authorization.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError(401, "AUTH-001", "Authorization must be 'Bearer <token>'")
        return self.verify(token.strip())
