"""`SakariClient`: a typed async client for all 26 operations of the Sakari REST API v1.

Method names follow the Ballerina `ballerinax/sakari` connector in snake_case so people coming
from it find them. List operations return one `Page`; `paginate()` (and the `iter_*`
shortcuts) walk every page, and `collect()` gathers a whole list under a cap.

Every request has one overall deadline (connect, send and the whole answer) besides httpx's
per-chunk timeout, and every answer a cap on its decoded size: a server that drips, inflates
or never ends its lists costs a bounded time and memory.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload
from urllib.parse import quote

from pydantic import BaseModel, ValidationError

from .. import __version__
from ..logs import register_secret
from .auth import TokenManager
from .body import ACCEPT_ENCODING, DEFAULT_MAX_RESPONSE_BYTES, read_body
from .errors import ApiSlow, AuthError, BadResponse, SakariError
from .models import (
    ApiModel,
    Campaign,
    CampaignRequest,
    Contact,
    ContactRequest,
    ContactUploadResult,
    Conversation,
    Message,
    Page,
    Pagination,
    SendMessagesRequest,
    SendMessagesResult,
    SharedFile,
    Template,
    TemplateRequest,
    TokenResponse,
    Webhook,
    build_validators,
)
from .paging import DEFAULT_MAX_PAGES, Collected, WalkOutcome, check_caps, walk_pages
from .retry import RetryPolicy, with_retries
from .server_clock import ServerClock
from .transport import error_for_response, error_for_transport, success_body

if TYPE_CHECKING:
    import httpx

DEFAULT_API_URL = "https://api.sakari.io"
# The token endpoint has no /v1 prefix (older copies of the spec got this wrong).
DEFAULT_TOKEN_URL = "https://api.sakari.io/oauth2/token"
DEFAULT_TIMEOUT_S = 20.0
# For a whole exchange; `timeout` bounds each network read, and a drip of one byte a second
# passes every one of those.
DEFAULT_DEADLINE_S = 30.0
MAX_PAGE_SIZE = 100
# What httpx loads on its first connection, not on import (see `prepare`).
_FIRST_REQUEST_MODULES = ("anyio._backends._asyncio", "httpcore._backends.anyio")

M = TypeVar("M", bound=BaseModel)
MergeStrategy = Literal["append", "core", "remove"]
# Headers that describe the body as it travelled, not the decoded body a response is rebuilt with.
_WIRE_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})

_log = logging.getLogger(__name__)


def _body(value: ApiModel | Mapping[str, Any] | None) -> dict[str, Any] | None:
    if value is None:
        return None
    if isinstance(value, ApiModel):
        return value.to_wire()
    return dict(value)


def _query(**filters: Any) -> dict[str, Any]:
    """Query parameters without the unset ones; lists (e.g. tags) become comma-separated."""
    query: dict[str, Any] = {}
    for key, value in filters.items():
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            value = ",".join(str(v) for v in value)
        query[key] = value
    return query


class SakariClient:
    """Async client. Use as ``async with SakariClient(...) as client:`` (one connection pool)."""

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

    def __repr__(self) -> str:  # credentials stay out of reprs, logs and tracebacks
        return f"SakariClient(account_id={self.account_id!r}, api_url={self.api_url!r})"

    async def __aenter__(self) -> SakariClient:
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
            import httpx

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
        progress = _SendProgress()
        request.extensions["trace"] = progress.trace
        try:
            async with asyncio.timeout(self.deadline):
                return await self._exchange(request, limit)
        except TimeoutError:
            host = request.url.host or str(request.url)
            raise ApiSlow(
                f"The Sakari API at {host} took longer than {self.deadline:g} s to answer.",
                request_sent=progress.may_have_sent,
            ) from None

    async def _exchange(self, request: httpx.Request, limit: int) -> httpx.Response:
        import httpx  # loaded by now (see `_http`); a local name keeps start-up free of it

        asked_at = self._clock()
        try:
            streamed = await self._http.send(request, stream=True)
        except httpx.HTTPError as exc:
            raise error_for_transport(exc, request.url) from None
        try:
            if streamed.status_code < 500:  # a 5xx may come from a gateway, on another clock
                self._server_clock.observe(streamed.headers.get("Date"), asked_at, self._clock())
            try:
                body = await read_body(streamed, limit)
            except BadResponse:
                if streamed.status_code < 400:
                    raise
                body = b""  # an error's status says enough; its oversized or garbled text is not needed
            except httpx.HTTPError as exc:
                raise error_for_transport(exc, request.url) from None
        finally:
            await streamed.aclose()
        headers = [(name, value) for name, value in streamed.headers.multi_items() if name.lower() not in _WIRE_HEADERS]
        return httpx.Response(
            streamed.status_code, headers=headers, content=body, request=request, extensions=streamed.extensions
        )

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
            items = [model.model_validate(item) for item in raw_items]
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

    # --- authentication ---------------------------------------------------------------------

    async def auth_token(self) -> TokenResponse:
        """Exchange the client id and secret for a new access token (the client does this itself)."""
        return await self._request_token()

    # --- contacts ---------------------------------------------------------------------------

    async def fetch_all_contacts(
        self,
        *,
        offset: int | None = None,
        limit: int | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
        mobile: str | None = None,
        email: str | None = None,
        tags: str | Sequence[str] | None = None,
    ) -> Page[Contact]:
        """One page of contacts; the name, mobile and email filters match substrings."""
        params = _query(
            offset=offset, limit=limit, firstName=first_name, lastName=last_name, mobile=mobile, email=email, tags=tags
        )
        return await self._page(Contact, self._url("contacts"), params)

    @overload
    async def create_contact(
        self, contact: ContactRequest | Mapping[str, Any], *, merge_strategy: MergeStrategy | None = None
    ) -> list[Contact]: ...
    @overload
    async def create_contact(
        self, contact: str, *, merge_strategy: MergeStrategy | None = None
    ) -> ContactUploadResult: ...

    async def create_contact(
        self, contact: ContactRequest | Mapping[str, Any] | str, *, merge_strategy: MergeStrategy | None = None
    ) -> list[Contact] | ContactUploadResult:
        """Create (or merge) a contact; a `str` is uploaded as CSV and gives an upload summary."""
        params = _query(mergeStrategy=merge_strategy)
        if isinstance(contact, str):
            response = await self._call(
                "POST",
                self._url("contacts"),
                params=params,
                content=contact.encode(),
                headers={"Content-Type": "text/csv"},
            )
            return self._parse(ContactUploadResult, success_body(response))
        body = success_body(await self._call("POST", self._url("contacts"), params=params, json=_body(contact)))
        data = body.get("data")
        if isinstance(data, dict) and "contacts" in data:  # the upload-summary shape
            return self._parse(ContactUploadResult, body).contacts
        items = data if isinstance(data, list) else [data]
        try:
            return [Contact.model_validate(item) for item in items if item is not None]
        except ValidationError:
            raise BadResponse("The Sakari API sent a Contact this client cannot read.") from None

    async def fetch_contact(self, contact_id: str) -> Contact:
        return await self._one(Contact, "GET", self._url("contacts", contact_id))

    async def update_contact(self, contact_id: str, contact: ContactRequest | Mapping[str, Any]) -> Contact:
        """Update a contact. Sends a body, which the spec forgot but the API needs."""
        return await self._one(Contact, "PUT", self._url("contacts", contact_id), json=_body(contact))

    async def remove_contact(self, contact_id: str) -> bool:
        return await self._delete(self._url("contacts", contact_id))

    # --- messages ---------------------------------------------------------------------------

    async def fetch_all_messages(
        self,
        *,
        offset: int | None = None,
        limit: int | None = None,
        contact_id: str | None = None,
        conversation_id: str | None = None,
    ) -> Page[Message]:
        params = _query(offset=offset, limit=limit, contactId=contact_id, conversationId=conversation_id)
        return await self._page(Message, self._url("messages"), params)

    async def send_message(
        self,
        request: SendMessagesRequest | Mapping[str, Any] | None = None,
        *,
        template: str | None = None,
        conversations: Sequence[str] | None = None,
        contacts: Sequence[ContactRequest | Mapping[str, Any]] | None = None,
        media_urls: Sequence[str] | None = None,
    ) -> SendMessagesResult:
        """Send a message: a full request, or the shortcut keywords.

        ``send_message(template="Hi", conversations=[conversation_id])`` replies in a conversation;
        ``contacts=[{"mobile": {"number": "+1…"}}]`` texts a number (starting a conversation).
        """
        if request is None:
            request = SendMessagesRequest(
                template=template,
                conversations=list(conversations) if conversations else None,
                contacts=[c if isinstance(c, ContactRequest) else ContactRequest.model_validate(c) for c in contacts]
                if contacts
                else None,
                type="MMS" if media_urls else "SMS",
                media=[{"url": url} for url in media_urls] if media_urls else None,  # type: ignore[misc]
            )
        return await self._one(SendMessagesResult, "POST", self._url("messages"), json=_body(request))

    async def fetch_message(self, message_id: str) -> Message:
        return await self._one(Message, "GET", self._url("messages", message_id))

    # --- templates --------------------------------------------------------------------------

    async def fetch_all_templates(
        self, *, offset: int | None = None, limit: int | None = None, name: str | None = None
    ) -> Page[Template]:
        return await self._page(Template, self._url("templates"), _query(offset=offset, limit=limit, name=name))

    async def create_template(self, template: TemplateRequest | Mapping[str, Any]) -> Template:
        return await self._first_of_list(Template, "POST", self._url("templates"), json=_body(template))

    async def fetch_template(self, template_id: str) -> Template:
        return await self._one(Template, "GET", self._url("templates", template_id))

    async def update_template(self, template_id: str, template: TemplateRequest | Mapping[str, Any]) -> Template:
        return await self._one(Template, "PUT", self._url("templates", template_id), json=_body(template))

    async def remove_template(self, template_id: str) -> bool:
        return await self._delete(self._url("templates", template_id))

    # --- campaigns --------------------------------------------------------------------------

    async def fetch_all_campaigns(
        self, *, offset: int | None = None, limit: int | None = None, name: str | None = None
    ) -> Page[Campaign]:
        return await self._page(Campaign, self._url("campaigns"), _query(offset=offset, limit=limit, name=name))

    async def create_campaign(self, campaign: CampaignRequest | Mapping[str, Any]) -> Campaign:
        return await self._first_of_list(Campaign, "POST", self._url("campaigns"), json=_body(campaign))

    async def fetch_campaign(self, campaign_id: str) -> Campaign:
        return await self._one(Campaign, "GET", self._url("campaigns", campaign_id))

    async def update_campaign(self, campaign_id: str, campaign: CampaignRequest | Mapping[str, Any]) -> Campaign:
        return await self._one(Campaign, "PUT", self._url("campaigns", campaign_id), json=_body(campaign))

    async def remove_campaign(self, campaign_id: str) -> bool:
        return await self._delete(self._url("campaigns", campaign_id))

    # --- conversations ----------------------------------------------------------------------

    async def fetch_all_conversations(
        self, *, offset: int | None = None, limit: int | None = None
    ) -> Page[Conversation]:
        return await self._page(Conversation, self._url("conversations"), _query(offset=offset, limit=limit))

    async def fetch_conversation(self, conversation_id: str) -> Conversation:
        return await self._one(Conversation, "GET", self._url("conversations", conversation_id))

    async def close_conversation(self, conversation_id: str) -> Conversation:
        return await self._one(Conversation, "PUT", self._url("conversations", conversation_id, "close"))

    # --- tools ------------------------------------------------------------------------------

    async def share_file(
        self,
        data: bytes,
        *,
        filename: str = "file",
        content_type: str = "application/octet-stream",
        multipart: bool = False,
    ) -> SharedFile:
        """Host a file with Sakari and get a short link (for MMS media or inline in a text)."""
        url = f"{self.api_url}/v1/tools/sharefile"
        if multipart:
            return await self._one(SharedFile, "POST", url, files={"media": (filename, data, content_type)})
        return await self._one(
            SharedFile, "POST", url, content=data, headers={"Content-Type": "application/octet-stream"}
        )

    # --- webhooks ---------------------------------------------------------------------------

    async def fetch_all_webhooks(self, *, offset: int | None = None, limit: int | None = None) -> Page[Webhook]:
        return await self._page(Webhook, self._url("webhooks"), _query(offset=offset, limit=limit))

    async def subscribe_webhook(self, url: str, event_types: Sequence[str]) -> Webhook:
        body = {"url": url, "eventTypes": list(event_types)}
        return await self._one(Webhook, "POST", self._url("webhooks"), json=body)

    async def unsubscribe_webhook(self, url: str) -> bool:
        """Remove a subscription; the callback URL travels percent-encoded in the path."""
        return await self._delete(self._url("webhooks", url))

    # --- pagination -------------------------------------------------------------------------

    async def paginate(
        self,
        fetch_page: Callable[..., Awaitable[Page[M]]],
        *,
        page_size: int = MAX_PAGE_SIZE,
        start: int = 0,
        max_pages: int = DEFAULT_MAX_PAGES,
        max_items: int | None = None,
        **filters: Any,
    ) -> AsyncIterator[M]:
        """Every item of a list operation, page by page: ``async for c in client.paginate(client.fetch_all_contacts)``.

        Each item comes once (by id). The walk stops when a page brings only items already seen,
        when the offset would not advance, or after `max_pages` pages (`max_items` items): the
        server is not trusted to end its list. `collect()` says which of these happened.
        """
        outcome = WalkOutcome()
        async for item in walk_pages(
            fetch_page,
            outcome,
            page_size=page_size,
            start=start,
            max_pages=max_pages,
            max_items=max_items,
            filters=filters,
        ):
            yield item
        if outcome.reason:
            _log.warning("%s", outcome.reason)

    async def collect(
        self,
        fetch_page: Callable[..., Awaitable[Page[M]]],
        *,
        max_items: int | None = None,
        max_pages: int = DEFAULT_MAX_PAGES,
        page_size: int = MAX_PAGE_SIZE,
        **filters: Any,
    ) -> Collected[M]:
        """A whole list, under the caps of `paginate()`; `complete` False and a one-sentence
        `reason` when the walk stopped before the end (e.g. "Stopped after 1,000 templates; the
        Sakari API kept offering more.")."""
        check_caps(max_pages, max_items)
        outcome = WalkOutcome()
        items = [
            item
            async for item in walk_pages(
                fetch_page,
                outcome,
                page_size=page_size,
                start=0,
                max_pages=max_pages,
                max_items=max_items,
                filters=filters,
            )
        ]
        if outcome.reason:
            _log.warning("%s", outcome.reason)
        return Collected(items, complete=outcome.reason is None, reason=outcome.reason)

    def iter_contacts(self, **filters: Any) -> AsyncIterator[Contact]:
        return self.paginate(self.fetch_all_contacts, **filters)

    def iter_messages(self, **filters: Any) -> AsyncIterator[Message]:
        return self.paginate(self.fetch_all_messages, **filters)

    def iter_conversations(self, **filters: Any) -> AsyncIterator[Conversation]:
        return self.paginate(self.fetch_all_conversations, **filters)

    def iter_templates(self, **filters: Any) -> AsyncIterator[Template]:
        return self.paginate(self.fetch_all_templates, **filters)

    def iter_campaigns(self, **filters: Any) -> AsyncIterator[Campaign]:
        return self.paginate(self.fetch_all_campaigns, **filters)

    def iter_webhooks(self, **filters: Any) -> AsyncIterator[Webhook]:
        return self.paginate(self.fetch_all_webhooks, **filters)


class _SendProgress:
    """Follows an exchange through httpcore's trace events, to tell whether the request may have
    reached the server when the deadline cut it short."""

    def __init__(self) -> None:
        self._events = 0
        self._sending = False

    async def trace(self, name: str, info: Mapping[str, Any]) -> None:
        self._events += 1
        if name.endswith("send_request_headers.started"):
            self._sending = True

    @property
    def may_have_sent(self) -> bool:
        # No events at all: a transport that does not trace (or a wait for the pool); say maybe.
        return self._sending or self._events == 0


__all__ = ["SakariClient", "SakariError", "DEFAULT_API_URL", "DEFAULT_TOKEN_URL"]
