"""Starting a new conversation, for the inbox screen: the dialog (filled in from a closed
conversation, or again after a failure), and its first text queued through the outbox.

A mixin of `InboxScreen`, split from replying.py; a first text is delivered like any reply
(`ReplyFlows.deliver`), and a discarded one comes back here with what it held.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...store import StoreError
from .screen_mixin import InboxScreenMixin

# The dialog is imported where it is shown: not before the first frame.
if TYPE_CHECKING:
    from ..screens.new_conversation import NewConversation


class NewConversationFlows(InboxScreenMixin):
    def action_new_conversation(self) -> None:
        # From a closed conversation ("Closed: Ctrl+N texts them again"): them, already filled in.
        conversation = self.thread_pane.conversation()
        contact = conversation.contact if conversation and conversation.closed else None
        if contact is not None and contact.mobile and contact.mobile.number:
            from ..screens.new_conversation import NewConversation

            self.show_new_conversation(
                NewConversation(contact.mobile.number, contact.first_name, contact.last_name, "")
            )
            return
        self.show_new_conversation()

    def show_new_conversation(self, filled: NewConversation | None = None) -> None:
        from ..screens.new_conversation import NewConversationScreen

        screen = NewConversationScreen(
            self.settings.ui.default_country,
            filled,
            senders=self.senders,
            preferred=self.senders.effective_filter(self.settings.ui.sender_filter),
            last_sender=self.store.inbox.last_sender_to,
        )
        self.app.push_screen(screen, self._new_conversation_chosen)

    def _new_conversation_chosen(self, result: NewConversation | None) -> None:
        if result is None:
            return
        # Through the outbox like any reply: on disk first, then sent, looked for if the answer is lost;
        # its thread shows (under a placeholder) until Sakari says which conversation it opened.
        try:
            entry = self.engine.queue_new_conversation(
                result.number,
                result.text,
                first_name=result.first_name,
                last_name=result.last_name,
                group_id=result.group_id,
            )
        except StoreError as error:
            self.store_failed(error)
            self.notify(f"Not sent: {error}", severity="error")
            self.show_new_conversation(result)  # number, name and text kept
            return
        self.store_ok()
        self.conversations.relist()
        self.open_conversation(entry.conversation_id, focus_compose=False)
        self.deliver(entry.local_id)
