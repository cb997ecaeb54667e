"""Two attachments in the demo's history: one hostile, one large.

- A customer's "see attached" whose media are a path-traversing file name with a newline and an ANSI
  escape on a `file:` URL, and an "invoice.pdf" on a `javascript:` URL: served exactly as given, so
  the app can show it handles them safely.
- A ~2.5 MB warranty scan, days old, so the app's download progress can be seen.

Each goes just before the last message of a conversation that has nothing unread: the inbox (last
message, unread, waiting) looks as it did without them, and only the thread shows one more message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .conversations import add_message
from .demo_documents import SCAN_FILENAME, warranty_scan_pdf
from .files import store_file
from .records import ConversationRecord

if TYPE_CHECKING:
    from .state import SimulatorState

DAY = 86400.0
HOSTILE_FILENAME = "../../.bashrc\n\x1b[31mrm -rf ~"
HOSTILE_MEDIA = (
    {"url": "file:///etc/passwd", "type": "image/png", "filename": HOSTILE_FILENAME, "name": HOSTILE_FILENAME},
    {
        "url": "javascript:alert(document.cookie)",
        "type": "application/pdf",
        "filename": "invoice.pdf",
        "name": "invoice.pdf",
    },
)
# Clear of the newest conversations, which the screenshots and the queued demo text use.
_FIRST_HOSTILE_CANDIDATE = 5


def _fits(state: SimulatorState, conversation: ConversationRecord, taken: set[str]) -> bool:
    """A named English speaker's conversation, all read (so an earlier text of theirs is read too)."""
    contact = state.contacts[conversation.contact_id]
    return (
        conversation.id not in taken
        and bool(contact.first_name)
        and contact.attributes.get("language") == "en"
        and len(conversation.message_ids) >= 2
        and not conversation.unread
    )


def _insert_before_last(state: SimulatorState, conversation: ConversationRecord, text: str, media: list[dict]) -> None:
    """The customer's MMS, read, halfway between the conversation's last two messages."""
    before, last = (state.messages[mid] for mid in conversation.message_ids[-2:])
    at = (before.created_at + last.created_at) / 2
    message = add_message(
        state, conversation, text=text, outgoing=False, status="received", at=at, kind="MMS", media=media
    )
    conversation.message_ids.remove(message.id)
    conversation.message_ids.insert(len(conversation.message_ids) - 1, message.id)
    conversation.unread.remove(message.id)
    message.read = True


def _pick(
    state: SimulatorState,
    candidates: list[ConversationRecord],
    taken: set[str],
    extra: Callable[[int, ConversationRecord], bool],
) -> ConversationRecord:
    chosen = next(c for index, c in enumerate(candidates) if extra(index, c) and _fits(state, c, taken))
    taken.add(chosen.id)
    return chosen


def add_attachments(state: SimulatorState, candidates: list[ConversationRecord], taken: set[str], now: float) -> None:
    """Add the hostile and the large attachment to open conversations (most recent first) not in `taken`."""
    hostile = _pick(state, candidates, taken, lambda index, _: index >= _FIRST_HOSTILE_CANDIDATE)
    _insert_before_last(state, hostile, "see attached", [dict(item) for item in HOSTILE_MEDIA])
    older = _pick(state, candidates, taken, lambda _, c: now - c.updated_at > 2 * DAY)
    scan = store_file(state, warranty_scan_pdf(), SCAN_FILENAME, "application/pdf", now - DAY)
    media = [{"url": scan.path, "type": scan.content_type, "filename": scan.filename, "name": scan.filename}]
    _insert_before_last(state, older, "Here's the warranty scan you asked for", media)
