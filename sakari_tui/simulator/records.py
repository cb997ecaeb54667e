"""In-memory records of the simulated account. Times are epoch seconds; JSON shaping is in serialize."""

from __future__ import annotations

from dataclasses import dataclass, field

#: Who created or changed a record, in the spec's `Updated.by` shape.
Actor = dict[str, str]

#: Contacts, templates and campaigns written through the API.
API_ACTOR: Actor = {"id": "api", "firstName": "Sakari", "lastName": "API"}
#: Messages sent through the API (POST /messages): Sakari names no person for them.
API_SENDER: Actor = {"id": "api", "source": "api"}


def autoresponder_actor(group_id: str, group_name: str) -> Actor:
    """A Group's auto-responder that answers any inbound text, as `created.by` of its replies."""
    return {
        "id": f"autoresponder-{group_id}",
        "name": f"{group_name} auto-responder",
        "source": "autoresponder",
        "subSource": "any",
    }


def campaign_actor(campaign_id: str, name: str) -> Actor:
    """A campaign, as `created.by` of the texts it sent."""
    return {"id": campaign_id, "name": name, "source": "campaign"}


@dataclass
class ContactRecord:
    """A contact; `mobile` is E.164 and unique among live contacts."""

    id: str
    mobile: str
    country: str
    created_at: float
    updated_at: float
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    attributes: dict = field(default_factory=dict)
    tags: list[dict] = field(default_factory=list)
    created_by: Actor | None = None
    updated_by: Actor | None = None
    opt_in_at: float | None = None
    blocked_at: float | None = None
    # Soft delete: conversations and messages keep showing who they were with.
    removed: bool = False


@dataclass
class ConversationRecord:
    """A thread between one contact and one Sakari number."""

    id: str
    contact_id: str
    sender_id: str
    created_at: float
    updated_at: float
    closed_at: float | None = None
    # Chronological; the last one is `lastMessage`.
    message_ids: list[str] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        """True until the conversation is closed."""
        return self.closed_at is None


@dataclass
class MessageRecord:
    """One SMS or MMS, either way; `seq` orders messages created in the same instant."""

    id: str
    seq: int
    conversation_id: str
    contact_id: str
    sender_id: str
    text: str
    outgoing: bool
    status: str
    created_at: float
    updated_at: float
    segments: int
    price: float
    template: str | None = None
    read: bool = True
    kind: str = "SMS"
    media: list[dict] = field(default_factory=list)
    error: dict | None = None
    job_id: str | None = None
    created_by: Actor | None = None


@dataclass
class TemplateRecord:
    """A saved message template."""

    id: str
    name: str
    template: str
    type: str
    created_at: float
    updated_at: float
    created_by: Actor | None = None


@dataclass
class CampaignRecord:
    """A saved campaign (stored only; the simulator never runs campaigns)."""

    id: str
    created_at: float
    updated_at: float
    # The accepted request fields (name, template, trigger, filters, reporting) as sent.
    fields: dict = field(default_factory=dict)
    created_by: Actor | None = None


@dataclass
class WebhookRecord:
    """A webhook subscription, keyed by its url."""

    id: str
    url: str
    event_types: list[str]
    created_at: float


@dataclass
class SharedFile:
    """An uploaded file served on a link until `expires_at`."""

    id: str
    filename: str
    content_type: str
    data: bytes
    created_at: float
    expires_at: float

    @property
    def path(self) -> str:
        """Site-relative link; made absolute against the request's base URL when shown."""
        return f"/_sim/files/{self.id}/{self.filename}"
