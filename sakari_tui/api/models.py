"""Pydantic v2 models of every schema in Sakari's OpenAPI spec.

Field names are snake_case in Python and camelCase on the wire. Every model keeps unknown
fields (the API adds fields without notice) and tolerates the drifts noted in
shared/sakari-api-notes.md: `closed` as a bool or a timestamp, `requested/valid/invalid` or the
older `queued`, optional `totalCount`/`hasNext`, status as an open set of strings, embedded
errors with `description` or `message`.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from enum import Enum
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic.alias_generators import to_camel

_log = logging.getLogger(__name__)

EARLIEST = datetime(1000, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(9998, 12, 31, 23, 59, 59, tzinfo=timezone.utc)
"""The range of times the app takes from the API; see `_within_years`."""


def _within_years(value: datetime) -> datetime:
    """A time from the API as an aware datetime within the years 1000-9998 (UTC when it gave no zone).

    Sakari's Go backend sends its zero time (0001-01-01T00:00:00Z) for unset times and may send
    9999-12-31T23:59:59Z for "never": such years overflow local time (year 0 west of UTC, 10000
    east of it) and do not keep four digits in every strftime. Clamped to the bounds rather than
    dropped to None, so that what a value means stays: a contact with any `blocked` time is opted
    out, a zero time sorts oldest and "never" newest; only the (meaningless) exact moment moves.
    """
    moment = value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
    if EARLIEST <= moment <= LATEST:
        return moment
    bound = EARLIEST if moment < EARLIEST else LATEST
    _log.info(
        "A time from the API outside the years 1000-9998 (%s) is taken as %s.", value.isoformat(), bound.isoformat()
    )
    return bound


Moment = Annotated[datetime, AfterValidator(_within_years)]
"""Every time a wire model reads: aware, within the years 1000-9998 (see `_within_years`)."""


class ApiModel(BaseModel):
    """Base for wire models: camelCase aliases, unknown fields kept, snake_case accepted too."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="allow",
        coerce_numbers_to_str=True,
        # Validators are built on first use, not at import: the inbox's first frame needs none.
        defer_build=True,
    )

    def to_wire(self) -> dict[str, Any]:
        """The JSON body the API expects: camelCase, without unset fields."""
        return self.model_dump(by_alias=True, exclude_none=True, mode="json")


# --- common pieces -------------------------------------------------------------------------


class Actor(ApiModel):
    """Who created or updated something (`Updated.by`)."""

    id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    name: str | None = None
    email: str | None = None


class Updated(ApiModel):
    """A timestamp and the actor behind it (`created`, `updated`)."""

    at: Moment | None = None
    by: Actor | None = None


class EmbeddedError(ApiModel):
    """An error attached to a contact or message: `{code, description}` (sometimes `message`)."""

    code: str | None = None
    description: str | None = None
    message: str | None = None

    @property
    def text(self) -> str:
        """The human part of the error, whichever field carried it."""
        return self.description or self.message or self.code or "unknown error"


class Pagination(ApiModel):
    offset: int = 0
    limit: int | None = None
    total_count: int | None = None
    has_next: bool | None = None


# --- contacts ------------------------------------------------------------------------------

OPTED_OUT_TAG = "opted-out"
"""The tag this app puts on a contact the user marked as opted out (Sakari has no call for that)."""
OPTED_OUT_AT_ATTRIBUTE = "optedOutAt"
"""The attribute holding when the user marked the contact opted out (ISO 8601, UTC)."""


class Mobile(ApiModel):
    number: str | None = None
    country: str | None = None
    verified: Moment | None = None
    valid: bool | None = None
    line_type: str | None = None


class Tag(ApiModel):
    tag: str
    visible: bool | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_plain_string(cls, value: Any) -> Any:
        # Some payloads (and people) give tags as bare strings.
        return {"tag": value} if isinstance(value, str) else value


class ContactIdentifiers(ApiModel):
    id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    mobile: Mobile | None = None

    @property
    def display_name(self) -> str:
        """'First Last', or the number when the contact has no name."""
        name = " ".join(part for part in (self.first_name, self.last_name) if part)
        if name.strip():
            return name.strip()
        if self.mobile and self.mobile.number:
            return self.mobile.number
        return self.id or "unknown contact"


class ContactRequest(ContactIdentifiers):
    attributes: dict[str, Any] | None = None
    tags: list[Tag] | None = None


class Contact(ContactRequest):
    created: Updated | None = None
    updated: Updated | None = None
    error: EmbeddedError | None = None
    valid: bool | None = None
    opt_in: Moment | None = None
    blocked: Moment | None = None

    @property
    def opted_out(self) -> bool:
        """True when the contact has asked for no more texts: Sakari sets `blocked`, or a user of
        this app marked it with the `opted-out` tag (any case)."""
        return self.blocked is not None or self.marked_opted_out

    @property
    def marked_opted_out(self) -> bool:
        """A user of this app marked the contact opted out (the `opted-out` tag, any case)."""
        return any(tag.tag.strip().casefold() == OPTED_OUT_TAG for tag in self.tags or ())


class ContactUploadResult(ApiModel):
    """The answer to a CSV contact upload."""

    contacts: list[Contact] = Field(default_factory=list)
    errors: list[Contact] = Field(default_factory=list)
    inserted: int | None = None
    submitted: int | None = None
    success: int | None = None
    updated: int | None = None


# --- messages ------------------------------------------------------------------------------


class MessageStatus(str, Enum):
    """Known delivery states. The wire value is an open set; unknown ones map to UNKNOWN."""

    NEW = "new"
    VALIDATED = "validated"
    QUEUED = "queued"
    SENT = "sent"
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    ERROR = "error"
    INVALID = "invalid"
    RECEIVED = "received"
    UNKNOWN = "unknown"

    @classmethod
    def parse(cls, value: str | None) -> MessageStatus:
        if not value:
            return cls.UNKNOWN
        try:
            return cls(value.strip().lower())
        except ValueError:
            return cls.UNKNOWN


class MediaItem(ApiModel):
    url: str | None = None
    type: str | None = None
    filename: str | None = None
    name: str | None = None


class ConversationRef(ApiModel):
    id: str | None = None


class Message(ApiModel):
    id: str | None = None
    contact: ContactIdentifiers | None = None
    conversation: ConversationRef | None = None
    phone_number: str | None = None
    message: str | None = None
    template: str | None = None
    outgoing: bool = False
    status: str | None = None
    read: bool | None = None
    segments: float | None = None
    price: float | None = None
    media: list[MediaItem] = Field(default_factory=list)
    error: EmbeddedError | None = None
    created: Updated | None = None
    updated: Updated | None = None
    type: str | None = None
    send_at: Moment | None = None

    @field_validator("phone_number", mode="before")
    @classmethod
    def _phone_number_from_object(cls, value: Any) -> Any:
        # The spec says a string; webhook-style payloads carry a {number, country} object.
        if isinstance(value, dict):
            return value.get("number")
        return value

    @field_validator("media", mode="before")
    @classmethod
    def _media_null_is_empty(cls, value: Any) -> Any:
        return [] if value is None else value

    @property
    def status_kind(self) -> MessageStatus:
        return MessageStatus.parse(self.status)

    @property
    def created_at(self) -> datetime | None:
        return self.created.at if self.created else None


class SendMessagesRequest(ApiModel):
    contacts: list[ContactRequest] | None = None
    conversations: list[str] | None = None
    filters: dict[str, Any] | None = None
    phone_number_filter: dict[str, Any] | None = None
    template: str | None = None
    type: Literal["SMS", "MMS"] | None = None
    media: list[MediaItem] | None = None
    conversation_strategy: str | None = None


class SendMessagesResult(ApiModel):
    messages: list[Message] = Field(default_factory=list)
    job_id: str | None = None
    requested: int | None = None
    valid: int | None = None
    invalid: list[Contact] = Field(default_factory=list)
    estimated_price: float | None = None
    queued: int | None = None  # older API versions reported only this count

    @field_validator("messages", "invalid", mode="before")
    @classmethod
    def _null_is_empty(cls, value: Any) -> Any:
        return [] if value is None else value


# --- conversations -------------------------------------------------------------------------


class PhoneNumber(ApiModel):
    """A Sakari sender number."""

    id: str | None = None
    number: str | None = None
    country: str | None = None
    active: bool | None = None


class Conversation(ApiModel):
    id: str
    contact: ContactIdentifiers | None = None
    phone_number: PhoneNumber | None = None
    last_message: Message | None = None
    closed: bool = False
    closed_at: Moment | None = None
    unread: list[str] = Field(default_factory=list)
    created: Updated | None = None
    updated: Updated | None = None
    type: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _closed_bool_or_timestamp(cls, data: Any) -> Any:
        # The spec says `closed: bool`; the current docs and webhooks send a timestamp or null.
        if isinstance(data, dict) and "closed" in data:
            data = dict(data)
            closed = data["closed"]
            if isinstance(closed, str):
                data["closed"] = True
                data.setdefault("closedAt", closed)
            elif closed is None:
                data["closed"] = False
        return data

    @field_validator("unread", mode="before")
    @classmethod
    def _unread_null_is_empty(cls, value: Any) -> Any:
        return [] if value is None else value

    @field_validator("phone_number", mode="before")
    @classmethod
    def _phone_number_from_string(cls, value: Any) -> Any:
        return {"number": value} if isinstance(value, str) else value


# --- templates, campaigns, webhooks, tools, auth -------------------------------------------


class TemplateRequest(ApiModel):
    name: str | None = None
    template: str | None = None
    type: str | None = None  # "SMS" or "Web"


class Template(TemplateRequest):
    id: str | None = None
    media: list[MediaItem] | None = None
    created: Updated | None = None
    updated: Updated | None = None


class CampaignTrigger(ApiModel):
    code: str | None = None  # "M" manual, "S" scheduled, "FU" file upload


class CampaignFilters(ApiModel):
    attributes: list[Any] | None = None
    contacts: list[str] | None = None
    tags: list[str] | None = None


class CampaignRequest(ApiModel):
    # `name` and `reporting` are not in the spec's schema but every sample sends them.
    name: str | None = None
    filters: CampaignFilters | None = None
    template: str | None = None
    trigger: CampaignTrigger | None = None
    reporting: dict[str, Any] | None = None


class Campaign(CampaignRequest):
    id: str | None = None


class Webhook(ApiModel):
    url: str | None = None
    event_types: list[str] = Field(default_factory=list)
    id: str | None = None
    type: str | None = None
    destination: str | None = None  # the current docs' name for `url`

    @property
    def target(self) -> str | None:
        """The callback URL, whichever field carried it."""
        return self.url or self.destination


class SharedFile(ApiModel):
    link: str
    expires: Moment | None = None


class TokenResponse(ApiModel):
    access_token: str = Field(repr=False)
    token_type: str | None = None
    expires_in: float | None = None


class AttributeFilter(ApiModel):
    name: str | None = None
    comparator: str | None = None
    value: str | None = None


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list endpoint, with what is needed to ask for the next one."""

    items: list[T]
    pagination: Pagination
    requested_offset: int = 0

    @property
    def next_offset(self) -> int | None:
        """The offset of the next page, or None when this was the last.

        Uses `hasNext` when the API sent it, else `totalCount`, else whether the page was full.
        Counted from the offset we asked for, not the one the server echoed: an echo that is
        ignored, negative or absurd must not send the next request backwards or in place.
        """
        if not self.items:
            return None
        after = max(self.requested_offset, 0) + len(self.items)
        if self.pagination.has_next is not None:
            return after if self.pagination.has_next else None
        if self.pagination.total_count is not None:
            return after if after < self.pagination.total_count else None
        if self.pagination.limit is not None and len(self.items) >= self.pagination.limit:
            return after
        return None


def build_validators() -> None:
    """Build every wire model's validator now instead of at its first use (they are deferred so
    that start-up does not pay for them); blocking, so best called from a worker thread."""
    for model in [value for value in globals().values() if isinstance(value, type) and issubclass(value, ApiModel)]:
        model.model_rebuild(force=True)


__all__ = [
    "Actor",
    "Updated",
    "EmbeddedError",
    "Pagination",
    "Mobile",
    "Tag",
    "ContactIdentifiers",
    "ContactRequest",
    "Contact",
    "ContactUploadResult",
    "MessageStatus",
    "MediaItem",
    "ConversationRef",
    "Message",
    "SendMessagesRequest",
    "SendMessagesResult",
    "PhoneNumber",
    "Conversation",
    "TemplateRequest",
    "Template",
    "CampaignTrigger",
    "CampaignFilters",
    "CampaignRequest",
    "Campaign",
    "Webhook",
    "SharedFile",
    "TokenResponse",
    "AttributeFilter",
    "Page",
    "OPTED_OUT_TAG",
    "OPTED_OUT_AT_ATTRIBUTE",
]
