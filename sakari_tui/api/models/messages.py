"""Messages: what was sent or received, its delivery state, and the send request and its answer."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field, field_validator

from ..message_status import MessageStatus as MessageStatus
from .base import ApiModel, EmbeddedError, Moment, Updated
from .contacts import Contact, ContactIdentifiers, ContactRequest


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
