"""A new conversation's first text (used by delivery.py): the placeholder conversation the list
and the thread show until Sakari says which conversation it opened, the request that opens it,
and the move of whatever waited under the placeholder to the real conversation."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .. import api  # models by name, loaded at first use: not before the first frame
from ..api import SakariError
from ..store import OutboxEntry, Store
from .events import ConversationMoved, ConversationsChanged, Event

if TYPE_CHECKING:
    from ..api import SakariClient


def ensure_placeholder(store: Store, emit: Callable[[Event], None], entry: OutboxEntry) -> None:
    """A first text's placeholder conversation in the list (made once; kept across restarts)."""
    if not entry.target or store.inbox.conversation(entry.conversation_id) is not None:
        return
    target = entry.target
    placeholder = api.Conversation(
        id=entry.conversation_id,
        contact=api.ContactIdentifiers(
            first_name=target.get("firstName"),
            last_name=target.get("lastName"),
            mobile=api.Mobile(number=target["number"], country=target.get("country")),
        ),
        updated=api.Updated(at=entry.created_at),
        last_message=api.Message(
            message=entry.text,
            outgoing=True,
            created=api.Updated(at=entry.created_at),
            type="MMS" if entry.is_mms else None,
        ),
    )
    result = store.inbox.merge_conversations([placeholder])
    store.inbox.mark_read(entry.conversation_id)
    emit(ConversationsChanged(result.changed, ()))


async def replace_placeholder(
    client: SakariClient,
    store: Store,
    emit: Callable[[Event], None],
    placeholder: str,
    conversation_id: str,
    contact_id: str | None,
) -> None:
    """The first text opened `conversation_id`: what waited under the placeholder moves there."""
    store.outbox.move_conversation(placeholder, conversation_id, contact_id)
    draft = store.drafts.get(placeholder)
    if draft and not store.drafts.get(conversation_id):
        store.drafts.save(conversation_id, draft)
    store.drafts.clear(placeholder)
    try:
        conversation = await client.fetch_conversation(conversation_id)
    except SakariError:
        conversation = None  # the next poll brings it
    if conversation is not None:
        store.inbox.merge_conversations([conversation])
    store.inbox.forget_conversation(placeholder)
    emit(ConversationsChanged((placeholder, conversation_id), ()))
    emit(ConversationMoved(placeholder, conversation_id))


def first_text_request(text: str, target: dict, media_url: str | None = None) -> api.SendMessagesRequest:
    """The body of a new conversation's first text; with a Group id, from that Group's number
    (`phoneNumberFilter`), else from the number Sakari picks; with `media_url`, an MMS."""
    group_id = target.get("groupId")
    return api.SendMessagesRequest(
        template=text,
        contacts=[
            api.ContactRequest(
                mobile={"number": target["number"], "country": target.get("country")},
                first_name=target.get("firstName"),
                last_name=target.get("lastName"),
            )
        ],
        phone_number_filter={"group": {"id": group_id}} if group_id else None,
        type="MMS" if media_url else "SMS",
        media=[api.MediaItem(url=media_url)] if media_url else None,
    )
