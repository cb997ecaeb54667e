"""Conversations: a contact and a sender number, their newest message, unread and closed state."""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator, model_validator

from .base import ApiModel, Moment, Updated
from .contacts import ContactIdentifiers
from .messages import Message


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
