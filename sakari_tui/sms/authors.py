"""Who wrote a message: the customer, you (this machine's outbox), a named teammate, an
auto-responder, a campaign, or someone the API does not name.

A Sakari account is shared. An outgoing message is "You" only when this machine sent it (its id
was adopted from our outbox, see `store.InboxCache.sent_here`); everything else outgoing was
written by someone else, and the list, the bubble, search and notifications say by whom, from
`created.by` as far as Sakari fills it in (`{id, name, firstName, lastName, email, source,
subSource}`; any part may be missing, and the values of `source`/`subSource` are undocumented:
see the API notes §15). Names are untrusted text: callers draw them through `text.for_display`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any

from ..text import one_line

if TYPE_CHECKING:
    from ..api.models import Message


class AuthorKind(str, Enum):
    CUSTOMER = "customer"
    YOU = "you"
    PERSON = "person"
    """A teammate Sakari names (in the Hub, another terminal, an integration)."""
    TEAMMATE = "teammate"
    """Someone on the account whom Sakari does not name."""
    AUTO_REPLY = "auto-reply"
    CAMPAIGN = "campaign"
    ELSEWHERE = "elsewhere"
    """Outgoing, but nothing says from where: not from this machine."""


# Words in `source`/`subSource` (lower case, separators dropped) that say what sent a message.
_AUTO_WORDS = ("autorespon", "autoreply", "autoresponse", "keywordrespon", "officehours")
_CAMPAIGN_WORDS = ("campaign", "broadcast", "blast", "bulk")
_VIA = {"hub": "Hub", "web": "Hub", "webapp": "Hub", "app": "Hub", "inbox": "Hub", "api": "API"}
_MAX_NAME = 40
_MAX_VIA = 20


@dataclass(frozen=True)
class Author:
    kind: AuthorKind
    name: str = ""
    """The teammate's first name (or name) as Sakari gave it, on one line; "" when not named."""
    via: str = ""
    """Where a teammate wrote from ("Hub", "API", an integration's name), when Sakari says."""

    @property
    def label(self) -> str:
        """As the bubble shows it: "You", "Alex · Hub", "a teammate", "auto-reply", "campaign"…"""
        if self.kind is AuthorKind.PERSON:
            return f"{self.name} · {self.via}" if self.via else self.name
        return _LABELS[self.kind]

    @property
    def prefix(self) -> str:
        """Before a list preview or a search result: "You: ", "Alex: ", "Auto-reply: "; "" for the customer."""
        if self.kind is AuthorKind.CUSTOMER:
            return ""
        if self.kind is AuthorKind.PERSON:
            return f"{self.name}: "
        return _PREFIXES[self.kind]

    @property
    def subject(self) -> str:
        """The start of a sentence about what they did: "Alex", "A teammate", "The customer"…"""
        if self.kind is AuthorKind.PERSON:
            return self.name
        return _SUBJECTS[self.kind]

    @property
    def someone_else(self) -> bool:
        """An outgoing message this machine did not send."""
        return self.kind not in (AuthorKind.YOU, AuthorKind.CUSTOMER)


_LABELS = {
    AuthorKind.CUSTOMER: "customer",
    AuthorKind.YOU: "You",
    AuthorKind.TEAMMATE: "a teammate",
    AuthorKind.AUTO_REPLY: "auto-reply",
    AuthorKind.CAMPAIGN: "campaign",
    AuthorKind.ELSEWHERE: "sent from elsewhere",
}
_PREFIXES = {
    AuthorKind.YOU: "You: ",
    AuthorKind.TEAMMATE: "Teammate: ",
    AuthorKind.AUTO_REPLY: "Auto-reply: ",
    AuthorKind.CAMPAIGN: "Campaign: ",
    AuthorKind.ELSEWHERE: "Elsewhere: ",
}
_SUBJECTS = {
    AuthorKind.CUSTOMER: "The customer",
    AuthorKind.YOU: "You",
    AuthorKind.TEAMMATE: "A teammate",
    AuthorKind.AUTO_REPLY: "The auto-responder",
    AuthorKind.CAMPAIGN: "A campaign",
    AuthorKind.ELSEWHERE: "Someone elsewhere",
}

CUSTOMER = Author(AuthorKind.CUSTOMER)
YOU = Author(AuthorKind.YOU)


def _word(value: Any) -> str:
    return "".join(ch for ch in str(value).lower() if ch.isalnum()) if isinstance(value, str) else ""


def _text(value: Any, limit: int) -> str:
    return one_line(value, limit) if isinstance(value, str) else ""


def author_of(outgoing: bool, created_by: Mapping[str, Any] | None, *, sent_here: bool) -> Author:
    """Who wrote a message, from its direction, its `created.by` (raw, any shape) and whether
    this machine's outbox sent it."""
    if not outgoing:
        return CUSTOMER
    if sent_here:
        return YOU
    if not isinstance(created_by, Mapping) or not created_by:
        return Author(AuthorKind.ELSEWHERE)
    source, sub_source = _word(created_by.get("source")), _word(created_by.get("subSource"))
    for word in (source, sub_source):
        if any(part in word for part in _AUTO_WORDS):
            return Author(AuthorKind.AUTO_REPLY)
        if any(part in word for part in _CAMPAIGN_WORDS):
            return Author(AuthorKind.CAMPAIGN)
    via = (_VIA.get(source) or _text(created_by.get("source"), _MAX_VIA).title()) if source else ""
    name = _text(created_by.get("firstName"), _MAX_NAME) or _text(created_by.get("name"), _MAX_NAME)
    if not name and _text(created_by.get("lastName"), _MAX_NAME):
        name = _text(created_by.get("lastName"), _MAX_NAME)
    if name:
        return Author(AuthorKind.PERSON, name=name, via=via)
    if any(_text(created_by.get(key), _MAX_NAME) for key in ("id", "email", "source")):
        return Author(AuthorKind.TEAMMATE, via=via)
    return Author(AuthorKind.ELSEWHERE)


def parse_created_by(raw: str | None) -> Mapping[str, Any] | None:
    """A `created.by` kept as raw JSON (the store's columns), or None when absent or unreadable."""
    if not raw:
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def message_author(message: Message, *, sent_here: bool) -> Author:
    """`author_of` for a message model (its `created.by` with every field Sakari sent)."""
    by = message.created.by if message.created is not None else None
    return author_of(message.outgoing, by.to_wire() if by is not None else None, sent_here=sent_here)
