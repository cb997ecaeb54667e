"""Sending through the outbox: every text goes once, or is visibly of unknown fate.

`POST /messages` has no idempotency key, so a send whose answer was lost (a timeout, a cut
connection, a 5xx, a 2xx we cannot read) may or may not have reached Sakari. Such a send is
never repeated by itself: it is looked for among the recipient's messages at widening intervals
(`RECONCILE_AT_S`), and when it has not turned up by the end, it waits for the user, who is
asked before it goes again. Only a failure that certainly happened before the request left
(a refused connection, a 429) is retried by itself.

How a send is found on the server is reconcile.py's part. An MMS first has its attachment
hosted with Sakari (uploads.py), the link committed to the row before the send; an upload is
harmless to repeat, so any failure of it waits and tries again, except Sakari's refusal of the
file, which fails the row.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from .. import api  # models by name, loaded at first use: not before the first frame
from ..api import ApiUnavailable, BadResponse, RateLimited, SakariError
from ..sms.templates import contact_context, same_sent_text
from ..store import OutboxEntry, SendState, Store
from ..store.outbox import NEW_CONVERSATION_PREFIX, Schedule, is_placeholder, placeholder_id
from ..store.outbox_media import LocalFile
from .backoff import backoff_delay
from .events import ConversationsChanged, Event, SendStateChanged, ThreadChanged
from .first_texts import ensure_placeholder, first_text_request, replace_placeholder
from .reconcile import LOOK_AGAIN_S, RECONCILE_AT_S, duration, find_match, recent_messages, send_time_bound
from .uploads import StagedCopyGone, Uploader, needs_upload

if TYPE_CHECKING:
    from ..api import Message, SakariClient

__all__ = ["Delivery", "RECONCILE_AT_S"]


class Delivery:
    """The outbox's state machine over one client and one store (used through `InboxEngine`)."""

    def __init__(
        self,
        client: SakariClient,
        store: Store,
        emit: Callable[[Event], None],
        *,
        clock: Callable[[], float],
        rng: random.Random,
        reconcile_at: Sequence[float] = RECONCILE_AT_S,
    ) -> None:
        self.client = client
        self.store = store
        self.emit = emit
        self.clock = clock
        self.rng = rng
        self.reconcile_at = tuple(reconcile_at)
        # Shared by every Delivery over this store (see Outbox.delivering).
        self._delivering: set[str] = store.outbox.delivering
        self.uploads = Uploader(client, store, emit)
        # The API's refusal of a row that failed in this process, for callers that want the error itself.
        self.refusals: dict[str, SakariError] = {}

    # --- queueing ----------------------------------------------------------------------------

    def queue_reply(
        self,
        conversation_id: str,
        text: str,
        media: LocalFile | None = None,
        *,
        send_at: float | None = None,
        schedule: Schedule | None = None,
        keep_draft: bool = False,
    ) -> OutboxEntry:
        """Record a reply (on disk, before any request); `deliver()` then sends it. With `send_at`
        it is scheduled instead (see scheduled.py): `deliver()` leaves it alone until released.
        With `media`, an MMS: the file is copied into the outbox first (ValueError when it cannot
        be read, a StoreWriteError when it cannot be copied; nothing is queued then)."""
        later = {"send_at": send_at, "schedule": schedule, "media": media, "keep_draft": keep_draft}
        if is_placeholder(conversation_id):
            # Sakari has not said which conversation the first text opened: this one goes to the number too.
            first = next((e for e in self.store.outbox.for_conversation(conversation_id) if e.target), None)
            conversation = self.store.inbox.conversation(conversation_id)
            number = conversation_id.removeprefix(NEW_CONVERSATION_PREFIX)
            target = dict(first.target) if first and first.target else {"number": number}
            return self._add(
                conversation_id,
                None,
                text,
                target=target,
                contact=conversation.contact if conversation else None,
                **later,
            )
        conversation = self.store.inbox.conversation(conversation_id)
        identifiers = conversation.contact if conversation else None
        contact_id = identifiers.id if identifiers else None
        contact = (self.store.inbox.contact(contact_id) if contact_id else None) or identifiers
        return self._add(conversation_id, contact_id, text, contact=contact, **later)

    def queue_new_conversation(
        self,
        number: str,
        text: str,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        country: str | None = None,
        group_id: str | None = None,
        media: LocalFile | None = None,
        keep_draft: bool = False,
    ) -> OutboxEntry:
        """Record the first text to a number under a placeholder conversation that the list and
        the thread show until Sakari says which conversation it opened (`media`: as `queue_reply`).

        `group_id` (the sender's Group, from `[[senders]]`) is kept in the row's target: a send
        resumed after a crash starts from the same number."""
        target = {
            "number": number,
            "firstName": first_name,
            "lastName": last_name,
            "country": country,
            "groupId": group_id,
        }
        target = {key: value for key, value in target.items() if value}
        contact = api.ContactIdentifiers(first_name=first_name, last_name=last_name, mobile=api.Mobile(number=number))
        entry = self._add(
            placeholder_id(number), None, text, target=target, contact=contact, media=media, keep_draft=keep_draft
        )
        ensure_placeholder(self.store, self.emit, entry)
        return entry

    def _add(
        self,
        conversation_id: str,
        contact_id: str | None,
        text: str,
        *,
        target=None,
        contact=None,
        send_at: float | None = None,
        schedule: Schedule | None = None,
        media: LocalFile | None = None,
        keep_draft: bool = False,
    ) -> OutboxEntry:
        context = contact_context(contact)
        existing = tuple(
            message_id
            for message_id, body, template in self.store.inbox.outgoing_texts(conversation_id, contact_id)
            if same_sent_text(text, body, template, context)
        )
        entry = self.store.outbox.add(
            conversation_id,
            contact_id,
            text,
            existing,
            target=target,
            context=context,
            send_at=send_at,
            schedule=schedule,
            media=media,
            keep_draft=keep_draft,
        )
        self._emit_state(entry)
        return entry

    # --- sending -----------------------------------------------------------------------------

    async def deliver(self, local_id: str, *, resend: bool = False) -> Message | None:
        """Send one outbox row, or (after an unclear outcome) look for it. `resend=True` is the
        user's explicit choice to send again a row that failed or whose fate is unknown."""
        if local_id in self._delivering:
            return None
        entry = self.store.outbox.get(local_id)
        if entry is None or entry.state is SendState.SCHEDULED:
            # Never before its time: only its release (scheduled.py) makes a scheduled row sendable.
            return None
        self._delivering.add(local_id)
        try:
            if entry.state in (SendState.SENDING, SendState.UNKNOWN) and not resend:
                return await self._reconcile(entry)
            if resend:
                entry.ambiguous_since, entry.checks = None, 0
            if not await self._ensure_link(entry):
                return None
            return await self._send(entry)
        finally:
            self._delivering.discard(local_id)

    async def _ensure_link(self, entry: OutboxEntry) -> bool:
        """An MMS row's attachment hosted on a link that lasts (uploaded now if needed); False
        when the row waits or failed instead (saved so). The row stays queued while uploading."""
        if not needs_upload(entry, self.client.server_time()):
            return True
        if entry.state is not SendState.QUEUED or entry.error:
            entry.state, entry.error = SendState.QUEUED, None
            self._save(entry)
        try:
            await self.uploads.upload(entry)
        except StagedCopyGone as gone:
            entry.state, entry.error = SendState.FAILED, str(gone)
            self._save(entry)
            return False
        except RateLimited as error:
            entry.attempts += 1
            self._retry_later(entry, error.message, at_least=error.retry_after or 0.0)
            return False
        except (ApiUnavailable, BadResponse) as error:  # nothing was sent: upload again later
            entry.attempts += 1
            self._retry_later(entry, error.message)
            return False
        except SakariError as error:  # the file refused (too big, a type Sakari does not take)
            self.refusals[entry.local_id] = error
            entry.state, entry.error = SendState.FAILED, str(error)
            self._save(entry)
            return False
        return True

    async def _send(self, entry: OutboxEntry) -> Message | None:
        if entry.is_mms and not entry.media_url:  # never as a plain text without its picture
            return self._retry_later(entry, "The attachment is not uploaded yet.")
        entry.state, entry.error = SendState.SENDING, None
        entry.attempts += 1
        if entry.not_before is None:
            entry.not_before = send_time_bound(self.client, self.store, entry)
        self._save(entry)  # on disk before the request: a crash now leaves a row to look for
        try:
            if entry.target:
                request = first_text_request(entry.text, entry.target, entry.media_url)
                result = await self.client.send_message(request=request)
            elif entry.media_url:
                result = await self.client.send_message(
                    template=entry.text, conversations=[entry.conversation_id], media_urls=[entry.media_url]
                )
            else:
                result = await self.client.send_message(template=entry.text, conversations=[entry.conversation_id])
        except ApiUnavailable as error:
            if error.request_sent is False:
                return self._retry_later(entry, error.message)
            return await self._unclear(entry, error.message)
        except BadResponse as error:  # a 2xx we could not read: it may well have gone
            return await self._unclear(entry, error.message)
        except RateLimited as error:  # refused before processing: safe to send again later
            return self._retry_later(entry, error.message, at_least=error.retry_after or 0.0)
        except SakariError as error:  # refused (auth, invalid, opted out): nothing was sent
            self.refusals[entry.local_id] = error
            entry.state, entry.error = SendState.FAILED, str(error)
            self._save(entry)
            return None
        sent = next((m for m in result.messages if m.id), None)
        if sent is None:
            reason = next((item.error.text for item in result.invalid if item.error and item.error.text), None)
            if reason:
                entry.state, entry.error = SendState.FAILED, reason
                self._save(entry)
                return None
            # A 2xx without the message (an empty or odd body): as unclear as a lost answer.
            return await self._unclear(entry, "The Sakari API answered without saying what it sent.")
        return await self._adopt(entry, sent)

    def _retry_later(self, entry: OutboxEntry, reason: str, *, at_least: float = 0.0) -> None:
        entry.state = SendState.QUEUED
        entry.next_attempt = self.clock() + max(backoff_delay(entry.attempts, self.rng), at_least)
        entry.error = f"{reason} It is sent again automatically."
        self._save(entry)
        return None

    async def _unclear(self, entry: OutboxEntry, reason: str) -> Message | None:
        """The request may have reached Sakari: look for the message, never send it again by itself."""
        self._start_looking(entry, f"{reason} Checking whether it reached Sakari…")
        self._save(entry)
        return await self._reconcile(entry)

    def _start_looking(self, entry: OutboxEntry, reason: str | None = None) -> None:
        """The row's fate is unknown from now on; the look-for window starts at the first such moment."""
        entry.state = SendState.UNKNOWN
        if entry.ambiguous_since is None:
            entry.ambiguous_since, entry.checks = self.clock(), 0
        if reason is not None:
            entry.error = reason

    # --- looking for an unclear send ---------------------------------------------------------

    def gave_up(self, entry: OutboxEntry) -> bool:
        """Looked for over the whole window and not found: only the user decides now."""
        return entry.state is SendState.UNKNOWN and entry.checks >= len(self.reconcile_at)

    async def _reconcile(self, entry: OutboxEntry) -> Message | None:
        self._start_looking(entry)
        try:
            messages = await recent_messages(self.client, entry)
        except SakariError as error:
            entry.error = f"Unknown whether it was sent: cannot check ({error.message}) Checking again shortly."
            if not self.gave_up(entry):
                entry.next_attempt = self.clock() + LOOK_AGAIN_S
            self._save(entry)
            return None
        match = find_match(entry, messages)
        if match is not None:
            return await self._adopt(entry, match)
        entry.checks = min(entry.checks + 1, len(self.reconcile_at))
        if self.gave_up(entry):
            entry.error = (
                f"Not found on Sakari after {duration(self.reconcile_at[-1])} of looking; it may not "
                "have been sent. Check the conversation before sending it again."
            )
        else:
            entry.error = "Not found on Sakari yet; looking again (it is not sent again by itself)."
            entry.next_attempt = max(self.clock(), entry.ambiguous_since + self.reconcile_at[entry.checks])
        self._save(entry)
        return None

    async def _adopt(self, entry: OutboxEntry, message: Message) -> Message:
        """Sakari has the text: cache the message, let no other row claim it, drop the row."""
        conversation_id = (message.conversation.id if message.conversation else None) or entry.conversation_id
        self.store.inbox.merge_messages(conversation_id, [message])
        self.store.outbox.adopted(entry.local_id, message.id)
        self._emit_state(entry, SendState.SENT)
        if is_placeholder(entry.conversation_id) and conversation_id != entry.conversation_id:
            contact_id = message.contact.id if message.contact else None
            await replace_placeholder(
                self.client, self.store, self.emit, entry.conversation_id, conversation_id, contact_id
            )
        self.emit(ThreadChanged(conversation_id))
        if conversation_id != entry.conversation_id:
            self.emit(ThreadChanged(entry.conversation_id))
        return message

    # --- housekeeping ------------------------------------------------------------------------

    def resume_outbox(self) -> None:
        """At start-up (this process owns the store): a row found 'sending' belonged to a process
        that stopped mid-send, so it is looked for like any unclear send. Attachments copied for
        rows that were never written (a crash in between) are removed."""
        self.store.outbox.sweep_files()
        for entry in self.store.outbox.all():
            if entry.state is SendState.SENDING:
                self._start_looking(entry, "The app stopped while sending this; checking whether it reached Sakari…")
                entry.next_attempt = 0.0
                self._save(entry)
            if entry.target:
                ensure_placeholder(self.store, self.emit, entry)

    async def retry_due(self) -> int:
        """Send queued rows and look for unclear ones whose time has come; returns how many ran."""
        now = self.clock()
        due = [
            e
            for e in self.store.outbox.all()
            if e.local_id not in self._delivering
            and (
                (e.state in (SendState.QUEUED, SendState.UNKNOWN) and e.next_attempt <= now and not self.gave_up(e))
                # 'sending' with no delivery running: this process owns the store, so its own delivery
                # was cut short (a full disk after the request, a cancelled worker): look for it.
                or e.state is SendState.SENDING
            )
        ]
        for entry in due:
            await self.deliver(entry.local_id)
        return len(due)

    def in_flight(self) -> list[OutboxEntry]:
        """Rows still being sent or looked for (those waiting for the user or for their time are not)."""
        return [
            e
            for e in self.store.outbox.all()
            if e.state not in (SendState.FAILED, SendState.SCHEDULED) and not self.gave_up(e)
        ]

    def discard(self, local_id: str) -> OutboxEntry | None:
        """Drop a row (its text is returned so the UI can put it back)."""
        entry = self.store.outbox.get(local_id)
        if entry is None:
            return None
        self.store.outbox.remove(local_id)
        if is_placeholder(entry.conversation_id) and not self.store.outbox.for_conversation(entry.conversation_id):
            self.store.inbox.forget_conversation(entry.conversation_id)
            self.emit(ConversationsChanged((entry.conversation_id,), ()))
        self.emit(ThreadChanged(entry.conversation_id))
        return entry

    def _emit_state(self, entry: OutboxEntry, state: SendState | None = None) -> None:
        self.emit(SendStateChanged(entry.conversation_id, entry.local_id, state or entry.state, entry.error))

    def _save(self, entry: OutboxEntry) -> None:
        self.store.outbox.update(entry)
        self._emit_state(entry)
