"""The engine's commands on contacts and templates (part of `InboxEngine`, kept apart so the
engine's module stays about syncing and sending)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from .. import api  # models by name, loaded at first use: not before the first frame
from ..api import SakariError
from ..store import Store
from .events import Event

if TYPE_CHECKING:
    from ..api import Contact, SakariClient, Template
    from .contact_writes import ContactChanges, ContactWrite

# The template picker shows at most this many (a server with endless pages must not fill memory).
MAX_TEMPLATES = 1000


class ContactAndTemplateCommands:
    """`InboxEngine`'s contact and template commands (a mixin over its client, store and events)."""

    client: SakariClient
    store: Store
    clock: Callable[[], float]
    templates_note: str | None
    emit: Callable[[Event], None]

    # --- contacts ----------------------------------------------------------------------------

    async def update_contact(
        self,
        contact_id: str,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        email: str | None = None,
        tags: Iterable[str] | None = None,
        attributes: Mapping[str, Any] | None = None,
        base: Contact | None = None,
    ) -> Contact:
        """Change a contact's name, email and tags; returns the contact as Sakari now has it.

        None leaves a field as it is, "" clears it. `tags` is the list the user wants, `attributes`
        are added to the existing ones; both are merged with what Sakari has now, against `base`
        (the contact as the user saw it; None: as it is now). See `write_contact`.
        """
        from .contact_writes import (
            ContactChanges,  # the merge's code loads at its first use, not before the first frame
        )

        changes = ContactChanges(
            first_name=first_name,
            last_name=last_name,
            email=email,
            tags=None if tags is None else tuple(tags),
            attributes=attributes,
        )
        return (await self.write_contact(contact_id, changes, base=base)).contact

    async def write_contact(
        self, contact_id: str, changes: ContactChanges, *, base: Contact | None = None
    ) -> ContactWrite:
        """Write `changes` (made against `base`) merged with anyone else's: the contact now, the
        conflicts and what was lost (see `contact_writes`). The store and the rows follow."""
        from .contact_writes import ContactWriter

        return await ContactWriter(self.client, self.store, self.emit).write(contact_id, changes, base=base)

    async def mark_opted_out(self, contact_id: str) -> Contact:
        """Record that the contact asked for no more texts: the `opted-out` tag plus an
        `optedOutAt` attribute (Sakari has no call that opts a contact out for us). Returns the
        contact as read after the write: check `marked_opted_out`, a concurrent edit may have won."""
        when = datetime.fromtimestamp(self.clock(), timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
        from .contact_writes import ContactChanges

        changes = ContactChanges(add_tags=(api.OPTED_OUT_TAG,), attributes={api.OPTED_OUT_AT_ATTRIBUTE: when})
        return (await self.write_contact(contact_id, changes)).contact

    # --- templates ---------------------------------------------------------------------------

    async def templates(self) -> list[Template]:
        """The account's templates in the API's order (at most `MAX_TEMPLATES`; see `templates_note`)."""
        collected = await self.client.collect(self.client.fetch_all_templates, max_items=MAX_TEMPLATES)
        self.templates_note = collected.reason
        return list(collected.items)

    async def save_template(self, template_id: str | None, name: str, text: str) -> Template:
        """Create a template (`template_id` None) or change an existing one's name and text."""
        request = api.TemplateRequest(name=name.strip() or None, template=text)
        if template_id is None:
            request.type = "SMS"
            return await self.client.create_template(request)
        return await self.client.update_template(template_id, request)

    async def delete_template(self, template_id: str) -> None:
        """Remove a template for good."""
        if not await self.client.remove_template(template_id):
            raise SakariError("The Sakari API did not remove the template; try again.")
