"""Send later: a scheduled reply waits in the outbox until its time, then goes through the same
delivery as any reply, after the checks a reply sent now would have had, made again at that time.

Exactly once: a scheduled row is never sent by `Delivery.deliver` (it returns without a request);
only `release_due` turns it into a queued row, in one conditional update that also fails if the
row was taken back into the draft meanwhile, and from then on it is an ordinary queued row (a
crash mid-send is reconciled as today). A crash before its time leaves the row on disk, and it
goes when due. Two processes never release the same row: the store's lock (store/lock.py) lets
one process own the outbox, the app or `sakari-tui outbox run`.

At its time, in this order:
  - the contact opted out meanwhile: refused (failed, with the reason; D discards it);
  - the customer wrote since it was scheduled (checked every round, from what the store has):
    back into the draft with a notice, unless the row keeps it (`compose.keep_scheduled_on_reply`);
  - outside the recipient's sending window now (the hours re-checked): it waits for the next
    minute inside the window in every zone of the number, and says so;
  - anyone else wrote since it was scheduled (the collision guard reads the thread, one request):
    back into the draft with a notice;
  - otherwise it is released and sent.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from ..api import SakariError
from ..sms.authors import AuthorKind
from ..sms.quiet_hours import check_zones, next_send_time_for, recipient_time_zones
from ..store import OutboxEntry, SendState, Store
from ..store.outbox import Schedule, is_placeholder
from ..store.outbox_media import LocalFile
from .collisions import CollisionGuard
from .delivery import Delivery
from .events import ConversationMarked, Event, SendStateChanged, ThreadChanged

if TYPE_CHECKING:
    from ..api import Message

CUSTOMER_WROTE = "The customer wrote before your scheduled reply went; it is back in the draft."
OPTED_OUT = "The contact opted out after this reply was scheduled; texts to them are refused."
NO_COMMON_WINDOW = "No time is inside the sending window in every time zone of this number; send it yourself."


def dropped(name: str) -> str:
    return f"Attach {name} again to send it."


def colleague_wrote(who: str) -> str:
    return f"{who} wrote since your reply was scheduled; it was not sent and is back in the draft."


class ScheduledReplies:
    """Scheduling replies and releasing them when due (used through `InboxEngine`)."""

    def __init__(
        self,
        delivery: Delivery,
        guard: CollisionGuard,
        store: Store,
        emit: Callable[[Event], None],
        *,
        clock: Callable[[], float],
    ) -> None:
        self.delivery = delivery
        self.guard = guard
        self.store = store
        self.emit = emit
        self.clock = clock

    def schedule(
        self,
        conversation_id: str,
        text: str,
        send_at: float,
        *,
        window: tuple[str, str] | None,
        keep_on_reply: bool = False,
        collision_guard: bool = True,
        media: LocalFile | None = None,
        keep_draft: bool = False,
    ) -> OutboxEntry:
        """Record a reply that goes at `send_at` (wall clock), its draft dropped in the same commit.

        `window`: the sending window re-checked at that time (None: not checked). `media`: an MMS,
        its file copied into the outbox now and uploaded when it is released."""
        from ..sms.collision import DraftBase  # loaded at its first use, not before the first frame

        base = DraftBase.of(self._known_messages(conversation_id))
        schedule = Schedule(
            scheduled_at=self.clock(),
            base=base.to_json(),
            window=window,
            keep_on_reply=keep_on_reply,
            collision_guard=collision_guard,
        )
        entry = self.delivery.queue_reply(
            conversation_id, text, media, send_at=send_at, schedule=schedule, keep_draft=keep_draft
        )
        self.emit(ConversationMarked(conversation_id))
        return entry

    def pending(self) -> list[OutboxEntry]:
        """Replies waiting for their time."""
        return [e for e in self.store.outbox.all() if e.state is SendState.SCHEDULED]

    def cancel(self, local_id: str, reason: str | None = None) -> OutboxEntry | None:
        """Back into the draft (after any text typed since); None if it was not scheduled (any more)."""
        entry = self.store.outbox.get(local_id)
        if entry is None:
            return None
        from ..sms.collision import DraftBase  # loaded at its first use, not before the first frame

        base = DraftBase.of(self.store.inbox.thread(entry.conversation_id, limit=20)).to_json()
        taken = self.store.outbox.back_to_draft(local_id, base)
        if taken is None:
            return None
        if taken.media_name:  # the draft keeps text only: its attachment went with the row
            reason = (
                f"{reason or 'Scheduled reply cancelled; its text is back in the draft.'} {dropped(taken.media_name)}"
            )
        self.emit(SendStateChanged(taken.conversation_id, taken.local_id, SendState.CANCELLED, reason))
        self.emit(ThreadChanged(taken.conversation_id))
        self.emit(ConversationMarked(taken.conversation_id))
        return taken

    async def release_due(self) -> int:
        """One round: cancel what the customer answered first, release (and send) what is due.
        Returns how many rows were released or taken back."""
        now = self.clock()
        handled = 0
        for entry in self.pending():
            if entry.local_id in self.delivery._delivering:
                continue
            if self._opted_out(entry):
                self._refuse(entry, OPTED_OUT)
                handled += 1
            elif self._customer_wrote(entry):
                self.cancel(entry.local_id, CUSTOMER_WROTE)
                handled += 1
            elif entry.send_at is None or entry.send_at <= now:
                await self._release(entry)
                handled += 1
        return handled

    async def _release(self, entry: OutboxEntry) -> Message | None:
        delivering = self.delivery._delivering
        delivering.add(entry.local_id)  # a second round meanwhile (the poller's next tick) leaves it be
        try:
            await self._refresh_contact(entry)
            if self._opted_out(entry):
                return self._refuse(entry, OPTED_OUT)
            if self._customer_wrote(entry):
                self.cancel(entry.local_id, CUSTOMER_WROTE)
                return None
            if self._waits_for_window(entry):
                return None
            schedule = entry.schedule or Schedule(scheduled_at=0.0)
            from ..sms.collision import DraftBase  # loaded at its first use, not before the first frame

            base = DraftBase.from_json(schedule.base)
            if schedule.collision_guard and base is not None and not is_placeholder(entry.conversation_id):
                check = await self.guard.check(entry.conversation_id, base)
                arrivals = [
                    a for a in check.arrivals if not (schedule.keep_on_reply and a.author.kind is AuthorKind.CUSTOMER)
                ]
                if arrivals:
                    lead = next((a for a in reversed(arrivals) if a.author.someone_else), arrivals[-1])
                    if lead.author.kind is AuthorKind.CUSTOMER:
                        self.cancel(entry.local_id, CUSTOMER_WROTE)
                    else:
                        self.cancel(entry.local_id, colleague_wrote(lead.author.subject))
                    return None
            if not self.store.outbox.release(entry):
                return None  # taken back into the draft while the thread was read
        finally:
            delivering.discard(entry.local_id)
        return await self.delivery.deliver(entry.local_id)

    # --- the checks -----------------------------------------------------------------------------

    def _contact_id(self, entry: OutboxEntry) -> str | None:
        if entry.contact_id:
            return entry.contact_id
        conversation = self.store.inbox.conversation(entry.conversation_id)
        return conversation.contact.id if conversation and conversation.contact else None

    def _opted_out(self, entry: OutboxEntry) -> bool:
        return self.store.inbox.is_opted_out(self._contact_id(entry))

    async def _refresh_contact(self, entry: OutboxEntry) -> None:
        """Read the contact again (an opt-out made in the Hub since); a failed read decides nothing."""
        contact_id = self._contact_id(entry)
        if not contact_id:
            return
        try:
            self.store.inbox.merge_contact(await self.delivery.client.fetch_contact(contact_id))
        except SakariError:
            pass

    def _customer_wrote(self, entry: OutboxEntry) -> bool:
        """An inbound text newer than the thread as it was when the reply was scheduled (as far as
        this machine has it: the list's last message and the cached thread)."""
        schedule = entry.schedule
        if schedule is None or schedule.keep_on_reply:
            return False
        from ..sms.collision import DraftBase  # loaded at its first use, not before the first frame

        base = DraftBase.from_json(schedule.base)
        if base is None:
            return False
        return any(not m.outgoing and m.id and base.is_newer(m) for m in self._known_messages(entry.conversation_id))

    def _known_messages(self, conversation_id: str) -> list[Message]:
        """The newest messages this machine has: the cached thread and the list's last message
        (which a poll of the list brings before the thread is read)."""
        messages = list(self.store.inbox.thread(conversation_id, limit=20))
        conversation = self.store.inbox.conversation(conversation_id)
        if conversation is not None and conversation.last_message is not None:
            messages.append(conversation.last_message)
        return messages

    def _waits_for_window(self, entry: OutboxEntry) -> bool:
        """Outside the recipient's window now: move its time to the next minute inside it."""
        window = entry.schedule.window if entry.schedule else None
        number = self._number(entry)
        if window is None or not number:
            return False
        now = datetime.fromtimestamp(self.clock(), timezone.utc)
        zones = recipient_time_zones(number)
        if not zones or check_zones(zones, now, start=window[0], end=window[1]) is None:
            return False
        found = next_send_time_for(number, now, *window)
        if found is None:
            self._refuse(entry, NO_COMMON_WINDOW)
            return True
        entry.send_at = found.at.timestamp()
        entry.error = f"Outside their sending window at its time; it waits for {found.described()}."
        self.store.outbox.update(entry)
        self.emit(SendStateChanged(entry.conversation_id, entry.local_id, entry.state, entry.error))
        return True

    def _number(self, entry: OutboxEntry) -> str | None:
        if entry.target:
            return entry.target.get("number")
        conversation = self.store.inbox.conversation(entry.conversation_id)
        contact = conversation.contact if conversation else None
        return contact.mobile.number if contact and contact.mobile else None

    def _refuse(self, entry: OutboxEntry, reason: str) -> None:
        entry.state, entry.error = SendState.FAILED, reason
        self.store.outbox.update(entry)
        self.emit(SendStateChanged(entry.conversation_id, entry.local_id, SendState.FAILED, reason))
