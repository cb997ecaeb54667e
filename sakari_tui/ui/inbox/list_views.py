"""The list's views, for the inbox screen: the triage views (1–6), the closed/order toggles, the
sender filter, and the marks people put on a conversation here (unread, snoozed).

A mixin of `InboxScreen`; the queries are the store's (store/views.py), the pane lists them.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from ...store.views import View
from ...text import for_display, one_line
from .commands import key_for
from .screen_mixin import InboxScreenMixin

if TYPE_CHECKING:
    from ..screens.snooze import SnoozeAnswer


class ListViews(InboxScreenMixin):
    # The two view toggles are single letters, easily pressed by mistake: they last for this session,
    # say what they did and the key that undoes it, and only the palette's "Save the list view as
    # default" writes them to the settings file.

    def action_toggle_closed(self) -> None:
        self.settings.ui.show_closed = not self.settings.ui.show_closed
        self.conversations.relist()
        key = key_for(self, "app.toggle_closed")
        if self.settings.ui.show_closed:
            self.notify(f"Showing closed conversations · {key} hides them.")
        else:
            self.notify(f"Hiding closed conversations · {key} shows them.")

    def action_toggle_order(self) -> None:
        self.settings.ui.unread_first = not self.settings.ui.unread_first
        self.conversations.relist()
        key = key_for(self, "app.toggle_order")
        if self.settings.ui.unread_first:
            self.notify(f"Unread conversations first · {key} lists newest first.")
        else:
            self.notify(f"Newest first · {key} puts unread conversations first.")

    def sender_name(self, number: str) -> str:
        """A sender as a sentence names it: "Support (+1 415-555-0100)", or the number alone (sanitised)."""
        from ..screens.new_conversation import describe_sender  # with its dialog: not before the first frame

        return describe_sender(self.senders, number)

    def action_cycle_sender(self) -> None:
        """All → each of the account's numbers → All; saved at once, like the theme."""
        senders = self.senders
        if not senders.several:
            if len(senders):
                only = self.sender_name(senders.numbers[0])
                self.notify(f"This account has one sender number, {only}: there is no other to filter by.")
            else:
                self.notify("No sender numbers are known yet: s filters by sender once conversations have loaded.")
            return
        chosen = senders.next_filter(self.settings.ui.sender_filter)
        self.settings.ui.sender_filter = chosen
        self.app.persist(("ui", "sender_filter"), chosen)  # type: ignore[attr-defined]
        self.conversations.relist()
        self._show_status()
        key = key_for(self, "app.sender_filter")
        if chosen:
            self.notify(f"Showing conversations on {self.sender_name(chosen)} · {key} for the next sender.")
        else:
            self.notify(f"Showing every sender's conversations · {key} narrows to one.")

    # --- views, unread marks, snoozes ---------------------------------------------------------

    def show_view(self, view: View) -> None:
        self.conversations.show_view(view)

    def action_view_needs_reply(self) -> None:
        self.show_view(View.NEEDS_REPLY)

    def action_view_waiting(self) -> None:
        self.show_view(View.WAITING)

    def action_view_snoozed(self) -> None:
        self.show_view(View.SNOOZED)

    def action_view_failed(self) -> None:
        self.show_view(View.FAILED)

    def action_view_scheduled(self) -> None:
        self.show_view(View.SCHEDULED)

    def action_view_all(self) -> None:
        self.show_view(View.ALL)

    def action_mark_unread(self) -> None:
        conversation_id = self._target_conversation()
        if conversation_id is None:
            return
        if self.store_write(self.store.inbox.mark_unread, conversation_id):
            self.conversations.relist()  # keyed by contact and number: more than one row may change
            self.notify("Marked unread: it stays so here until you open it.")

    def action_snooze(self) -> None:
        from ...sms.snooze_times import local_zone  # with zoneinfo: not before the first frame

        conversation_id = self._target_conversation()
        if conversation_id is None:
            return
        row = self.store.inbox.rows_by_id([conversation_id]).get(conversation_id)
        if row is None:
            return
        now = self.clock.now()
        snooze = row.snooze
        asleep = snooze is not None and snooze.woke(now.timestamp()) is None
        zone = local_zone()
        until = datetime.fromtimestamp(snooze.until, zone) if asleep and snooze is not None else None
        name = for_display(one_line(row.name or row.number or "this conversation", 40))
        from ..screens.snooze import SnoozeScreen  # where shown: not before the first frame

        self.app.push_screen(
            SnoozeScreen(name, now, zone, snoozed_until=until),
            lambda answer: self._snooze_chosen(conversation_id, answer, zone),
        )

    def _snooze_chosen(self, conversation_id: str, answer: SnoozeAnswer, zone) -> None:
        if answer is None:
            return
        from ..screens.snooze import UNSNOOZE

        if answer == UNSNOOZE:
            if self.store_write(self.store.inbox.unsnooze, conversation_id):
                self.notify("Unsnoozed.")
        elif isinstance(answer, datetime):
            now = self.clock.now().timestamp()
            if self.store_write(self.store.inbox.snooze, conversation_id, answer.timestamp(), now):
                from ...sms.snooze_times import describe_until

                key = key_for(self, "app.view_snoozed")
                self.notify(f"Snoozed until {describe_until(answer, zone)} · {key} lists snoozed conversations.")
        self.conversations.relist()

    def save_view_as_default(self) -> None:
        persist = self.app.persist  # type: ignore[attr-defined]
        persist(("ui", "show_closed"), self.settings.ui.show_closed)
        persist(("ui", "unread_first"), self.settings.ui.unread_first)
        self.notify("Saved: the list starts like this next time.")
