"""Send and close, for the inbox screen: one key sends the reply and closes the conversation
(help desks' "submit as solved"), with the usual undo window for the close; and auto-advance:
after a reply or a close, the next conversation of the list as it is shown opens, ready to answer.

A mixin of `InboxScreen`. The close waits for the reply: when its undo window is over and the
reply is still on its way, the close is parked until Sakari has the reply; a reply that is
refused keeps the conversation open and says so. Nothing here sends: the reply goes through the
same checks, guard and outbox as Ctrl+S.
"""

from __future__ import annotations

from ...store import ConversationRow
from ...sync import SendState, SendStateChanged
from ...text import one_line
from .screen_mixin import InboxScreenMixin

NEIGHBOURS_KEPT = 30
"""Rows after (and before) an opened conversation remembered for auto-advance: enough to skip
the ones answered, closed or gone meanwhile."""


class SendAndClose(InboxScreenMixin):
    _close_after_send_for: str | None = None
    """The conversation whose next queued reply closes it (the key pressed last was send-and-close)."""
    _neighbours: tuple[str, tuple[str, ...]] | None = None
    """The open conversation and its neighbours when it was opened: the ids after it, then
    those before it, nearest first."""

    def _links(self) -> dict[str, str]:
        """Replies whose sending a close waits for: local id -> conversation id."""
        if not hasattr(self, "_closing_with"):
            self._closing_with: dict[str, str] = {}
            self._parked: set[str] = set()
        return self._closing_with

    def action_send_and_close(self) -> None:
        if self.open_id is None:
            self.notify("Open a conversation first (Enter on the list).")
            return
        self._close_after_send_for = self.open_id
        self.thread_pane.submit()

    def reply_queued(self, conversation_id: str, local_id: str) -> None:
        """A reply is in the outbox: if it was sent with send-and-close, its close starts now."""
        if self._close_after_send_for != conversation_id:
            return
        self._close_after_send_for = None
        self._links()[local_id] = conversation_id
        self.close_with_undo(conversation_id, after_reply=True)

    def remember_neighbours(self, conversation_id: str) -> None:
        """Note the rows around `conversation_id` as the list shows them now, as it opens.

        "Next" is the row that was under it when the person chose it: opening marks it read,
        which (unread first) moves it down among the read rows at once, and a reply moves it
        again; the row after it *then* is some other conversation the person never saw there.
        """
        listing = self.conversation_list.rows
        index = listing.index_of(conversation_id, hint=self.conversation_list.cursor)
        if index is None:
            self._neighbours = None
            return
        # Ids only, from the listing's entries: reading rows here would cost the open a query.
        after = listing.ids_between(index + 1, index + 1 + NEIGHBOURS_KEPT)
        before = listing.ids_between(max(index - NEIGHBOURS_KEPT, 0), index)
        self._neighbours = (conversation_id, (*after, *reversed(before)))

    def next_in_view(self, conversation_id: str) -> str | None:
        """The conversation that followed `conversation_id` in the list as shown when it was
        opened, else the one before it, that can still be answered; failing those, the same
        around where it is listed now."""
        listing = self.conversation_list.rows
        if self._neighbours is not None and self._neighbours[0] == conversation_id:
            for candidate in self._neighbours[1]:
                position = listing.index_of(candidate)
                if position is not None and self._answerable(listing[position]):
                    return candidate
        index = listing.index_of(conversation_id)
        if index is None:
            return None
        for position in (*range(index + 1, len(listing)), *range(index - 1, -1, -1)):
            row = listing[position]
            if self._answerable(row):
                return row.id
        return None

    def _answerable(self, row: ConversationRow) -> bool:
        # Not one being closed, nor one nobody can answer (opted out, closed).
        return row.id not in self.pending_closes and not row.opted_out and not row.closed

    def advance_from(self, conversation_id: str) -> None:
        """Open the next conversation of the view, the reply box focused (a run through the
        list is then: template, Enter, send-and-close, and again)."""
        if not self.settings.triage.auto_advance or self.open_id != conversation_id:
            return
        following = self.next_in_view(conversation_id)
        if following is None:
            self.notify("That was the last conversation in this view.")
            return
        self.open_conversation(following)

    def close_waits_for_reply(self, conversation_id: str) -> bool:
        return conversation_id in self._links().values()

    def park_close(self, conversation_id: str) -> None:
        """Its undo window is over but its reply is not sent yet: close once it is."""
        self._links()
        self._parked.add(conversation_id)

    def close_undone(self, conversation_id: str) -> None:
        """The close was undone: the reply still goes, the conversation stays open."""
        links = self._links()
        for local_id in [lid for lid, cid in links.items() if cid == conversation_id]:
            del links[local_id]
        self._parked.discard(conversation_id)

    def reply_settled(self, event: SendStateChanged) -> None:
        """A reply's state changed: a close waiting for it goes ahead, or is dropped if it failed."""
        links = self._links()
        conversation_id = links.get(event.local_id)
        if conversation_id is None:
            return
        if event.state is SendState.SENT:
            del links[event.local_id]
            if conversation_id in self._parked:
                self._parked.discard(conversation_id)
                self.close_now(conversation_id)
        elif event.state is SendState.FAILED:
            del links[event.local_id]
            self._parked.discard(conversation_id)
            self.pending_closes.take(conversation_id)
            self.conversations.relist()
            self.notify(
                f"Not closed: the reply did not go ({one_line(event.error, 160)}); the conversation stays open.",
                severity="error",
            )
        # Unknown: Sakari may have it; the close waits until the reply is found (or never, if not).
