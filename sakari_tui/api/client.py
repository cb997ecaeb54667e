"""`SakariClient`: a typed async client for all 26 operations of the Sakari REST API v1.

Method names follow the Ballerina `ballerinax/sakari` connector in snake_case so people coming
from it find them. List operations return one `Page`; `paginate()` (and the `iter_*`
shortcuts) walk every page, and `collect()` gathers a whole list under a cap.

Every request has one overall deadline (connect, send and the whole answer) besides httpx's
per-chunk timeout, and every answer a cap on its decoded size: a server that drips, inflates
or never ends its lists costs a bounded time and memory. The plumbing under the operations (the
connection, tokens, retries and parsing) is `session.ApiSession`; one exchange is `exchange.py`.
"""

from __future__ import annotations

import io
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from typing import Any, Literal, overload

from pydantic import ValidationError

from .errors import BadResponse, SakariError
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
    SendMessagesRequest,
    SendMessagesResult,
    SharedFile,
    Template,
    TemplateRequest,
    TokenResponse,
    Webhook,
)
from .paging import DEFAULT_MAX_PAGES, Collected, WalkOutcome, check_caps, walk_pages
from .session import DEFAULT_API_URL, DEFAULT_TOKEN_URL, ApiSession, M
from .session import DEFAULT_DEADLINE_S as DEFAULT_DEADLINE_S
from .session import DEFAULT_TIMEOUT_S as DEFAULT_TIMEOUT_S
from .transport import success_body

MAX_PAGE_SIZE = 100
# How much of an upload is handed to the connection between two progress reports.
UPLOAD_CHUNK = 64 * 1024
MergeStrategy = Literal["append", "core", "remove"]

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


class SakariClient(ApiSession):
    """Async client. Use as ``async with SakariClient(...) as client:`` (one connection pool).

    Constructed with the account and credentials (see `ApiSession`); each method is one API operation."""

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
        progress: Callable[[int, int], None] | None = None,
    ) -> SharedFile:
        """Host a file with Sakari and get a short link (for MMS media or inline in a text).

        `progress(sent, total)` is called as the bytes are handed to the connection (from 0 again
        if the request is made again after a token renewal); it must not raise."""
        url = f"{self.api_url}/v1/tools/sharefile"
        if multipart:
            media = data if progress is None else _ReportingFile(data, progress)
            return await self._one(SharedFile, "POST", url, files={"media": (filename, media, content_type)})
        body = data if progress is None else _ReportingChunks(data, progress)
        return await self._one(
            SharedFile,
            "POST",
            url,
            content=body,
            headers={"Content-Type": "application/octet-stream", "Content-Length": str(len(data))},
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


class _ReportingFile(io.BytesIO):
    """An upload's bytes as the file httpx's multipart encoder reads (it knows the length from
    seek/tell, and rewinds it for a second attempt), saying how far each read got."""

    def __init__(self, data: bytes, progress: Callable[[int, int], None]) -> None:
        super().__init__(data)
        self._total = len(data)
        self._progress = progress
        self._reported = -1

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        if self.tell() != self._reported:
            self._reported = self.tell()
            self._progress(self._reported, self._total)
        return chunk


class _ReportingChunks:
    """A raw upload body in chunks, saying how far each got; iterable again for a second attempt."""

    def __init__(self, data: bytes, progress: Callable[[int, int], None]) -> None:
        self._data = data
        self._progress = progress

    async def __aiter__(self) -> AsyncIterator[bytes]:  # only async: httpx takes an iterable as a sync body
        total = len(self._data)
        self._progress(0, total)
        for start in range(0, total, UPLOAD_CHUNK):
            yield self._data[start : start + UPLOAD_CHUNK]
            self._progress(min(start + UPLOAD_CHUNK, total), total)


__all__ = ["SakariClient", "SakariError", "DEFAULT_API_URL", "DEFAULT_TOKEN_URL"]
