"""New customer texts get the user's attention: bell, terminal and desktop notifications, the hook.

The notifier (`notify.notifier`) knows how to notify; this decides when. A text in a muted
conversation makes no sound. The backlog a first sync brings into an empty store is not news,
so it notifies nothing; and a burst (many conversations at once, e.g. after a night offline)
shows a few notifications and one summary rather than dozens.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from ..sms.authors import AuthorKind
from ..store import Store
from ..store.overdue import waited
from .notifier import NewMessage, Notifier, OverdueEvent

# Individual desktop/terminal notifications per burst; the rest are counted in one summary.
NOTIFY_AT_ONCE = 3


class Alerts:
    def __init__(
        self, notifier: Notifier, store: Store, *, bell: Callable[[], None], write_terminal: Callable[[str], None]
    ) -> None:
        self.notifier = notifier
        self.store = store
        self.bell = bell
        self.write_terminal = write_terminal
        # An empty store at start: the first sync's texts are the account's history, not news.
        self.quiet_backlog = store.inbox.count() == 0

    def backlog_loaded(self) -> None:
        """The first full sync is over: from now on new inbound texts are news."""
        self.quiet_backlog = False

    def new_texts(self, conversation_ids: Sequence[str]) -> list[NewMessage]:
        """Ring and write terminal notifications now; return what the desktop and hook should get."""
        if self.quiet_backlog:
            return []
        events = [event for event in map(self._event, conversation_ids) if event is not None]
        if not events:
            return []
        if self.notifier.settings.bell:
            self.bell()
        sequences = [self.notifier.terminal_sequence_for(event) for event in events[:NOTIFY_AT_ONCE]]
        if len(events) > NOTIFY_AT_ONCE:
            sequences.append(self.notifier.terminal_sequence("sakari-tui", self._more(events)))
        for sequence in sequences:
            if sequence:
                self.write_terminal(sequence)
        return events

    @staticmethod
    def _more(events: Sequence[NewMessage]) -> str:
        return f"{len(events) - NOTIFY_AT_ONCE} more new texts"

    async def deliver(self, events: Sequence[NewMessage]) -> list[str]:
        """Desktop notifications (a few) and the on_message hook (each text); problems as sentences."""
        problems: list[str] = []
        for index, event in enumerate(events):
            problems += await self.notifier.notify(event, desktop=index < NOTIFY_AT_ONCE)
        if len(events) > NOTIFY_AT_ONCE:
            problems += await self.notifier.notify_desktop("sakari-tui", self._more(events))
        return list(dict.fromkeys(problems))

    def overdue(self, now: datetime, alert_after: timedelta) -> list[OverdueEvent]:
        """Waits that passed `alert_after` by `now` (server time) and are not paged yet: each is
        recorded as paged now and returned once (none while no on_overdue command is set)."""
        if not self.notifier.overdue_argv:
            return []
        return [
            OverdueEvent(wait.contact_name or wait.number, wait.number, wait.conversation_id, waited(wait.since, now))
            for wait in self.store.overdue.newly_overdue(now, alert_after)
        ]

    async def page_overdue(self, events: Sequence[OverdueEvent]) -> list[str]:
        """Run on_overdue for each; the problems, as sentences (each said once)."""
        problems: list[str] = []
        for event in events:
            problems += await self.notifier.page_overdue(event)
        return list(dict.fromkeys(problems))

    def _event(self, conversation_id: str) -> NewMessage | None:
        if self.store.inbox.is_muted(conversation_id):
            return None
        rows = self.store.inbox.rows_by_id([conversation_id])
        row = rows.get(conversation_id)
        if row is None:
            return None
        if not row.last_outgoing:
            return NewMessage(row.name or row.number, row.number, conversation_id, row.last_text)
        if row.last_author.kind is not AuthorKind.AUTO_REPLY:
            return None  # a teammate's (or our own) text: not news
        # The auto-responder answered before we looked: the customer's text is the news.
        inbound = [m for m in self.store.inbox.thread(conversation_id, limit=10) if not m.outgoing]
        text = inbound[-1].message or "" if inbound else "A new text (the auto-responder has answered it)."
        return NewMessage(row.name or row.number, row.number, conversation_id, text)
