"""The inbox engine: merges API pages into the store and carries out the user's commands.

It never touches the screen. It emits events (see `events.py`) through one listener callback;
the UI turns them into redraws. Every method may raise `SakariError` with a plain message.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from ..api.errors import SakariError
from ..sms.authors import Author
from ..store import OutboxEntry, SendState, Store
from ..store.outbox import is_placeholder
from ..store.outbox_media import LocalFile
from .account_commands import MAX_TEMPLATES as MAX_TEMPLATES
from .account_commands import ContactAndTemplateCommands
from .collisions import CollisionGuard
from .delivery import RECONCILE_AT_S, Delivery
from .events import ConversationMarked, ConversationsChanged, Event, ThreadChanged
from .page_merge import PageMerge
from .scheduled import ScheduledReplies

if TYPE_CHECKING:  # the client and the models load after the first frame (the poller's warm-up)
    from ..api import Conversation, Message, SakariClient
    from ..sms.collision import CollisionCheck, DraftBase

PAGE_SIZE = 100
THREAD_PAGE_SIZE = 50
# A walk of the conversation list stops here (200,000 conversations at 100 a page): a server that
# always says there is more must not keep the inbox fetching forever.
MAX_SYNC_PAGES = 2000
# A sync's pages are indexed for search in bulk this often, and when it ends (store/search_backlog.py):
# a search misses at most this many pages' newest rows, ~2 s of a first sync.
SEARCH_INDEX_EVERY = 20


class InboxEngine(ContactAndTemplateCommands):
    """Sync and commands for one account, over one client and one store."""

    def __init__(
        self,
        client: SakariClient,
        store: Store,
        *,
        listener: Callable[[Event], None] | None = None,
        page_size: int = PAGE_SIZE,
        thread_page_size: int = THREAD_PAGE_SIZE,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
        reconcile_at: Sequence[float] = RECONCILE_AT_S,
    ) -> None:
        self.client = client
        self.store = store
        self.pages = PageMerge(store)
        self._listeners: list[Callable[[Event], None]] = [listener] if listener else []
        self.page_size = page_size
        self.thread_page_size = thread_page_size
        self.clock = clock
        self.rng = rng or random.Random()
        self.delivery = Delivery(client, store, self.emit, clock=clock, rng=self.rng, reconcile_at=reconcile_at)
        self.collisions = CollisionGuard(client, store, self.emit, page_size=thread_page_size)
        self.later = ScheduledReplies(self.delivery, self.collisions, store, self.emit, clock=clock)
        # Whether the API has messages older than those cached, per conversation (None: not known yet).
        self.older_available: dict[str, bool] = {}
        self._walked_once = False
        self.sync_problem: str | None = None
        """Why the last walk of the conversation list stopped early (one sentence), or None."""
        self.templates_note: str | None = None
        """Why the last `templates()` is not the whole list (one sentence), or None."""

    def add_listener(self, listener: Callable[[Event], None]) -> Callable[[], None]:
        """Call `listener` with every event from now on; returns what stops it."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def emit(self, event: Event) -> None:
        for listener in list(self._listeners):
            listener(event)

    # --- what only this machine keeps --------------------------------------------------------
    # The UI writes these through the engine, not the store, so that every write says so in an
    # event and every view that shows it follows. A full disk raises StoreError, as any write.

    def mark_read(self, conversation_id: str) -> None:
        self.store.inbox.mark_read(conversation_id)
        self.emit(ConversationMarked(conversation_id))

    def save_draft(self, conversation_id: str, text: str, base: DraftBase | None = None) -> None:
        """Keep the unsent text (and, when it starts, what the thread looked like: the collision
        guard's base); the row's draft mark changes only when a draft begins or empties."""
        had = bool(self.store.drafts.get(conversation_id))
        self.store.drafts.save(conversation_id, text, base.to_json() if base is not None else None)
        if had != bool(text.strip()):
            self.emit(ConversationMarked(conversation_id))

    def set_muted(self, conversation_id: str, muted: bool) -> None:
        self.store.inbox.set_muted(conversation_id, muted)
        self.emit(ConversationMarked(conversation_id))

    # --- reading -----------------------------------------------------------------------------

    async def sync_conversations(self, *, full: bool = False) -> ConversationsChanged:
        """Fetch conversations newest first, stopping at the first page that reaches unchanged ones.

        The first sync of a session (or `full=True`) walks every page, so changes far down the
        list made while the app was closed are seen too.
        """
        try:
            result = await self._walk(walk_all=full or not self._walked_once)
        except Exception:
            # The failure is the sync's to report; the documents wait for the next sync's catch-up.
            with contextlib.suppress(Exception):
                await self.pages.index_search()
            raise
        await self.pages.index_search()
        return result

    async def _walk(self, *, walk_all: bool) -> ConversationsChanged:
        """The pages of `sync_conversations`, all of them when `walk_all`."""
        changed: list[str] = []
        new_inbound: list[str] = []
        seen: set[str] = set()
        pages = 0
        offset: int | None = 0
        self.sync_problem = None
        while offset is not None:
            page = await self.client.fetch_all_conversations(offset=offset, limit=self.page_size)
            pages += 1
            ids = [conversation.id for conversation in page.items]
            if ids and seen.issuperset(ids):
                # A server that ignores the offset (or loops) would otherwise be walked forever.
                self.sync_problem = "The Sakari API sent the same conversations again; the list may be incomplete."
                break
            seen.update(ids)
            result = await self.pages.merge(page.items)
            if pages % SEARCH_INDEX_EVERY == 0:
                await self.pages.index_search()
            changed += result.changed
            new_inbound += result.new_inbound
            if result.changed:
                # Emit page by page so the first page shows before the rest of a large account syncs.
                self.emit(ConversationsChanged(result.changed, result.new_inbound))
            if result.unchanged and not walk_all:
                break
            next_offset = page.next_offset
            if next_offset is not None and next_offset <= offset:
                self.sync_problem = "The Sakari API's pages do not advance; the list may be incomplete."
                break
            if next_offset is not None and pages >= MAX_SYNC_PAGES:
                self.sync_problem = f"Stopped after {pages:,} pages of conversations; the list may be incomplete."
                break
            offset = next_offset
        self._walked_once = True
        return ConversationsChanged(tuple(changed), tuple(new_inbound))

    @property
    def walked_once(self) -> bool:
        """The first walk through every page of conversations is over."""
        return self._walked_once

    async def sync_thread(self, conversation_id: str) -> bool:
        """Fetch the newest messages of a conversation; True if anything changed."""
        if is_placeholder(conversation_id):
            return False  # not on Sakari yet: its thread is the outbox's
        page = await self.client.fetch_all_messages(conversation_id=conversation_id, limit=self.thread_page_size)
        changed = self.store.inbox.merge_messages(conversation_id, page.items)
        if conversation_id not in self.older_available:
            self.older_available[conversation_id] = page.next_offset is not None
        if changed:
            self.emit(ThreadChanged(conversation_id))
        return bool(changed)

    async def load_older(self, conversation_id: str) -> int:
        """Fetch the page of messages older than those cached; returns how many were new."""
        if is_placeholder(conversation_id):
            self.older_available[conversation_id] = False
            return 0
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

    def authors(self, messages: Iterable[Message]) -> dict[str, Author]:
        """Who wrote each message, by id ("You" only for what this machine's outbox sent)."""
        return self.collisions.authors(messages)

    # --- the collision guard (see collisions.py) -----------------------------------------------

    def draft_base(self, conversation_id: str) -> DraftBase:
        """What the thread looks like now: the base of a draft that starts now."""
        return self.collisions.base_now(conversation_id)

    def saved_draft_base(self, conversation_id: str) -> DraftBase | None:
        """The base kept with the conversation's draft, if any."""
        from ..sms.collision import DraftBase  # the guard's code loads at its first use, not before the first frame

        return DraftBase.from_json(self.store.drafts.base(conversation_id))

    async def check_collision(self, conversation_id: str, base: DraftBase | None) -> CollisionCheck:
        """Read the thread's newest page again (one request) and tell what arrived since `base`
        that is not ours; a failed read holds nothing (`unchecked` says why)."""
        return await self.collisions.check(conversation_id, base)

    # --- sending (see delivery.py) -----------------------------------------------------------

    def queue_reply(
        self, conversation_id: str, text: str, media: LocalFile | None = None, *, keep_draft: bool = False
    ) -> OutboxEntry:
        """Record a reply in the outbox (on disk, before any request); `deliver()` then sends it.
        With `media` (`store.outbox_media.local_file`), an MMS; the file is copied first (ValueError
        when it cannot be read, StoreError when it cannot be copied: nothing is queued then).
        `keep_draft`: a scripted send, which leaves the conversation's draft alone."""
        return self.delivery.queue_reply(conversation_id, text, media, keep_draft=keep_draft)

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
        """Record the first text to a number (E.164); its thread shows under a placeholder
        conversation until Sakari says which conversation it opened (`ConversationMoved`).
        With `group_id`, it goes from that Group's number (`phoneNumberFilter`); `media` as in
        `queue_reply`."""
        return self.delivery.queue_new_conversation(
            number,
            text,
            first_name=first_name,
            last_name=last_name,
            country=country,
            group_id=group_id,
            media=media,
            keep_draft=keep_draft,
        )

    async def deliver(self, local_id: str, *, resend: bool = False) -> Message | None:
        """Send (or, after an unclear outcome, look for) one outbox row; never sends twice blindly.
        `resend=True` is the user's explicit choice to send an unknown or failed reply again."""
        return await self.delivery.deliver(local_id, resend=resend)

    async def reply(self, conversation_id: str, text: str) -> Message | None:
        """Queue and send in one go (for scripts and tests)."""
        return await self.deliver(self.queue_reply(conversation_id, text).local_id)

    def schedule_reply(
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
        """Record a reply that goes at `send_at` (wall clock, Unix seconds), checked again then
        (opt-out, the customer writing first unless `keep_on_reply`, the sending `window` when
        given, the collision guard); its draft is dropped in the same commit (see scheduled.py).
        `media` as in `queue_reply` (uploaded when it is released, not now)."""
        return self.later.schedule(
            conversation_id,
            text,
            send_at,
            window=window,
            keep_on_reply=keep_on_reply,
            collision_guard=collision_guard,
            media=media,
            keep_draft=keep_draft,
        )

    def cancel_scheduled(self, local_id: str) -> OutboxEntry | None:
        """Take a scheduled reply back into its conversation's draft; None if it is not scheduled
        (any more: it may have been released to be sent a moment ago)."""
        return self.later.cancel(local_id)

    def scheduled(self) -> list[OutboxEntry]:
        """Replies waiting for their time (for the quit question and `outbox list`)."""
        return self.later.pending()

    def resume_outbox(self) -> None:
        self.delivery.resume_outbox()

    async def retry_due(self) -> int:
        """Release scheduled replies whose time came (or take them back), then send or look for
        the rows whose (re)try or check came due; returns how many ran."""
        return await self.later.release_due() + await self.delivery.retry_due()

    def in_flight(self) -> list[OutboxEntry]:
        """Replies that have not reached a final state (for the quit confirmation)."""
        return self.delivery.in_flight()

    def gave_up(self, entry: OutboxEntry) -> bool:
        """An unknown reply that was looked for over the whole window: the user decides now."""
        return self.delivery.gave_up(entry)

    def discard(self, local_id: str) -> OutboxEntry | None:
        """Drop a reply from the outbox (its text is returned so the UI can put it back)."""
        return self.delivery.discard(local_id)

    async def start_conversation(
        self,
        number: str,
        text: str,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        country: str | None = None,
        group_id: str | None = None,
    ) -> str:
        """Text a number (E.164) through the outbox and return the id of the conversation it opened
        (the placeholder's id while that is not known yet), from `group_id`'s number when given.
        A refusal raises `SakariError`."""
        entry = self.queue_new_conversation(
            number, text, first_name=first_name, last_name=last_name, country=country, group_id=group_id
        )
        message = await self.deliver(entry.local_id)
        if message is not None:
            return (message.conversation.id if message.conversation else None) or entry.conversation_id
        left = self.store.outbox.get(entry.local_id)
        if left is not None and left.state is SendState.FAILED:
            # A script's call: the refusal is the answer, and nothing is left waiting in the inbox.
            self.discard(entry.local_id)
            raise self.delivery.refusals.pop(entry.local_id, None) or SakariError(
                left.error or "The Sakari API did not send the message."
            )
        return entry.conversation_id

    async def close_conversation(self, conversation_id: str) -> Conversation:
        if is_placeholder(conversation_id):
            raise SakariError("This conversation has not reached Sakari yet; close it once its first text is sent.")
        conversation = await self.client.close_conversation(conversation_id)
        self._merge_one(conversation)
        return conversation

    def _merge_one(self, conversation: Conversation) -> None:
        result = self.store.inbox.merge_conversations([conversation])
        if result.changed:
            self.emit(ConversationsChanged(result.changed, result.new_inbound))
