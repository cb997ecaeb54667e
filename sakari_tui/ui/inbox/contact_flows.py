"""The contact, for the inbox screen: the contact panel (beside the thread, or in its place on a
narrow screen), editing the contact, marking it opted out, and the templates manager, which
previews templates against the contacts at hand.

A mixin of `InboxScreen`. Where the panel goes is CSS: the screen's breakpoint classes
(`-narrow`, `-wide`) and its `-contact-open` class, in styles/inbox.tcss.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work

from ...api.errors import SakariError
from ...sms.phones import display_number
from ...text import one_line
from ..widgets.contact_panel import ContactPanel
from .screen_mixin import InboxScreenMixin

if TYPE_CHECKING:
    from ...api import Conversation
    from ...sync.contact_writes import ContactWrite

# Narrower than this, the contact panel takes the thread's place instead of sitting beside it.
CONTACT_BESIDE_MIN_WIDTH = 100
CONTACT_OPEN = "-contact-open"


class ContactFlows(InboxScreenMixin):
    @property
    def contact_shown(self) -> bool:
        return self.has_class(CONTACT_OPEN)

    def action_toggle_contact(self) -> None:
        """Show or hide the open conversation's contact; narrow terminals show it instead of the thread."""
        if self.contact_shown:
            self.remove_class(CONTACT_OPEN)
            self.thread_pane.thread_log.focus()
            return
        if self.open_id is None:
            self.notify("Open a conversation first (Enter on the list).")
            return
        self.add_class(CONTACT_OPEN)
        self.show_contact()
        self.contact_panel.focus()

    def show_thread_pane(self) -> None:
        """Before anything goes to the thread or the compose box: a narrow screen may show the
        contact panel in their place, and typing into a hidden box would be typing blind."""
        if self.contact_shown and self.has_class("-narrow"):
            self.remove_class(CONTACT_OPEN)

    def show_contact(self) -> None:
        """Draw the open conversation's contact in the panel, when the panel is shown."""
        conversation = self.thread_pane.conversation()
        if conversation is None or not self.contact_shown:
            return
        identifiers = conversation.contact
        contact = (self.store.inbox.contact(identifiers.id) if identifiers and identifiers.id else None) or identifiers
        last = conversation.last_message
        self.contact_panel.show(
            contact,
            conversation,
            first_contact=conversation.created.at if conversation.created else None,
            last_message=last.created_at if last else None,
            opted_out=self.thread_pane.opted_out(conversation.id),
        )

    def contact_of(self, conversation: Conversation):
        """The conversation's contact as fully as we know it: the cached contact (attributes
        included) when it is more than the stub an inbound STOP leaves, else the conversation's copy."""
        identifiers = conversation.contact
        cached = self.store.inbox.contact(identifiers.id) if identifiers and identifiers.id else None
        if cached is not None and (cached.first_name or cached.last_name or cached.mobile):
            return cached
        return identifiers

    def on_contact_panel_edit_requested(self, event: ContactPanel.EditRequested) -> None:
        from ...sync.contact_writes import saved_sentence  # loaded at the first edit, not before the first frame

        contact = self.store.inbox.contact(event.contact_id)
        if contact is None:
            conversation = self.thread_pane.conversation()
            contact = conversation.contact if conversation else None
        if contact is None:
            self.notify("This contact is not cached yet; try again after the next refresh.")
            return

        written: list[ContactWrite] = []

        async def save(edit) -> None:
            # Merged with what Sakari has by then, against the contact the dialog opened with.
            written.append(await self.engine.write_contact(edit.contact_id, edit.changes, base=edit.base))

        def done(edit) -> None:
            if edit is None:
                return
            # Plain text (the app's notify takes no markup); the sentence sanitises contact values.
            warning = saved_sentence(written[-1]) if written else None
            if warning:
                self.notify(warning, severity="warning", timeout=10)
            else:
                self.notify("Contact saved.")
            self.show_contact()
            self.thread_pane.show_header()

        from ..screens.edit_contact import EditContactScreen  # where shown: not before the first frame

        self.app.push_screen(EditContactScreen(contact, save=save), done)

    def on_contact_panel_opt_out_requested(self) -> None:
        self.action_mark_opted_out()

    def action_mark_opted_out(self) -> None:
        conversation = self.thread_pane.conversation()
        contact = conversation.contact if conversation else None
        if contact is None or not contact.id:
            self.notify("Open a conversation first.")
            return
        if self.thread_pane.opted_out(conversation.id):
            self.notify("This contact is already opted out.")
            return
        name = one_line(contact.display_name or display_number(contact.mobile.number if contact.mobile else None), 40)

        def answered(yes: bool | None) -> None:
            if yes:
                self.mark_opted_out(contact.id)

        from ..screens.confirm import ConfirmScreen  # where shown: not before the first frame

        self.app.push_screen(
            ConfirmScreen(
                f"Mark {name} as opted out? Replies to them will be refused from now on. "
                f"(Recorded on the contact as the tag 'opted-out', which edits here keep; remove it in Sakari to undo.)",
                yes="Mark opted out",
                no="Cancel",
            ),
            answered,
        )

    @work(group="contact", exit_on_error=False)
    async def mark_opted_out(self, contact_id: str) -> None:
        try:
            contact = await self.engine.mark_opted_out(contact_id)
        except SakariError as error:
            self.app.report_error(error)
            return
        if contact.marked_opted_out:
            self.notify(
                "Marked opted out: replies to this contact are off. To undo, remove the tag 'opted-out' in Sakari."
            )
        else:
            # Read back after the write: someone else's write landed on top of ours.
            self.notify(
                "Not marked opted out: the contact changed again on Sakari while saving; press O to try again.",
                severity="warning",
            )
        self.thread_pane.show_header()
        self.show_contact()
        self.conversations.relist()

    def action_manage_templates(self) -> None:
        """Create, edit and delete the account's templates, previewed against real contacts."""
        # The open conversation's contact first, then those at the top of the list; the cached
        # contact (with its attributes) where there is one, so previews fill what sending would.
        ids = ([self.open_id] if self.open_id else []) + list(self.conversation_list.rows.ids[:20])
        contacts, seen = [], set()
        for conversation_id in ids:
            conversation = self.store.inbox.conversation(conversation_id)
            identifiers = conversation.contact if conversation else None
            if identifiers is None or (identifiers.id or id(identifiers)) in seen:
                continue
            seen.add(identifiers.id or id(identifiers))
            contacts.append(self.contact_of(conversation))
        from ..screens.templates import TemplatesScreen  # where shown: not before the first frame

        self.app.push_screen(TemplatesScreen(self.engine, contacts))
