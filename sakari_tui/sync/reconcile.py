"""Finding a send of unknown fate among the recipient's messages on Sakari (used by delivery.py).

Without trusting this machine's clock: each row keeps a lower bound in the server's own time
(`not_before`, from the `Date` headers of its answers, or else the newest cached message), and
the ids of look-alike messages that were there before it (`exclude_ids`). A text with
placeholders is matched as Sakari renders it (`templates.sent_text_matches`).

An MMS is found only by a message that carries its link (`media_url`, unique to its upload) among
its media, and a plain text only by a message without media: an SMS with the same words is never
taken for an MMS, nor the other way round.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING

from ..sms.templates import same_sent_text
from ..store import OutboxEntry, Store

if TYPE_CHECKING:
    from ..api import Message, SakariClient

# When to look for a send of unknown fate, in seconds after the unclear outcome: at once, then
# at widening gaps over half an hour (Sakari may commit long after our request timed out).
RECONCILE_AT_S: tuple[float, ...] = (0.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1200.0, 1800.0)
# A looked-for message may carry a server time this much before our estimate of the send:
# Date headers have one-second resolution and a server farm's clocks differ a little.
MATCH_MARGIN_S = 60.0
RECONCILE_PAGE = 50
# A failed look (the API unreachable) is tried again this soon; it does not count as a look.
LOOK_AGAIN_S = 15.0


def send_time_bound(client: SakariClient, store: Store, entry: OutboxEntry) -> float | None:
    """Server time before which the message cannot have been created (None: no bound)."""
    server_now = client.server_time()
    if server_now is not None:
        return server_now - MATCH_MARGIN_S
    # No Date header seen yet: the newest message cached from the server is older than ours.
    newest = store.inbox.thread(entry.conversation_id, limit=1)
    if newest and newest[-1].created_at is not None:
        return newest[-1].created_at.timestamp() - MATCH_MARGIN_S
    return None


async def recent_messages(client: SakariClient, entry: OutboxEntry) -> list[Message]:
    """The messages among which the row's send would be, newest first (a page or a few)."""
    if entry.contact_id:
        page = await client.fetch_all_messages(contact_id=entry.contact_id, limit=RECONCILE_PAGE)
        return page.items
    if entry.target:
        # A first text: Sakari made (or reused) a contact for the number; its messages hold ours.
        number = entry.target["number"]
        contacts = await client.fetch_all_contacts(mobile=number, limit=10)
        messages: list[Message] = []
        for contact in contacts.items:
            if contact.id and contact.mobile and digits(contact.mobile.number) == digits(number):
                page = await client.fetch_all_messages(contact_id=contact.id, limit=RECONCILE_PAGE)
                messages += page.items
        return messages
    page = await client.fetch_all_messages(conversation_id=entry.conversation_id, limit=RECONCILE_PAGE)
    return page.items


def find_match(entry: OutboxEntry, messages: list[Message]) -> Message | None:
    """The oldest message that can be the row's send and that no other row or older text claims."""
    candidates = [
        m
        for m in messages
        if m.outgoing
        and m.id
        and m.id not in entry.exclude_ids
        and _same_media(entry, m)
        and _same_text(entry, m)
        and (entry.not_before is None or m.created_at is None or m.created_at.timestamp() >= entry.not_before)
    ]
    candidates.sort(key=lambda m: (m.created_at is None, m.created_at or datetime.min.replace(tzinfo=timezone.utc)))
    return candidates[0] if candidates else None


def _same_media(entry: OutboxEntry, message: Message) -> bool:
    if not entry.is_mms:
        return not any(item.url for item in message.media)
    return entry.media_url is not None and any(item.url == entry.media_url for item in message.media)


def _same_text(entry: OutboxEntry, message: Message) -> bool:
    if entry.is_mms and not entry.text.strip():
        return not (message.message or "").strip()  # an image alone: its message has no words either
    return same_sent_text(entry.text, message.message, message.template, entry.context)


def duration(seconds: float) -> str:
    if seconds >= 120:
        return f"{round(seconds / 60)} minutes"
    return f"{round(seconds)} seconds"


def digits(number: str | None) -> str:
    return "".join(ch for ch in number or "" if ch.isdigit())
