"""Access tokens: fetched from the token URL, reused until shortly before they expire.

Sakari documents no token lifetime, so it comes from the JWT's claims (read, not verified: we
only need to know when to renew), else from `expires_in`, else a safe default. The lifetime is
counted on our own clock: comparing the server's absolute `exp` with a local clock that runs
fast would make every call fetch a new token.
Many concurrent calls share one refresh: the first caller fetches, the others wait for it.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from ..logs import register_token
from .models import TokenResponse

DEFAULT_LIFETIME_S = 30 * 60
# Renew this long before expiry, or a tenth of the lifetime before it, whichever is smaller.
REFRESH_MARGIN_S = 60.0


@dataclass(frozen=True)
class AccessToken:
    value: str
    issued_at: float
    expires_at: float

    @property
    def renew_at(self) -> float:
        """When to fetch the next token: a margin before expiry, smaller for short-lived tokens."""
        lifetime = max(0.0, self.expires_at - self.issued_at)
        return self.expires_at - min(REFRESH_MARGIN_S, lifetime * 0.1)

    def __repr__(self) -> str:  # never print the token itself
        return f"AccessToken(expires_at={self.expires_at!r})"


def _jwt_time_claim(token: str, name: str) -> float | None:
    parts = token.split(".")
    if len(parts) != 3:
        return None
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    value = claims.get(name) if isinstance(claims, dict) else None
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def jwt_expiry(token: str) -> float | None:
    """The `exp` claim of a JWT as a Unix time, or None if the token is not a readable JWT."""
    return _jwt_time_claim(token, "exp")


def token_expiry(response: TokenResponse, now: float) -> float:
    """When a token issued at `now` (our clock) stops working.

    Relative lifetimes (`exp - iat`, then `expires_in`) come first because they survive a skew
    between our clock and the server's; the absolute `exp` is the last resort.
    """
    exp = jwt_expiry(response.access_token)
    iat = _jwt_time_claim(response.access_token, "iat")
    if exp is not None and iat is not None and exp > iat:
        return now + (exp - iat)
    if response.expires_in and response.expires_in > 0:
        return now + response.expires_in
    if exp is not None:
        return exp
    return now + DEFAULT_LIFETIME_S


class TokenManager:
    """Holds the current token and renews it early, one refresh at a time."""

    def __init__(
        self, fetch: Callable[[], Awaitable[TokenResponse]], *, clock: Callable[[], float] = time.time
    ) -> None:
        self._fetch = fetch
        self._clock = clock
        self._token: AccessToken | None = None
        self._lock = asyncio.Lock()

    def _fresh(self, token: AccessToken | None) -> bool:
        return token is not None and self._clock() < token.renew_at

    async def get(self) -> str:
        """A usable access token, fetching or renewing it if needed."""
        token = self._token
        if self._fresh(token):
            return token.value  # type: ignore[union-attr]
        async with self._lock:
            if not self._fresh(self._token):
                await self._refresh()
            return self._token.value  # type: ignore[union-attr]

    async def renew_after_rejection(self, rejected: str) -> str:
        """Called after a 401: renew unless another caller already did since `rejected` was used."""
        async with self._lock:
            if self._token is None or self._token.value == rejected:
                await self._refresh()
            return self._token.value  # type: ignore[union-attr]

    def forget(self) -> None:
        self._token = None

    async def _refresh(self) -> None:
        now = self._clock()
        response = await self._fetch()
        register_token(response.access_token)  # the log redacts it from now on
        self._token = AccessToken(response.access_token, now, token_expiry(response, now))
