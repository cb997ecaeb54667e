"""The inbox engine: merges API pages into the store and carries out the user's commands.

It never touches the screen. It emits events (see `events.py`) through one listener callback;
the UI turns them into redraws. Every method may raise `SakariError` with a plain message.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from ..api import (
    OPTED_OUT_AT_ATTRIBUTE,
    OPTED_OUT_TAG,
    ApiUnavailable,
    AuthError,
    BadResponse,
    Contact,
    ContactRequest,
    Conversation,
    Message,
    Mobile,
    RateLimited,
    SakariClient,
    SakariError,
    Tag,
    Template,
    TemplateRequest,
)
from ..store import MergeResult, OutboxEntry, SendState, Store
from .events import ConversationsChanged, Event, SendStateChanged, ThreadChanged

PAGE_SIZE = 100
# Conversations merged between two turns of the event loop (see `_merge_in_chunks`).
MERGE_CHUNK = 10
THREAD_PAGE_SIZE = 50
# A reply whose fate is unknown is looked for this long after the failure before we conclude it
# never arrived (the server may still be processing a request that timed out on our side).
AMBIGUOUS_GRACE_S = 5.0
AMBIGUOUS_CHECKS = 2
# Server messages created this long before the reply was recorded can still be it (clock skew).
CLOCK_SKEW_S = 120.0
RETRY_BASE_S = 1.0
RETRY_CAP_S = 60.0


# The UI's name for a reply that is not (known to be) sent yet: an outbox row.
PendingSend = OutboxEntry


class InboxEngine:
    """Sync and commands for one account, over one client and one store."""

    def __init__(
        self,
        client: SakariClient,
        store: Store,
        *,
        listener: Callable[[Event], None] | None = None,
        page_size: int = PAGE_SIZE,
        thread_page_size: int = THREAD_PAGE_SIZE,
        ambiguous_grace: float = AMBIGUOUS_GRACE_S,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
    ) -> None:
        self.client = client
        self.store = store
        self.listener = listener or (lambda event: None)
        self.page_size = page_size
        self.thread_page_size = thread_page_size
        self.ambiguous_grace = ambiguous_grace
        self.clock = clock
        self.rng = rng or random.Random()
        self._delivering: set[str] = set()
        self._checks: dict[str, int] = {}
        # Whether the API has messages older than those cached, per conversation (None: not known yet).
        self.older_available: dict[str, bool] = {}
        self._walked_once = False

    def emit(self, event: Event) -> None:
        self.listener(event)

    # --- reading -----------------------------------------------------------------------------

    async def sync_conversations(self, *, full: bool = False) -> ConversationsChanged:
        """Fetch conversations newest first, stopping at the first page that reaches unchanged ones.

        The first sync of a session (or `full=True`) walks every page, so changes far down the
        list made while the app was closed are seen too.
        """
        walk_all = full or not self._walked_once
        changed: list[str] = []
        new_inbound: list[str] = []
        offset: int | None = 0
        while offset is not None:
            page = await self.client.fetch_all_conversations(offset=offset, limit=self.page_size)
            result = await self._merge_in_chunks(page.items)
            changed += result.changed
            new_inbound += result.new_inbound
            if result.changed:
                # Emit page by page so the first page shows before the rest of a large account syncs.
                self.emit(ConversationsChanged(result.changed, result.new_inbound))
            if result.unchanged and not walk_all:
                break
            offset = page.next_offset
        self._walked_once = True
        return ConversationsChanged(tuple(changed), tuple(new_inbound))

    @property
    def walked_once(self) -> bool:
        """The first walk through every page of conversations is over."""
        return self._walked_once

    async def _merge_in_chunks(self, conversations: list[Conversation]) -> MergeResult:
        """Merge a page a few conversations at a time, letting the event loop run in between.

        A page of 100 new conversations takes some 15-30 ms to merge; in one go that is a stall
        a key press would feel. In chunks, keys and frames get through between them.
        """
        changed: list[str] = []
        new_inbound: list[str] = []
        unchanged = 0
        for start in range(0, len(conversations), MERGE_CHUNK):
            # Also before the first chunk: the page was just read and validated in this turn.
            await asyncio.sleep(0)
            result = self.store.inbox.merge_conversations(conversations[start:start + MERGE_CHUNK])
            changed += result.changed
            new_inbound += result.new_inbound
            unchanged += result.unchanged
        return MergeResult(tuple(changed), tuple(new_inbound), unchanged)

    async def sync_thread(self, conversation_id: str) -> bool:
        """Fetch the newest messages of a conversation; True if anything changed."""
        page = await self.client.fetch_all_messages(conversation_id=conversation_id, limit=self.thread_page_size)
        changed = self.store.inbox.merge_messages(conversation_id, page.items)
        if conversation_id not in self.older_available:
            self.older_available[conversation_id] = page.next_offset is not None
        if changed:
            self.emit(ThreadChanged(conversation_id))
        return bool(changed)

    async def load_older(self, conversation_id: str) -> int:
        """Fetch the page of messages older than those cached; returns how many were new."""
        offset = self.store.inbox.message_count(conversation_id)
        page = await self.client.fetch_all_messages(
            conversation_id=conversation_id, offset=offset, limit=self.thread_page_size
        )
        changed = self.store.inbox.merge_messages(conversation_id, page.items)
        self.older_available[conversation_id] = page.next_offset is not None
        if changed:
            self.emit(ThreadChanged(conversation_id))
        return len(changed)

    async def sync_contact(self, contact_id: str) -> None:
        """Refresh a contact (for its opt-out state)."""
        self.store.inbox.merge_contact(await self.client.fetch_contact(contact_id))

    @property
    def pending(self) -> dict[str, OutboxEntry]:
        """Every reply not (known to be) sent yet, by local id."""
        return {entry.local_id: entry for entry in self.store.outbox.all()}

    def thread(self, conversation_id: str, *, limit: int = 200) -> tuple[list[Message], list[OutboxEntry]]:
        """Cached messages (oldest first) and the replies still in the outbox."""
        messages = self.store.inbox.thread(conversation_id, limit=limit)
        return messages, self.store.outbox.for_conversation(conversation_id)

    # --- commands ----------------------------------------------------------------------------

    def queue_reply(self, conversation_id: str, text: str) -> OutboxEntry:
        """Record a reply in the outbox (on disk, before any request); `deliver()` then sends it."""
        conversation = self.store.inbox.conversation(conversation_id)
        contact_id = conversation.contact.id if conversation and conversation.contact else None
        existing = self.store.inbox.outgoing_ids_with_text(conversation_id, contact_id, text)
        entry = self.store.outbox.add(conversation_id, contact_id, text, existing)
        self._emit_state(entry)
        return entry

    def _emit_state(self, entry: OutboxEntry, state: SendState | None = None) -> None:
        self.emit(SendStateChanged(entry.conversation_id, entry.local_id, state or entry.state, entry.error))

    def _save(self, entry: OutboxEntry) -> None:
        self.store.outbox.update(entry)
        self._emit_state(entry)

    def _backoff(self, attempts: int) -> float:
        ceiling = min(RETRY_CAP_S, RETRY_BASE_S * 2 ** max(0, attempts - 1))
        return self.rng.uniform(min(RETRY_BASE_S / 2, ceiling), ceiling)

    async def deliver(self, local_id: str, *, resend: bool = False) -> Message | None:
        """Send (or, after an ambiguous failure, look for) one outbox reply.

        Never sends twice blindly: a reply that may already have gone is first looked for among
        the contact's messages. `resend=True` is the user's explicit choice to send an unknown or
        failed reply again.
        """
        if local_id in self._delivering:
            return None
        entry = self.store.outbox.get(local_id)
        if entry is None:
            return None
        self._delivering.add(local_id)
        try:
            if entry.state in (SendState.SENDING, SendState.UNKNOWN) and not resend:
                return await self._reconcile(entry)
            return await self._send(entry)
        finally:
            self._delivering.discard(local_id)

    async def _send(self, entry: OutboxEntry) -> Message | None:
        entry.state, entry.error = SendState.SENDING, None
        entry.attempts += 1
        self._save(entry)  # on disk before the request: a crash now leaves a row to reconcile
        try:
            result = await self.client.send_message(template=entry.text, conversations=[entry.conversation_id])
        except ApiUnavailable as error:
            if error.request_sent is False:
                return self._retry_later(entry, error.message)
            return await self._ambiguous(entry, error)
        except BadResponse as error:  # a 2xx we could not read: it probably went
            return await self._ambiguous(entry, error)
        except RateLimited as error:  # refused before processing: safe to send again later
            return self._retry_later(entry, error.message, at_least=error.retry_after or 0.0)
        except (AuthError, SakariError) as error:
            entry.state, entry.error = SendState.FAILED, str(error)
            self._save(entry)
            return None
        if not result.messages:
            reason = result.invalid[0].error.text if result.invalid and result.invalid[0].error else None
            entry.state = SendState.FAILED
            entry.error = reason or "The Sakari API accepted the request but sent no message."
            self._save(entry)
            return None
        return self._adopt(entry, result.messages[0])

    def _retry_later(self, entry: OutboxEntry, reason: str, *, at_least: float = 0.0) -> None:
        delay = max(self._backoff(entry.attempts), at_least)
        entry.state = SendState.QUEUED
        entry.next_attempt = self.clock() + delay
        entry.error = f"{reason} It is sent again automatically."
        self._save(entry)
        return None

    async def _ambiguous(self, entry: OutboxEntry, error: SakariError) -> Message | None:
        """The request may have reached Sakari: look for the message before anything else."""
        entry.state = SendState.UNKNOWN
        entry.error = f"{error.message} Checking whether it was sent…"
        self._save(entry)
        return await self._reconcile(entry)

    async def _reconcile(self, entry: OutboxEntry) -> Message | None:
        """Find the reply among the contact's newest messages; decide sent, retry, or unknown."""
        try:
            if entry.contact_id:
                page = await self.client.fetch_all_messages(contact_id=entry.contact_id, limit=50)
            else:
                page = await self.client.fetch_all_messages(conversation_id=entry.conversation_id, limit=50)
        except SakariError as error:
            entry.state = SendState.UNKNOWN
            entry.error = f"Unknown whether it was sent: cannot check ({error.message}) Check before resending."
            entry.next_attempt = self.clock() + self.ambiguous_grace
            self._save(entry)
            return None
        match = self._find_match(entry, page.items)
        if match is not None:
            return self._adopt(entry, match)
        checks = self._checks.get(entry.local_id, 0) + 1
        self._checks[entry.local_id] = checks
        if checks < AMBIGUOUS_CHECKS:
            # Not there yet: the server may still be working on it. Look again after a grace period.
            entry.state = SendState.UNKNOWN
            entry.error = "Not found yet; checking again shortly before sending it again."
            entry.next_attempt = self.clock() + self.ambiguous_grace
            self._save(entry)
            return None
        # Looked twice, a grace period apart, and it is not there: it never reached Sakari.
        self._checks.pop(entry.local_id, None)
        entry.state = SendState.QUEUED
        entry.next_attempt = self.clock()
        entry.error = "It did not reach Sakari; sending again."
        self._save(entry)
        return await self._send(entry)

    def _find_match(self, entry: OutboxEntry, messages: list[Message]) -> Message | None:
        earliest = entry.created_at - timedelta(seconds=CLOCK_SKEW_S)
        candidates = [
            m for m in messages
            if m.outgoing and m.id and m.message == entry.text and m.id not in entry.exclude_ids
            and (m.created_at is None or m.created_at >= earliest)
        ]
        candidates.sort(key=lambda m: (m.created_at is None, m.created_at))
        return candidates[0] if candidates else None

    def _adopt(self, entry: OutboxEntry, message: Message) -> Message:
        """The API has the reply: cache the message, let no other reply claim it, drop the row."""
        conversation_id = (message.conversation.id if message.conversation else None) or entry.conversation_id
        self.store.inbox.merge_messages(conversation_id, [message])
        if message.id:
            self.store.outbox.exclude_everywhere(message.id, entry.text, entry.contact_id)
        self.store.outbox.remove(entry.local_id)
        self._checks.pop(entry.local_id, None)
        self._emit_state(entry, SendState.SENT)
        self.emit(ThreadChanged(conversation_id))
        if conversation_id != entry.conversation_id:
            self.emit(ThreadChanged(entry.conversation_id))
        return message

    async def reply(self, conversation_id: str, text: str) -> Message | None:
        """Queue and send in one go (for scripts and tests)."""
        return await self.deliver(self.queue_reply(conversation_id, text).local_id)

    def resume_outbox(self) -> None:
        """At start-up: a reply found 'sending' may have gone before the app stopped; check it first."""
        for entry in self.store.outbox.all():
            if entry.state is SendState.SENDING:
                entry.state = SendState.UNKNOWN
                entry.error = "The app stopped while sending this; checking whether it was sent…"
                entry.next_attempt = 0.0
                self._save(entry)

    async def retry_due(self) -> int:
        """Send queued replies and re-check unknown ones whose time has come; returns how many ran."""
        now = self.clock()
        due = [
            e for e in self.store.outbox.all()
            if e.state in (SendState.QUEUED, SendState.UNKNOWN) and e.next_attempt <= now
            and e.local_id not in self._delivering
        ]
        for entry in due:
            await self.deliver(entry.local_id)
        return len(due)

    def in_flight(self) -> list[OutboxEntry]:
        """Replies that have not reached a final state (for the quit confirmation)."""
        return [e for e in self.store.outbox.all() if e.state is not SendState.FAILED]

    def discard(self, local_id: str) -> OutboxEntry | None:
        """Drop a reply from the outbox (its text is returned so the UI can put it back)."""
        entry = self.store.outbox.get(local_id)
        if entry is not None:
            self.store.outbox.remove(local_id)
            self._checks.pop(local_id, None)
            self.emit(ThreadChanged(entry.conversation_id))
        return entry

    async def start_conversation(
        self, number: str, text: str, *, first_name: str | None = None, last_name: str | None = None,
        country: str | None = None,
    ) -> str:
        """Text a number (E.164) and return the id of the conversation that the text opened."""
        contact = ContactRequest(mobile={"number": number, "country": country}, first_name=first_name, last_name=last_name)
        result = await self.client.send_message(template=text, contacts=[contact])
        if not result.messages:
            reason = result.invalid[0].error.text if result.invalid and result.invalid[0].error else None
            raise SakariError(reason or "The Sakari API did not send the message.")
        message = result.messages[0]
        conversation_id = message.conversation.id if message.conversation else None
        if not conversation_id:
            raise SakariError("The Sakari API sent the message but did not say which conversation it opened.")
        conversation = await self.client.fetch_conversation(conversation_id)
        self._merge_one(conversation)
        self.store.inbox.merge_messages(conversation_id, [message])
        return conversation_id

    async def close_conversation(self, conversation_id: str) -> Conversation:
        conversation = await self.client.close_conversation(conversation_id)
        self._merge_one(conversation)
        return conversation

    def _merge_one(self, conversation: Conversation) -> None:
        result = self.store.inbox.merge_conversations([conversation])
        if result.changed:
            self.emit(ConversationsChanged(result.changed, result.new_inbound))

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
    ) -> Contact:
        """Change a contact's name, email and tags; returns the contact as Sakari now has it.

        None leaves a field as it is, "" clears it. `tags` replaces the tag list (tags kept keep
        their visibility); `attributes` are added to the existing ones. The contact is read
        first and sent whole (mobile and attributes included), because a PUT may replace what it
        is not given. The store and the cached conversations' names are updated.
        """
        current = await self.client.fetch_contact(contact_id)
        return await self._put_contact(
            current, first_name=first_name, last_name=last_name, email=email, tags=tags, attributes=attributes
        )

    async def mark_opted_out(self, contact_id: str) -> Contact:
        """Record that the contact asked for no more texts: the `opted-out` tag plus an
        `optedOutAt` attribute (Sakari has no call that opts a contact out for us)."""
        current = await self.client.fetch_contact(contact_id)
        names = [tag.tag for tag in current.tags or ()]
        if not current.marked_opted_out:
            names.append(OPTED_OUT_TAG)
        when = datetime.fromtimestamp(self.clock(), timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
        return await self._put_contact(current, tags=names, attributes={OPTED_OUT_AT_ATTRIBUTE: when})

    async def _put_contact(
        self,
        current: Contact,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        email: str | None = None,
        tags: Iterable[str] | None = None,
        attributes: Mapping[str, Any] | None = None,
    ) -> Contact:
        contact_id = current.id or ""
        if tags is None:
            new_tags = list(current.tags or [])
        else:
            known = {tag.tag: tag for tag in current.tags or ()}
            new_tags = []
            for name in dict.fromkeys(name.strip() for name in tags if name and name.strip()):
                new_tags.append(known.get(name) or Tag(tag=name))
        request = ContactRequest(
            mobile=Mobile(number=current.mobile.number, country=current.mobile.country) if current.mobile else None,
            # "" (not None, which is left out of the body) so that a cleared field is cleared.
            first_name=(current.first_name or "") if first_name is None else first_name.strip(),
            last_name=(current.last_name or "") if last_name is None else last_name.strip(),
            email=(current.email or "") if email is None else email.strip(),
            attributes={**(current.attributes or {}), **(attributes or {})},
            tags=new_tags,
        )
        updated = await self.client.update_contact(contact_id, request)
        if not updated.id:
            updated = updated.model_copy(update={"id": contact_id})
        self.store.inbox.merge_contact(updated)
        # Every conversation of the contact, renamed or not: the opt-out mark shows in the rows too.
        conversations = self.store.inbox.update_contact_identity(updated)
        if conversations:
            self.emit(ConversationsChanged(tuple(conversations), ()))
        return updated

    # --- templates ---------------------------------------------------------------------------

    async def templates(self) -> list[Template]:
        """Every template of the account, in the API's order."""
        return [template async for template in self.client.iter_templates()]

    async def save_template(self, template_id: str | None, name: str, text: str) -> Template:
        """Create a template (`template_id` None) or change an existing one's name and text."""
        request = TemplateRequest(name=name.strip() or None, template=text)
        if template_id is None:
            request.type = "SMS"
            return await self.client.create_template(request)
        return await self.client.update_template(template_id, request)

    async def delete_template(self, template_id: str) -> None:
        """Remove a template for good."""
        if not await self.client.remove_template(template_id):
            raise SakariError("The Sakari API did not remove the template; try again.")
