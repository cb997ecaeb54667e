"""Pydantic v2 models of every schema in Sakari's OpenAPI spec.

Field names are snake_case in Python and camelCase on the wire. Every model keeps unknown
fields (the API adds fields without notice) and tolerates the drifts noted in
shared/sakari-api-notes.md: `closed` as a bool or a timestamp, `requested/valid/invalid` or the
older `queued`, optional `totalCount`/`hasNext`, status as an open set of strings, embedded
errors with `description` or `message`.
"""

# Kept here but outside `__all__` (not for `from sakari_tui.api import *`): the time bounds and
# the base, which callers and tests still import from this module.
from .base import EARLIEST as EARLIEST
from .base import LATEST as LATEST
from .base import Actor, ApiModel, EmbeddedError, Updated
from .base import Moment as Moment
from .contacts import (
    OPTED_OUT_AT_ATTRIBUTE,
    OPTED_OUT_TAG,
    Contact,
    ContactIdentifiers,
    ContactRequest,
    ContactUploadResult,
    Mobile,
    Tag,
)
from .conversations import Conversation, PhoneNumber
from .messages import ConversationRef, MediaItem, Message, MessageStatus, SendMessagesRequest, SendMessagesResult
from .pages import Page, Pagination
from .resources import (
    AttributeFilter,
    Campaign,
    CampaignFilters,
    CampaignRequest,
    CampaignTrigger,
    SharedFile,
    Template,
    TemplateRequest,
    TokenResponse,
    Webhook,
)


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
