"""The collision guard's read of the thread at send time, and who wrote the messages shown.

One request, always, even if a poll just ran: a colleague's answer can land a moment after it,
and only this read can see it before our text goes. What the read brings is merged into the
store like any page (the thread redraws with it). The decision is `sms.collision`'s, pure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from ..api import SakariError
from ..sms.authors import Author, AuthorKind, message_author
from ..sms.templates import same_sent_text
from ..store import Store, StoreError
from ..store.outbox import is_placeholder
from .events import Event, ThreadChanged

if TYPE_CHECKING:
    from ..api import Message, SakariClient
    from ..sms.collision import CollisionCheck, DraftBase


class CollisionGuard:
    def __init__(self, client: SakariClient, store: Store, emit: Callable[[Event], None], *, page_size: int) -> None:
        self.client = client
        self.store = store
        self.emit = emit
        self.page_size = page_size

    def authors(self, messages: Iterable[Message]) -> dict[str, Author]:
        """Who wrote each of `messages` (by id): "You" only for what this machine's outbox sent."""
        messages = [m for m in messages if m.id]
        mine = self.store.inbox.sent_here(m.id for m in messages if m.outgoing and m.id)
        return {m.id: message_author(m, sent_here=m.id in mine) for m in messages if m.id}

    def base_now(self, conversation_id: str) -> DraftBase:
        """The base of a draft starting now: the thread as this machine has it."""
        from ..sms.collision import DraftBase  # the guard's code loads at its first use, not before the first frame

        return DraftBase.of(self.store.inbox.thread(conversation_id, limit=20))

    async def check(self, conversation_id: str, base: DraftBase | None) -> CollisionCheck:
        """Read the newest page again and tell what arrived since `base` that is not ours.

        A read that fails (offline, a refusal, an answer we cannot read) does not hold the reply:
        it goes through the outbox as it would without the guard, and the check says why it could
        not look. A conversation not on Sakari yet has nothing to collide with.
        """
        from ..sms.collision import CollisionCheck, check_arrivals  # loaded at first use, not before the first frame

        if is_placeholder(conversation_id):
            return CollisionCheck(base=base)
        try:
            page = await self.client.fetch_all_messages(conversation_id=conversation_id, limit=self.page_size)
        except SakariError as error:
            return CollisionCheck(base=base, unchecked=str(error))
        messages = list(page.items)
        try:
            if self.store.inbox.merge_messages(conversation_id, messages):
                self.emit(ThreadChanged(conversation_id))
        except StoreError:
            pass  # a full disk must not decide for the guard: what was read is judged all the same
        authors = self.authors(messages)
        # Ours too: a reply still in the outbox whose answer was lost may be on Sakari already
        # (matched as the outbox's reconciliation matches it, placeholders filled by Sakari).
        pending = self.store.outbox.for_conversation(conversation_id)

        def ours(message: Message) -> bool:
            author = authors.get(message.id or "")
            if author is not None and author.kind is AuthorKind.YOU:
                return True
            return message.outgoing and any(
                same_sent_text(entry.text, message.message, message.template, entry.context) for entry in pending
            )

        return check_arrivals(base, messages, ours=ours, author=lambda m: authors[m.id or ""])
