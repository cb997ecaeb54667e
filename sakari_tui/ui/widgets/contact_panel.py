"""The contact panel: who the customer is, beside (or, on narrow terminals, instead of) the thread.

Hidden until the app shows it (`panel.display = True`). Everything it draws comes from the API,
so every value is sanitised, put in the form every terminal gives the same width (`for_display`),
and reaches the screen as plain `Content`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from ... import api  # models by name, loaded at first use: not before the first frame
from ...sms.phones import display_number, region_label
from ...store import ConversationRow
from ...text import for_display, one_line
from ..format import local_time

if TYPE_CHECKING:
    from ...api.models import Contact, ContactIdentifiers, Conversation

# `$text-muted` inside Content renders as plain white in Textual 8.2.8; this one is a solid colour.
MUTED = "$foreground-muted"
# A value longer than this is cut (attributes can hold whole documents).
VALUE_LIMIT = 60
KEY_LIMIT = 24
MAX_ATTRIBUTES = 30
MAX_TAGS = 20


def format_moment(when: datetime | None) -> str:
    """'4 Mar 2026, 14:05' in local time ('' when unknown)."""
    if when is None:
        return ""
    local = local_time(when)  # attribute values are not clamped like API times: year 9999 east of UTC
    return f"{local.day} {local:%b} {local.year:04d}, {local:%H:%M}"


def _attribute_text(value: Any) -> str:
    if isinstance(value, (dict, list)):
        import json

        value = json.dumps(value, ensure_ascii=False)
    return "" if value is None else str(value)


def _parse_moment(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment


_IDENTITY = ("first_name", "last_name", "email", "mobile")


def _fill_identity(contact: Contact | ContactIdentifiers, identity: ContactIdentifiers) -> Contact | ContactIdentifiers:
    """The contact with the fields it lacks taken from the conversation's copy (the store may
    hold a bare record made from an inbound STOP, with nothing but the id)."""
    if identity.id and contact.id and identity.id != contact.id:
        return contact
    missing = {
        name: getattr(identity, name)
        for name in _IDENTITY
        if getattr(contact, name) is None and getattr(identity, name) is not None
    }
    return contact.model_copy(update=missing) if missing else contact


@dataclass(frozen=True)
class ContactDates:
    first_contact: datetime | None = None
    last_message: datetime | None = None


def dates_for(
    contact: Contact | ContactIdentifiers | None, conversation: Conversation | ConversationRow | None
) -> ContactDates:
    """First contact (the contact's creation, else the conversation's) and the last message."""
    first = None
    if isinstance(contact, api.Contact) and contact.created and contact.created.at:
        first = contact.created.at
    last = None
    if isinstance(conversation, api.Conversation):
        if first is None and conversation.created and conversation.created.at:
            first = conversation.created.at
        if conversation.last_message is not None:
            last = conversation.last_message.created_at
        if last is None and conversation.updated:
            last = conversation.updated.at
    elif isinstance(conversation, ConversationRow):
        last = conversation.last_at
    return ContactDates(first, last)


class ContactPanel(VerticalScroll):
    """Name, number and region, email, tags, attributes, opt-out state and dates of one contact.

    Call `show(contact, conversation)` with the contact (a full `Contact` from the store when there
    is one, else the conversation's `ContactIdentifiers`) and the conversation (or its list row) for
    the dates. `e` asks to edit (`EditRequested`), `o` to mark opted out (`OptOutRequested`);
    the app carries them out. Where it sits (beside the thread or in its place) is the inbox screen's CSS.
    """

    DEFAULT_CSS = """
    ContactPanel {
        display: none;
        width: 34;
        height: 1fr;
        border-left: vkey $primary-muted;
        background: $surface;
        padding: 0 1;
        scrollbar-size-vertical: 1;
    }
    ContactPanel:focus { border-left: vkey $accent; }
    ContactPanel > #contact-name { text-style: bold; height: auto; }
    ContactPanel > #contact-body { height: auto; }
    ContactPanel > #contact-hint { dock: bottom; color: $text-muted; height: 1; background: $surface; }
    """
    BINDINGS = [
        Binding("e", "edit", "Edit contact", id="contact.edit"),
        Binding("o", "opt_out", "Mark opted out", id="contact.opt_out", show=False),
    ]

    class EditRequested(Message):
        """The user asked to edit the shown contact."""

        def __init__(self, contact_id: str) -> None:
            super().__init__()
            self.contact_id = contact_id

    class OptOutRequested(Message):
        """The user asked to record that the shown contact opted out."""

        def __init__(self, contact_id: str) -> None:
            super().__init__()
            self.contact_id = contact_id

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.contact: Contact | ContactIdentifiers | None = None
        self._shown: tuple[Contact | ContactIdentifiers | None, datetime | None, datetime | None, bool | None] = (
            None,
            None,
            None,
            None,
        )

    def compose(self) -> ComposeResult:
        yield Static(Content("No contact"), id="contact-name")
        yield Static(Content(""), id="contact-body")
        yield Static(Content(""), id="contact-hint")

    @property
    def contact_id(self) -> str | None:
        return self.contact.id if self.contact is not None else None

    def show(
        self,
        contact: Contact | ContactIdentifiers | None,
        conversation: Conversation | ConversationRow | None = None,
        *,
        first_contact: datetime | None = None,
        last_message: datetime | None = None,
        opted_out: bool | None = None,
    ) -> None:
        """Draw this contact; the dates come from the arguments, else the contact and conversation.

        `opted_out` is what the store knows (`InboxCache.is_opted_out`): an inbound STOP marks a
        contact before its record is fetched again, so the record alone may not say so yet.
        """
        if isinstance(conversation, api.Conversation) and conversation.contact is not None and contact is not None:
            contact = _fill_identity(contact, conversation.contact)
        elif contact is None and isinstance(conversation, api.Conversation):
            contact = conversation.contact
        self.contact = contact
        dates = dates_for(contact, conversation)
        self._shown = (contact, first_contact or dates.first_contact, last_message or dates.last_message, opted_out)
        if self.is_mounted:
            self._draw()

    def on_mount(self) -> None:
        self._draw()

    def _draw(self) -> None:
        contact, first_contact, last_message, opted_out = self._shown
        name = self.query_one("#contact-name", Static)
        body = self.query_one("#contact-body", Static)
        hint = self.query_one("#contact-hint", Static)
        if contact is None:
            name.update(Content("No contact"))
            body.update(Content.styled("Open a conversation to see who it is with.", MUTED))
            hint.update(Content(""))
            return
        name.update(Content(for_display(one_line(self.name_of(contact), 120))))
        body.update(self.body_content(contact, first_contact, last_message, opted_out=opted_out))
        keys = "e edit"
        if contact.id and not self.shows_opted_out:
            keys += " · o mark opted out"
        hint.update(Content(keys if contact.id else "This contact has no id: it cannot be edited."))

    @staticmethod
    def name_of(contact: Contact | ContactIdentifiers) -> str:
        """The contact's name; without one, their number formatted for reading (not as stored)."""
        has_name = bool((contact.first_name or contact.last_name or "").strip())
        if not has_name and contact.mobile and contact.mobile.number:
            return display_number(contact.mobile.number)
        return contact.display_name

    @property
    def shows_opted_out(self) -> bool:
        contact, _, _, opted_out = self._shown
        return bool(opted_out) or (isinstance(contact, api.Contact) and contact.opted_out)

    @staticmethod
    def body_content(
        contact: Contact | ContactIdentifiers,
        first_contact: datetime | None,
        last_message: datetime | None,
        *,
        opted_out: bool | None = None,
    ) -> Content:
        """Everything below the name, as plain text with muted labels."""
        lines: list[Content] = []

        def field(label: str, value: str | Content) -> None:
            lines.append(Content.styled(label, MUTED))
            lines.append(value if isinstance(value, Content) else Content(for_display(value)))

        raw_number = contact.mobile.number if contact.mobile else None
        number = one_line(display_number(raw_number), 40)
        lines.append(Content(number or "no number"))
        region = one_line(region_label(raw_number), VALUE_LIMIT)
        if region:
            lines.append(Content.styled(region, MUTED))
        lines.append(Content(""))
        field("Email", one_line(contact.email, VALUE_LIMIT) or "—")
        if isinstance(contact, api.Contact):
            tags = [one_line(tag.tag, 30) for tag in (contact.tags or [])][:MAX_TAGS]
            more = len(contact.tags or []) - len(tags)
            field("Tags", (", ".join(tags) + (f" and {more} more" if more > 0 else "")) if tags else "—")
        if isinstance(contact, api.Contact) or opted_out is not None:
            field("Opted out", ContactPanel._opt_out_content(contact, opted_out))
        field("First contact", format_moment(first_contact) or "unknown")
        field("Last message", format_moment(last_message) or "none yet")
        attributes = getattr(contact, "attributes", None) or {}
        if attributes:
            lines.append(Content(""))
            lines.append(Content.styled("Attributes", MUTED))
            for index, (key, value) in enumerate(attributes.items()):
                if index == MAX_ATTRIBUTES:
                    lines.append(Content.styled(f"and {len(attributes) - MAX_ATTRIBUTES} more", MUTED))
                    break
                lines.append(
                    Content.assemble(
                        Content.styled(f"{for_display(one_line(str(key), KEY_LIMIT))}: ", "bold"),
                        for_display(one_line(_attribute_text(value), VALUE_LIMIT)),
                    )
                )
        return Content("\n").join(lines)

    @staticmethod
    def _opt_out_content(contact: Contact | ContactIdentifiers, known: bool | None) -> Content:
        record = contact if isinstance(contact, api.Contact) else None
        if not (known or (record is not None and record.opted_out)):
            return Content("no: texts are delivered")
        when = record.blocked if record is not None else None
        marked = record is not None and record.blocked is None and record.opted_out
        how = "marked in this app" if marked else "texted STOP"
        if when is None and record is not None:
            when = _parse_moment((record.attributes or {}).get(api.OPTED_OUT_AT_ATTRIBUTE))
        since = f" since {format_moment(when)}" if when else ""
        return Content.styled(f"yes{since} ({how}): texts are refused", "bold $error")

    def action_edit(self) -> None:
        if self.contact_id:
            self.post_message(self.EditRequested(self.contact_id))

    def action_opt_out(self) -> None:
        if self.contact_id and not self.shows_opted_out:
            self.post_message(self.OptOutRequested(self.contact_id))
