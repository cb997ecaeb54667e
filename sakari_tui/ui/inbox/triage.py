"""Triage, for the inbox screen: close a conversation (with an undo window), mute one, and page
the team about customers who have waited too long.

A mixin of `InboxScreen`. The undo window is `sync.closes.PendingCloses`; timers here only wake
`_close_due`, the deadlines live there.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

from textual import work

from ...api import SakariError
from ...store import StoreError
from ...text import one_line
from .commands import key_for
from .screen_mixin import InboxScreenMixin


class TriageActions(InboxScreenMixin):
    def _target_conversation(self) -> str | None:
        """The conversation a list key acts on: the cursor's when the list has the focus, else the open one."""
        if self.focused is self.conversation_list:
            return self.conversation_list.current_id
        return self.open_id or self.conversation_list.current_id

    def action_close_conversation(self) -> None:
        conversation_id = self._target_conversation()
        if conversation_id is not None:
            self.close_with_undo(conversation_id)

    def close_with_undo(self, conversation_id: str, *, after_reply: bool = False) -> None:
        """Close after the undo window (`after_reply`: and only once the reply just queued is sent)."""
        conversation = self.store.inbox.conversation(conversation_id)
        if conversation is None or conversation.closed:
            self.notify("That conversation is already closed.")
            return
        self.pending_closes.window_s = self.settings.ui.close_undo_seconds  # the setting as it is now
        # On Textual's timer clock (time.monotonic), so a timer never wakes before its close is due.
        if not self.pending_closes.add(conversation_id, time.monotonic()):
            return
        name = one_line(conversation.contact.display_name if conversation.contact else conversation_id, 40)
        delay = self.pending_closes.window_s
        # Textual timers cannot have a zero delay; "no undo window" still goes through the timer path.
        self.set_timer(max(delay, 0.001), self._close_due)
        undo = key_for(self, "app.undo_close")
        if after_reply:  # the reply's own queueing moves on to the next conversation
            self.notify(f"Sending, then closing {name} · {undo} keeps it open.", timeout=delay + 1)
        elif delay:
            self.notify(f"Closing {name} in {delay:g}s · {undo} undoes it.", timeout=delay + 1)
        if not after_reply:
            self.advance_from(conversation_id)
        self.conversations.relist()

    def action_undo_close(self) -> None:
        undone = self.pending_closes.undo()
        if undone is not None:
            self.close_undone(undone)
            self.notify("Close undone.")
            self.conversations.relist()
            return
        self.notify("Nothing to undo: closes already sent cannot be reopened (Sakari has no reopen).")

    def _close_due(self) -> None:
        for conversation_id in self.pending_closes.due(time.monotonic()):
            if self.close_waits_for_reply(conversation_id):
                self.park_close(conversation_id)  # closed once Sakari has the reply
            else:
                self.close_now(conversation_id)

    @work(group="close", exit_on_error=False)
    async def close_now(self, conversation_id: str) -> None:
        try:
            conversation = await self.engine.close_conversation(conversation_id)
        except SakariError as error:
            self.app.report_error(error)
            self.conversations.relist()
            return
        name = one_line(conversation.contact.display_name if conversation.contact else conversation_id, 40)
        self.notify(f"Closed {name}. (Sakari cannot reopen it; a new text opens a new conversation.)")
        self.conversations.relist()
        if conversation_id == self.open_id:
            self.thread_pane.show_header()

    async def carry_out_closes(self) -> None:
        """Send every close still inside its undo window now (quitting does not drop them)."""
        for conversation_id in self.pending_closes.drain():
            try:
                await self.engine.close_conversation(conversation_id)
            except SakariError as error:
                self.app.report_error(error)

    # --- waits past the alert (notifications.on_overdue) ---------------------------------------

    OVERDUE_CHECK_S = 30.0
    _overdue_checked = float("-inf")

    def check_overdue(self, monotonic_now: float) -> None:
        """Every half minute: page (on_overdue) each customer who has waited past triage.waiting_alert."""
        if monotonic_now - self._overdue_checked < self.OVERDUE_CHECK_S:
            return
        self._overdue_checked = monotonic_now
        # Their clock: the waits began at times Sakari wrote.
        now = datetime.fromtimestamp(self.engine.client.server_time() or time.time(), timezone.utc)
        try:
            events = self.alerts.overdue(now, timedelta(seconds=self.settings.triage.alert_seconds))
        except StoreError as error:  # not recorded as paged, so not paged: it is tried again next time
            self.store_failed(error)
            return
        if events:
            self._page_overdue(events)

    @work(group="alerts", exit_on_error=False)
    async def _page_overdue(self, events) -> None:
        for problem in await self.alerts.page_overdue(events):
            self.notify(problem, severity="warning")

    def action_toggle_mute(self) -> None:
        conversation_id = self._target_conversation()
        if conversation_id is None:
            return
        muted = not self.store.inbox.is_muted(conversation_id)
        if self.store_write(self.engine.set_muted, conversation_id, muted):
            key = key_for(self, "app.mute")
            self.notify(
                f"Muted: no bell for this conversation · {key} unmutes." if muted else f"Unmuted · {key} mutes again."
            )
