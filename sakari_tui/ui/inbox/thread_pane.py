"""The thread pane: the open conversation's header, its thread, and the compose box under it.

It follows the screen's `open_id` (bound reactive): opening loads the draft and the newest
messages, older pages load as the user scrolls up, and the draft is saved as the user pauses.
Sending is the screen's: Ctrl+S here only posts `ReplySubmitted` with the text.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, cast

from textual import on, work
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.reactive import reactive
from textual.timer import Timer
from textual.widgets import Static, TextArea

from ...api.errors import SakariError
from ...config import Settings
from ...sms.mms import kilobytes
from ...store import OutboxEntry
from ...store.outbox_media import LocalFile, local_file
from ...sync import InboxEngine, SendState
from ...text import one_line
from ..clock import FrozenClock, WallClock
from ..failures import PassesWorkerFailures
from ..format import local_time
from ..type_ahead import hold_keys_for_text
from ..widgets.bubbles import bubble_for_message, bubble_for_pending
from ..widgets.compose import ComposeBox
from ..widgets.thread_header import ThreadHeader
from ..widgets.thread_log import ThreadLog
from ..widgets.transfer_bar import TransferBar
from .messages import ReplySubmitted
from .team_awareness import TeamAwareness

if TYPE_CHECKING:
    from ...api import Conversation
    from ...sms.collision import CollisionCheck, DraftBase
    from .screen import InboxScreen

# Messages laid out when a thread opens: a screenful or two; older ones load as the user scrolls up.
THREAD_WINDOW = 30
OLDER_PAGE = 50
DRAFT_SAVE_DELAY_S = 0.4
REPLY_PLACEHOLDER = "Write a reply · Enter adds a line · Ctrl+S sends · Ctrl+T templates"
NOTHING_OPEN = "Open a conversation to reply"
# Said where the reply would go; short enough for one line of the compose box at 80 columns.
OPTED_OUT = "Replies are off: this contact opted out."
CLOSED = "Closed: Ctrl+N texts them again."


def upload_line(entry: OutboxEntry, sent: tuple[int, int] | None) -> str:
    """The attached file of an outbox row: its name and size, and how far its upload is, or its
    link and when the link expires ('' for a row without a file)."""
    name = entry.media_name
    if not name:
        return ""
    size = entry.media_size or 0
    line = f"📎 {one_line(name, 80)} · {kilobytes(size)}"
    if entry.media_url:
        expires = entry.media_expires
        until = (
            f" (link expires {local_time(datetime.fromtimestamp(expires, timezone.utc)):%a %d %b %H:%M})"
            if expires
            else ""
        )
        return f"{line} · uploaded: {one_line(entry.media_url, 120)}{until}"
    if sent is not None and sent[1]:
        return f"{line} · uploading {min(100, round(100 * sent[0] / sent[1]))}%"
    return f"{line} · uploaded when it is sent"


class ThreadPane(TeamAwareness, PassesWorkerFailures, Vertical):
    HELP = """
## Thread

The open conversation, oldest at the top. **j**/**k** or the arrows scroll, **g**/**G** go to the
oldest and newest; scrolling to the top loads older messages. **[** and **]** select a message;
**o** opens its attachment in your browser (http and https links only, after showing the host),
**w** saves it (into `attachments.folder`, never over another file), **p** previews a picture.
Without a selection they act on the newest message on screen with an attachment. **Enter** or
**i** goes to the reply; **a** attaches a file to it; **c** shows the contact; **R** retries a
reply that was refused, **D** discards it.
"""
    BINDINGS = [Binding("enter", "reply", "Reply", show=False, id="thread.reply")]

    open_id: reactive[str | None] = reactive(None, init=False, always_update=True)

    def __init__(self, engine: InboxEngine, settings: Settings, clock: WallClock | FrozenClock, *, id: str) -> None:
        super().__init__(id=id)
        self.engine = engine
        self.store = engine.store
        self.settings = settings
        self.clock = clock
        self.thread_limit = THREAD_WINDOW
        self._shown_messages = 0
        self._draft_timer: Timer | None = None
        # Held directly: the draft is saved while shutting down, when queries find nothing.
        self.compose_box = ComposeBox(settings.compose, id="compose")
        self.draft_base: DraftBase | None = None
        """What the thread looked like when the reply in the box was started (the collision guard's)."""
        self.held: CollisionCheck | None = None
        """A reply the collision guard held: what arrived while it was written."""
        self._seen_newest: datetime | None = None
        self._answering: tuple[str, float] | None = None
        self.transfer_bar = TransferBar(id="transfer")
        self.uploads: dict[str, tuple[int, int]] = {}
        """Bytes sent of each outbox row's file being uploaded, by local id."""

    def compose(self) -> ComposeResult:
        yield ThreadHeader(Content(""), id="thread-header")
        yield ThreadLog(clock=self.clock, id="thread")
        yield self.transfer_bar
        yield Static("", id="collision-notice", markup=False)
        yield self.compose_box

    @property
    def inbox(self) -> InboxScreen:
        return cast("InboxScreen", self.screen)

    @property
    def thread_log(self) -> ThreadLog:
        return self.query_one("#thread", ThreadLog)

    @property
    def header(self) -> ThreadHeader:
        return self.query_one("#thread-header", ThreadHeader)

    def on_mount(self) -> None:
        self.compose_box.area.disabled = True
        # The attached file is part of the draft: kept in the store as soon as it changes.
        self.watch(self.compose_box, "attachment", self._attachment_changed, init=False)

    def _attachment_changed(self, attached: LocalFile | None) -> None:
        if self.open_id is not None:
            path = str(attached.path) if attached is not None else None
            if path != self.store.drafts.file(self.open_id):
                self.inbox.store_write(self.store.drafts.save_file, self.open_id, path)

    def _draft_attachment(self, conversation_id: str) -> LocalFile | None:
        """The file attached to the conversation's draft, checked again (it is the user's own
        file until it is sent: it may have changed or gone since)."""
        path = self.store.drafts.file(conversation_id)
        if not path:
            return None
        try:
            return local_file(Path(path))
        except ValueError as error:
            self.notify(
                f"The file attached to this draft cannot go any more: {error} Attach it again.", severity="warning"
            )
            self.inbox.store_write(self.store.drafts.save_file, conversation_id, None)
            return None

    # --- what is open -------------------------------------------------------------------------

    def conversation(self) -> Conversation | None:
        """The open conversation as cached (None when none is open)."""
        return self.store.inbox.conversation(self.open_id) if self.open_id else None

    def opted_out(self, conversation_id: str) -> bool:
        conversation = self.store.inbox.conversation(conversation_id)
        contact_id = conversation.contact.id if conversation and conversation.contact else None
        return self.store.inbox.is_opted_out(contact_id)

    def number(self) -> str | None:
        """The open conversation's number (E.164), or None."""
        conversation = self.conversation()
        contact = conversation.contact if conversation else None
        return contact.mobile.number if contact and contact.mobile else None

    def watch_open_id(self, before: str | None, opened: str | None) -> None:
        if opened is None and before is None:
            return  # the binding's first call, at start: the empty thread is drawn already
        if opened is None:
            self.compose_box.attachment = None  # kept with the draft left (nothing is open to save it to)
            self.thread_log.show([], more_above=False)
            self.header.show(None, opted_out=False)
            self.compose_box.replies_off(None, placeholder=NOTHING_OPEN)
            self.compose_box.area.disabled = True  # nothing to reply to, and nothing to say about it
            return
        if before is not None:
            self._save_draft(before)  # the box still holds the draft of the conversation left
        self.release_hold()
        self.thread_log.found_key = None
        self.thread_limit = THREAD_WINDOW
        self._shown_messages = 0
        self._seen_newest = None
        self._answering = None
        compose = self.compose_box
        compose.recipient = self.number()
        draft = self.store.drafts.get(opened)
        # A draft kept from before keeps the base it started with (a draft older than the guard:
        # the thread as it is now); the box's change event then finds it set.
        self.draft_base = (self.engine.saved_draft_base(opened) or self.engine.draft_base(opened)) if draft else None
        compose.set_text(draft)
        compose.attachment = self._draft_attachment(opened)
        self.thread_log.pin_to_bottom()
        self.show_thread()

    # --- the thread ---------------------------------------------------------------------------

    def show_thread(self, *, keep_position: bool = False) -> None:
        conversation_id = self.open_id
        if conversation_id is None:
            return
        messages, pending = self.engine.thread(conversation_id, limit=self.thread_limit)
        authors = self.engine.authors(messages)
        conversation = self.conversation()
        number = conversation.phone_number.number if conversation and conversation.phone_number else None
        self._note_answering(messages, authors)
        bubbles = [bubble_for_message(m, authors.get(m.id or ""), conversation_number=number) for m in messages] + [
            bubble_for_pending(
                p,
                checking=p.state is SendState.UNKNOWN and not self.engine.gave_up(p),
                upload=upload_line(p, self.uploads.get(p.local_id)),
            )
            for p in pending
        ]
        self._shown_messages = len(messages)
        more = self.store.inbox.message_count(conversation_id) > len(messages) or bool(
            self.engine.older_available.get(conversation_id)
        )
        self.thread_log.show(bubbles, more_above=more, keep_position=keep_position)
        self.show_header(conversation)

    def show_found(self, message_id: str) -> None:
        """Lay out enough of the thread to hold `message_id` (a search hit), and bring it into view."""
        newer = self.store.inbox.messages_since(self.open_id or "", message_id)
        self.thread_limit = max(THREAD_WINDOW, newer + 10)
        self.thread_log.found_key = message_id
        self.show_thread()
        self.app.call_after_refresh(self.thread_log.scroll_to_bubble, message_id)  # once the lines are laid out
        self.thread_log.focus()

    def show_header(self, conversation: Conversation | None = None) -> None:
        """The header, and with it whether the compose box takes replies (not to an opted-out
        contact, not in a closed conversation). `conversation`: the open one, when just read."""
        conversation = conversation or self.conversation()
        opted_out = conversation is not None and self.opted_out(conversation.id)
        number = conversation.phone_number.number if conversation and conversation.phone_number else None
        sender = self.inbox.senders.get(number)
        label = sender.label if sender is not None and self.inbox.senders.several else None
        self.header.show(conversation, opted_out=opted_out, answering=self.answering, sender_label=label)
        if conversation is None:
            return
        reason = OPTED_OUT if opted_out else CLOSED if conversation.closed else None
        if reason != self.compose_box.off_reason or self.compose_box.area.disabled != (reason is not None):
            self.compose_box.replies_off(reason, placeholder=REPLY_PLACEHOLDER)

    @property
    def replies_off(self) -> str | None:
        """Why the open conversation takes no reply (None when it does, or nothing is open)."""
        return self.compose_box.off_reason if self.open_id else None

    def focus_reply(self, *, say_why: bool = True) -> None:
        """Into the reply; where replies are off, onto the box that says why (letters held back there)."""
        if self.compose_box.off_reason is not None:
            self.compose_box.focus()
            if say_why:
                self.compose_box.say_why_off()
        elif not self.compose_box.area.disabled:
            if self.screen.focused is not self.compose_box.area:
                hold_keys_for_text(self)  # what is typed right behind i or Enter is the reply (type_ahead.py)
            self.compose_box.area.focus()

    def action_reply(self) -> None:
        self.focus_reply()

    @work(group="thread", exclusive=True, exit_on_error=False)
    async def sync(self) -> None:
        """Fetch the open thread and its contact from Sakari (new messages draw as they merge)."""
        conversation_id = self.open_id
        if conversation_id is None:
            return
        try:
            await self.engine.sync_thread(conversation_id)
            conversation = self.store.inbox.conversation(conversation_id)
            if conversation and conversation.contact and conversation.contact.id:
                await self.engine.sync_contact(conversation.contact.id)
        except SakariError as error:
            self.app.report_error(error, quiet=True)  # type: ignore[attr-defined]
            return
        if conversation_id == self.open_id:
            if self.store.inbox.is_unread(conversation_id):
                self.inbox.store_write(self.engine.mark_read, conversation_id)
            self.show_header()

    @on(ThreadLog.NeedsOlder)
    def _needs_older(self) -> None:
        self.load_older()

    @work(group="older", exclusive=True, exit_on_error=False)
    async def load_older(self) -> None:
        """Show the next page of older messages, fetching it from the API when it is not cached."""
        conversation_id = self.open_id
        if conversation_id is None:
            return
        shown = self._shown_messages
        if self.store.inbox.message_count(conversation_id) <= shown and self.engine.older_available.get(
            conversation_id
        ):
            try:
                await self.engine.load_older(conversation_id)
            except SakariError as error:
                self.app.report_error(error)  # type: ignore[attr-defined]
                return
        if conversation_id != self.open_id:
            return
        if self.store.inbox.message_count(conversation_id) > shown:
            self.thread_limit = shown + OLDER_PAGE
            self.show_thread(keep_position=True)
        else:
            self.thread_log.more_above = False
            self.thread_log.refresh_layout()

    # --- the reply ----------------------------------------------------------------------------

    @property
    def can_reply(self) -> bool:
        return self.open_id is not None and not self.compose_box.area.disabled

    def submit(self) -> None:
        """Ctrl+S: hand the reply to the screen, which checks and sends it."""
        if self.open_id is None:
            self.notify("Open a conversation first (Enter on the list).", severity="warning")
            return
        self.post_message(ReplySubmitted(self, self.open_id, self.compose_box.text))

    def insert_text(self, text: str) -> None:
        """A chosen template, into the reply at the cursor."""
        if self.compose_box.off_reason is not None:
            self.compose_box.say_why_off()
            return
        self.compose_box.area.disabled = False
        self.compose_box.insert(text)
        self.compose_box.area.focus()

    def fold_gsm7(self) -> None:
        if not self.can_reply:
            self.notify("Open a conversation and write a reply first.")
            return
        self.notify(self.compose_box.fold_to_gsm7())

    def external_editor(self) -> None:
        """Write the reply in $VISUAL/$EDITOR: the app steps aside until the editor exits."""
        from ...editor import EditorError, edit_text, editor_argv  # at the first Ctrl+O, not before the first frame

        try:
            argv = editor_argv(self.settings.compose.editor)
        except EditorError as error:
            self.notify(str(error), severity="error")
            return
        try:
            with self.app.suspend():
                result = edit_text(self.compose_box.text, argv)
        except SuspendNotSupported:  # e.g. a headless run, or a terminal Textual cannot hand over
            self.notify("Cannot hand the terminal to an editor here; write the reply in the box.", severity="error")
            return
        if result.error:
            self.notify(result.error, severity="error")
        if result.changed:
            # Sanitised like a paste (an editor can save control bytes), and undoable with Ctrl+Z.
            self.compose_box.replace_all(result.text)
            self.save_draft_now()
        self.compose_box.area.focus()

    # --- drafts -------------------------------------------------------------------------------

    @on(TextArea.Changed, "#compose-input")
    def _reply_changed(self) -> None:
        if self.open_id is None:
            return
        if not self.compose_box.text.strip():
            self.draft_base = None
            self.release_hold()
        elif self.draft_base is None:  # the first keystroke of a reply: remember the thread as it is
            self.draft_base = self.engine.draft_base(self.open_id)
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_SAVE_DELAY_S, self.save_draft_now)

    def save_draft_now(self) -> None:
        """Keep what the box holds as the open conversation's draft, without waiting for a pause."""
        if self.open_id is not None:
            self._save_draft(self.open_id)

    def _save_draft(self, conversation_id: str) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        # On failure the text stays in the box; the status line says it is not saved.
        # The base is still the box's own here: on opening another thread it moves after this save.
        self.inbox.store_write(self.engine.save_draft, conversation_id, self.compose_box.text, self.draft_base)
