"""`ApiSession`: what every call to the Sakari API goes through, beneath `SakariClient`'s operations.

One connection pool (httpx, loaded on the first request), the access token (renewed once on a
401), one bounded exchange per request (see `exchange.py`), reads retried, and answers parsed
into models: a malformed answer is `BadResponse`, never a pydantic error. With a `budget`
(`budget.py`), every request, the token's included, takes its turn from it, and a 429 holds
back every process that shares it.
"""

from __future__ import annotations

import asyncio
import importlib
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar
from urllib.parse import quote

from pydantic import BaseModel, ValidationError

from .. import __version__
from ..logs import register_secret
from .auth import TokenManager
from .body import ACCEPT_ENCODING, DEFAULT_MAX_RESPONSE_BYTES
from .errors import AuthError, BadResponse
from .exchange import bounded_exchange
from .http_stack import load_httpx
from .models import Page, Pagination, TokenResponse, build_validators
from .retry import RetryPolicy, with_retries
from .server_clock import ServerClock
from .transport import error_for_response, parse_retry_after, success_body
from .urls import DEFAULT_API_URL, DEFAULT_TOKEN_URL

if TYPE_CHECKING:
    import httpx

    from .budget import RequestBudget

DEFAULT_TIMEOUT_S = 20.0
# For a whole exchange; `timeout` bounds each network read, and a drip of one byte a second
# passes every one of those.
DEFAULT_DEADLINE_S = 30.0
# Items of a list page validated between two turns of the event loop (see `_page`).
VALIDATE_CHUNK = 25
# What httpx loads on its first connection, not on import (see `prepare`).
_FIRST_REQUEST_MODULES = ("anyio._backends._asyncio", "httpcore._backends.anyio")

M = TypeVar("M", bound=BaseModel)


class ApiSession:
    """The connection, credentials and plumbing of a `SakariClient` (which adds the operations)."""

    def __init__(
        self,
        *,
        account_id: str,
        client_id: str,
        client_secret: str,
        api_url: str = DEFAULT_API_URL,
        token_url: str = DEFAULT_TOKEN_URL,
        timeout: float = DEFAULT_TIMEOUT_S,
        deadline: float = DEFAULT_DEADLINE_S,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.time,
        read_retry: RetryPolicy | None = None,
        budget: RequestBudget | None = None,
    ) -> None:
        if deadline <= 0 or max_response_bytes <= 0:
            raise ValueError("deadline and max_response_bytes must be positive")
        register_secret(client_secret)  # whatever quotes it (a log line, a server's error) is masked
        self.account_id = account_id
        self.api_url = api_url.rstrip("/")
        self.token_url = token_url
        self.deadline = deadline
        """Seconds one request may take in all, connect to last byte; past it, `ApiSlow`."""
        self.max_response_bytes = max_response_bytes
        """The largest decoded answer read (a call may allow more, e.g. a file download)."""
        self._client_id = client_id
        self._client_secret = client_secret
        self._timeout = timeout
        self._transport = transport
        self._http_client: httpx.AsyncClient | None = None
        self._clock = clock
        self._server_clock = ServerClock(clock)
        self._tokens = TokenManager(self._request_token, clock=clock)
        self.read_retry = read_retry if read_retry is not None else RetryPolicy()
        self.budget = budget
        """The request budget shared with the other sakari-tui processes of this account (None: none)."""

    def __repr__(self) -> str:  # credentials stay out of reprs, logs and tracebacks
        return f"{type(self).__name__}(account_id={self.account_id!r}, api_url={self.api_url!r})"

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._http_client is not None:
            await self._http_client.aclose()

    @property
    def _http(self) -> httpx.AsyncClient:
        # httpx (and the TLS context it builds) loads on the first request, not at start-up: the
        # inbox paints its first frame from the local store a good tenth of a second sooner.
        if self._http_client is None:
            httpx = load_httpx()
            self._http_client = httpx.AsyncClient(
                timeout=httpx.Timeout(self._timeout, connect=min(self._timeout, 10.0)),
                transport=self._transport,
                headers={
                    "User-Agent": f"sakari-tui/{__version__}",
                    "Accept": "application/json",
                    "Accept-Encoding": ACCEPT_ENCODING,
                },
                follow_redirects=False,
            )
        return self._http_client

    def prepare(self) -> None:
        """Load the HTTP stack, build the TLS context and the models' validators now rather than
        on the first request. Blocking (a quarter of a second): call it from a worker thread."""
        _ = self._http
        build_validators()
        # httpcore picks its asyncio backend (anyio's) on the first connection and imports it
        # then: 25-40 ms inside the event loop, in the middle of the first sync. Private module
        # names, so a newer httpcore that moved them only loses the head start.
        for module in _FIRST_REQUEST_MODULES:
            try:
                importlib.import_module(module)
            except ImportError:
                pass

    # --- plumbing ----------------------------------------------------------------------------

    async def _send(self, request: httpx.Request, *, max_response_bytes: int | None = None) -> httpx.Response:
        """One exchange within the deadline, its body read (and decoded) under the size cap."""
        limit = max_response_bytes if max_response_bytes is not None else self.max_response_bytes
        budget = self.budget
        if budget is not None:
            await budget.take()  # before the deadline starts: waiting for a turn is not slowness
        response = await bounded_exchange(
            self._http,
            request,
            deadline=self.deadline,
            limit=limit,
            clock=self._clock,
            server_clock=self._server_clock,
        )
        if budget is not None:
            if response.status_code == 429:
                budget.rate_limited(parse_retry_after(response.headers.get("Retry-After")))
            else:
                budget.answered()
        return response

    def server_time(self) -> float | None:
        """An estimate of the Sakari server's current Unix time, from the `Date` headers of the
        latest answers (None until one carried a readable Date). Use it, not the local clock, to
        compare with times the server wrote: this machine's clock may be minutes off."""
        return self._server_clock.now()

    async def _request_token(self) -> TokenResponse:
        request = self._http.build_request(
            "POST",
            self.token_url,
            json={
                "grant_type": "client_credentials",
                "client_id": self._client_id,
                "client_secret": self._client_secret,
            },
        )
        response = await self._send(request)
        if response.status_code in (400, 401, 403):
            error = error_for_response(response)
            raise AuthError(
                "The Sakari API refused the client id and secret; check them in the settings.",
                code=error.code,
                status=response.status_code,
            )
        return self._parse(TokenResponse, success_body(response), whole=True)

    def _url(self, *segments: str, account: bool = True) -> str:
        parts = ["v1"]
        if account:
            parts += ["accounts", quote(self.account_id, safe="")]
        parts += [quote(segment, safe="") for segment in segments]
        return f"{self.api_url}/{'/'.join(parts)}"

    async def _call(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        content: bytes | None = None,
        files: Any = None,
        headers: Mapping[str, str] | None = None,
        max_response_bytes: int | None = None,
    ) -> httpx.Response:
        """One authenticated call; a 401 renews the token once and retries once.

        `max_response_bytes` overrides the client's cap for this call (a file download)."""
        token = await self._tokens.get()
        for attempt in range(2):
            request = self._http.build_request(
                method,
                url,
                params=params,
                json=json,
                content=content,
                files=files,
                headers={**(headers or {}), "Authorization": f"Bearer {token}"},
            )
            response = await self._send(request, max_response_bytes=max_response_bytes)
            if response.status_code != 401 or attempt == 1:
                break
            token = await self._tokens.renew_after_rejection(token)
        if response.status_code == 401:
            raise AuthError(
                "The Sakari API rejected the access token even after renewing it; check the credentials.",
                code=error_for_response(response).code,
                status=401,
            )
        return response

    @staticmethod
    def _parse(model: type[M], body: dict[str, Any], *, whole: bool = False) -> M:
        data = body if whole else body.get("data")
        try:
            return model.model_validate(data if data is not None else {})
        except ValidationError as exc:
            raise BadResponse(
                f"The Sakari API sent a {model.__name__} this client cannot read ({exc.error_count()} problems)."
            ) from None

    async def _one(self, model: type[M], method: str, url: str, **kwargs: Any) -> M:
        if method == "GET":
            body = await self._get(url, kwargs.get("params"))
        else:
            body = success_body(await self._call(method, url, **kwargs))
        return self._parse(model, body)

    async def _get(self, url: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """A read, retried on connect errors, 5xx and 429 (reads are safe to repeat)."""

        async def once() -> dict[str, Any]:
            return success_body(await self._call("GET", url, params=params))

        return await with_retries(once, self.read_retry, sleep=asyncio.sleep)

    async def _page(self, model: type[M], url: str, params: dict[str, Any]) -> Page[M]:
        body = await self._get(url, params)
        raw_items = body.get("data") or []
        if not isinstance(raw_items, list):
            raise BadResponse(f"The Sakari API sent a {model.__name__} list that is not a list.")
        try:
            items = []
            for start in range(0, len(raw_items), VALIDATE_CHUNK):
                if start:
                    # A page of 100 conversations is 6-15 ms of validation: keys get through between chunks.
                    await asyncio.sleep(0)
                items += [model.model_validate(item) for item in raw_items[start : start + VALIDATE_CHUNK]]
            pagination = Pagination.model_validate(body.get("pagination") or {"offset": params.get("offset", 0)})
        except ValidationError as exc:
            raise BadResponse(
                f"The Sakari API sent a {model.__name__} this client cannot read ({exc.error_count()} problems)."
            ) from None
        return Page[model](items=items, pagination=pagination, requested_offset=params.get("offset") or 0)  # type: ignore[valid-type]

    async def _first_of_list(self, model: type[M], method: str, url: str, **kwargs: Any) -> M:
        """Create operations that answer with a list envelope holding the one new item."""
        body = success_body(await self._call(method, url, **kwargs))
        data = body.get("data")
        if isinstance(data, list):
            if not data:
                raise BadResponse(f"The Sakari API created a {model.__name__} but returned none.")
            data = data[0]
        return self._parse(model, {"data": data})

    async def _delete(self, url: str) -> bool:
        response = await self._call("DELETE", url)
        if response.status_code == 204:
            return True
        body = success_body(response)
        return bool(body.get("success", True))
