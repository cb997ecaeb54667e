"""Contacts: who a conversation is with, their numbers and tags, and whether they opted out."""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from ..contact_marks import OPTED_OUT_AT_ATTRIBUTE as OPTED_OUT_AT_ATTRIBUTE
from ..contact_marks import OPTED_OUT_TAG as OPTED_OUT_TAG
from .base import ApiModel, EmbeddedError, Moment, Updated


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
