"""What the thread draws for each message: a `Bubble` built from a cached message or from a
reply still in the outbox, with its meta line (who, when, delivery state), its attachments and the
note that calls attention to it (keywords, texts that read like opt-outs, shared-pool fallback).
Plain data: ThreadLog lays the bubbles out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from ...api.message_status import MessageStatus
from ...media.attachments import Attachment, attachments_of
from ...sms.authors import Author
from ...sms.keywords import keyword_label, reads_like_opt_out
from ...sms.quiet_hours import their_clock_at
from ...store import OutboxEntry
from ...sync import SendState
from ...text import one_line, sanitize
from ..format import FAILED_STATUSES, clock_label, local_time, number_label, status_words

if TYPE_CHECKING:
    from ...api.models import Message


@dataclass(frozen=True)
class Bubble:
    """One message to draw, from the cache or still being sent."""

    key: str
    text: str
    outgoing: bool
    at: datetime
    meta: str
    failed: bool
    media: tuple[Attachment, ...] = ()
    upload: str = ""
    """A reply still in the outbox with a file: the file and how its upload stands."""
    note: str = ""
    """A line under the bubble calling attention to it (keywords, texts that read like opt-outs)."""
    by_someone_else: bool = False
    """Outgoing, but not from this machine: a teammate, an auto-responder, a campaign (its own colour)."""


KEYWORD_NOTES = {
    "opt-out": "STOP keyword: Sakari opts the contact out",
    "opt-in": "START keyword: Sakari opts the contact back in",
    "help": "HELP keyword: Sakari answers with your help text",
}
LIKE_OPT_OUT_NOTE = "⚑ reads like an opt-out request · O marks the contact opted out"


def note_for(message: Message) -> str:
    """What an inbound text means for compliance, in a few words ('' for an ordinary text)."""
    if message.outgoing:
        return ""
    label = keyword_label(message.message)
    if label:
        return KEYWORD_NOTES.get(label, "")
    return LIKE_OPT_OUT_NOTE if reads_like_opt_out(message.message) else ""


def fallback_note(message: Message, conversation_number: str | None) -> str:
    """An outgoing text that left from another number than its conversation's: Sakari's shared-pool
    fallback (or a Group's number changed). The customer saw a number they may not know."""
    used = one_line(message.phone_number, 40)
    if not message.outgoing or not used or not conversation_number or used == conversation_number:
        return ""
    return f"⚑ sent from {number_label(used)}, not this conversation's {number_label(conversation_number)}"


def bubble_for_message(
    message: Message, author: Author | None = None, *, conversation_number: str | None = None
) -> Bubble:
    """`author`: who wrote it (None: not known, drawn without a name); `conversation_number`: the
    conversation's sender number, to flag a text that left from another one."""
    at = message.created_at or datetime.now(timezone.utc)
    meta = clock_label(at)
    if message.outgoing:
        if author is not None:
            meta = f"{author.label} · {meta}"
        # The status string and the error's description come from the API as well.
        state = one_line(status_words(message.status, message.error), 200)
        if state:
            meta += f" · {state}"
        if message.status_kind is MessageStatus.DELIVERED:
            meta += " ✓"
    return Bubble(
        key=message.id or f"anon-{id(message)}",
        text=sanitize(message.message),
        outgoing=message.outgoing,
        at=at,
        meta=meta,
        failed=message.outgoing and message.status_kind in FAILED_STATUSES,
        media=tuple(attachments_of(message)),
        note=note_for(message) or fallback_note(message, conversation_number),
        by_someone_else=message.outgoing and author is not None and author.someone_else,
    )


def bubble_for_pending(pending: OutboxEntry, *, checking: bool = False, upload: str = "") -> Bubble:
    """A reply still in the outbox: sending, waiting to retry, refused, or of unknown fate.

    `checking`: its fate is unknown and the app is still looking for it on Sakari (the user
    need do nothing yet); otherwise an unknown reply waits for the user. `upload`: the line of
    its attached file (name, size, upload progress or link), '' without one.
    """
    at = pending.created_at
    reason = one_line(pending.error, 160)
    when = f"You · {clock_label(at)}"
    if pending.state is SendState.SCHEDULED:
        meta = scheduled_meta(pending)
        if pending.send_at is not None:  # under the day it goes out on, not the day it was written
            at = datetime.fromtimestamp(pending.send_at, timezone.utc)
    elif pending.state is SendState.FAILED:
        meta = f"{when} · not sent: {reason} · R retries, D discards"
    elif pending.state is SendState.UNKNOWN and checking:
        meta = f"{when} · checking whether it was sent: {reason}"
    elif pending.state is SendState.UNKNOWN:
        meta = f"{when} · unknown, check before resending: {reason} · R resends, D discards"
    elif pending.state is SendState.QUEUED and pending.attempts:
        meta = f"{when} · waiting: {reason}"
    else:
        meta = f"{when} · sending…"
    stuck = pending.state is SendState.FAILED or (pending.state is SendState.UNKNOWN and not checking)
    return Bubble(pending.local_id, sanitize(pending.text), True, at, meta, stuck, upload=upload)


def scheduled_meta(pending: OutboxEntry) -> str:
    """'scheduled · Tue 08:00 (their 08:00 CST) · D cancels', and why it waits longer, if it does."""
    if pending.send_at is None:
        return "scheduled · D cancels"
    send_at = datetime.fromtimestamp(pending.send_at, timezone.utc)
    local = local_time(send_at)
    number = (pending.target or {}).get("number") or (pending.context or {}).get("mobile") or ""
    theirs = their_clock_at(number, send_at) if number else ""
    their_part = f" (their {theirs})" if theirs else ""
    waits = f" · {one_line(pending.error, 160)}" if pending.error else ""
    return f"scheduled · {local:%a %H:%M}{their_part} · D cancels{waits}"
