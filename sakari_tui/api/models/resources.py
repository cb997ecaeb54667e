"""The account's other resources: templates, campaigns, webhooks, shared files and access tokens."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from .base import ApiModel, Moment, Updated
from .messages import MediaItem


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
