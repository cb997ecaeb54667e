"""The inbox screen: it composes the panes, owns the inbox's keys, and routes what happens.

The open conversation is the screen's `open_id` reactive; the conversation pane and the thread
pane are bound to it. Engine events arrive as `EngineEvent` messages on the screen's queue.
The flows that open dialogs or send live in mixins beside this module (replying, contact,
triage), each with one job; this module keeps the layout, the routing and the navigation.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.keys import key_to_character
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from ...config import Settings
from ...notify import Alerts
from ...senders import SenderBook
from ...store import StoreDamaged, StoreError
from ...sync import (
    ConversationMarked,
    ConversationMoved,
    ConversationsChanged,
    InboxEngine,
    PendingCloses,
    Poller,
    SendState,
    SendStateChanged,
    SyncStatusChanged,
    ThreadChanged,
)
from ...sync.events import UploadProgress
from ...text import for_display, one_line
from ..clock import FrozenClock, WallClock
from ..failures import PassesWorkerFailures
from ..styles import stylesheet
from ..widgets.compose import ComposeBox
from ..widgets.contact_panel import ContactPanel
from ..widgets.conversation_list import ConversationList
from ..widgets.status_line import StatusLine
from .attachments import AttachmentFlows
from .commands import InboxCommands
from .contact_flows import CONTACT_BESIDE_MIN_WIDTH, ContactFlows
from .conversation_pane import ConversationPane
from .footer_keys import area_of, footer_bindings
from .list_views import ListViews
from .messages import EngineEvent
from .new_conversation_flow import NewConversationFlows
from .replying import ReplyFlows
from .send_and_close import SendAndClose
from .thread_pane import ThreadPane
from .triage import TriageActions

if TYPE_CHECKING:
    from ...store import SearchHit

log = logging.getLogger(__name__)


class InboxScreen(
    ReplyFlows,
    NewConversationFlows,
    SendAndClose,
    AttachmentFlows,
    ListViews,
    ContactFlows,
    TriageActions,
    PassesWorkerFailures,
    Screen[None],
):
    """Conversation list, thread and compose box, contact panel, status line."""

    CSS_PATH = stylesheet("inbox.tcss")
    COMMANDS = {InboxCommands}
    # `-narrow`: the contact panel takes the thread's place instead of sitting beside it.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (CONTACT_BESIDE_MIN_WIDTH, "-wide")]
    # The ids are the `[keys]` names users remap (README's key reference): they never change.
    BINDINGS = [
        Binding("ctrl+s", "send", "Send", id="app.send", priority=True),
        Binding("alt+s", "send_and_close", "Send+close", id="app.send_and_close", priority=True),
        Binding("ctrl+l", "schedule_reply", "Send later", id="app.send_later", priority=True, show=False),
        Binding("n", "next_unread", "Next unread", id="app.next_unread"),
        Binding("slash", "filter", "Filter", id="app.filter"),
        Binding("ctrl+f", "search", "Search", id="app.search", priority=True),
        Binding("escape", "escape", "List", id="app.escape"),
        Binding("x", "close_conversation", "Close", id="app.close"),
        Binding("u", "undo_close", "Undo close", id="app.undo_close", show=False),
        Binding("t,ctrl+t", "templates", "Templates", id="app.templates"),
        Binding("N,ctrl+n", "new_conversation", "New", id="app.new_conversation"),
        Binding("m", "toggle_mute", "Mute", id="app.mute", show=False),
        Binding("h", "toggle_closed", "Show closed", id="app.toggle_closed", show=False),
        Binding("o", "toggle_order", "Unread first", id="app.toggle_order", show=False),
        Binding("s", "cycle_sender", "Sender filter", id="app.sender_filter", show=False),
        Binding("ctrl+g", "fold_gsm7", "To GSM-7", id="app.fold_gsm7"),
        Binding("ctrl+o", "external_editor", "Editor", id="app.editor"),
        Binding("O", "mark_opted_out", "Mark opted out", id="app.mark_opted_out", show=False),
        Binding("c", "toggle_contact", "Contact", id="app.contact"),
        Binding("T", "manage_templates", "Manage templates", id="app.manage_templates", show=False),
        Binding("R", "retry", "Retry send", id="app.retry", show=False),
        Binding("D", "discard", "Discard failed", id="app.discard", show=False),
        Binding("i", "focus_compose", "Reply", id="app.focus_compose"),
        Binding("r", "refresh", "Refresh", id="app.refresh"),
        Binding("1", "view_needs_reply", "Needs reply", id="app.view_needs_reply", show=False),
        Binding("2", "view_waiting", "Waiting on customer", id="app.view_waiting", show=False),
        Binding("3", "view_snoozed", "Snoozed", id="app.view_snoozed", show=False),
        Binding("4", "view_failed", "Failed", id="app.view_failed", show=False),
        Binding("5", "view_scheduled", "Scheduled", id="app.view_scheduled", show=False),
        Binding("6", "view_all", "All", id="app.view_all", show=False),
        Binding("U", "mark_unread", "Mark unread", id="app.mark_unread", show=False),
        Binding("z", "snooze", "Snooze", id="app.snooze", show=False),
        Binding("a", "attach", "Attach file", id="app.attach", show=False),
        # In the reply, where `a` is a letter: a chord, as Alt+S is for send+close.
        Binding("alt+a", "attach", "Attach file", id="app.attach_in_reply", priority=True, show=False),
    ]

    open_id: reactive[str | None] = reactive(None, init=False, always_update=True)

    def __init__(
        self,
        settings: Settings,
        engine: InboxEngine,
        alerts: Alerts,
        poller: Poller,
        clock: WallClock | FrozenClock,
        monotonic: Callable[[], float],
        demo: bool,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.engine = engine
        self.store = engine.store
        self.alerts = alerts
        self.poller = poller
        self.clock = clock
        self.monotonic = monotonic
        self.demo = demo
        # Closes inside their undo window; timers only wake `_close_due`, the deadlines live here.
        self.pending_closes = PendingCloses(settings.ui.close_undo_seconds)
        self._unfilled_warned = None
        self._attach_folder = ""
        """The folder the last attached file came from: the file chooser starts there."""
        # Held directly: the draft and the status are reached while shutting down, when queries find nothing.
        # The account's numbers: from [[senders]], and learned by the list as conversations arrive.
        self.senders = SenderBook(settings.senders)
        self.conversations = ConversationPane(
            self.store,
            settings.ui,
            self.pending_closes,
            clock,
            id="list-pane",
            senders=self.senders,
            triage=settings.triage,
        )
        self.thread_pane = ThreadPane(engine, settings, clock, id="thread-pane")
        self.status_line = StatusLine(monotonic=monotonic, id="status")

    def compose(self) -> ComposeResult:
        yield Header()
        if self.demo:
            yield Static(
                Content("DEMO · simulated Sakari account and customers: no real texts are sent"), id="demo-banner"
            )
        with Horizontal(id="main"):
            yield self.conversations.data_bind(InboxScreen.open_id)
            yield self.thread_pane.data_bind(InboxScreen.open_id)
            yield ContactPanel(id="contact-panel")
        yield self.status_line
        yield Footer()

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        # Under a dialog the inbox's own keys do nothing (Textual gives the keys to the dialog), so
        # the footer, which stays on screen below it, must not offer them.
        bindings = super().active_bindings
        if not self.is_active:
            # Only the app's keys that no text box of the dialog takes (F1, Ctrl+P) still apply.
            return {
                key: active
                for key, active in bindings.items()
                if active.node is self.app and key_to_character(key) is None
            }
        return footer_bindings(
            bindings,
            area_of(self.focused),
            stuck_send=self._latest_failed() is not None,
            closable=self._closable(),
            palette_key=self.app.COMMAND_PALETTE_BINDING,
        )

    def _closable(self) -> bool:
        target = self._target_conversation() if self.is_mounted else None
        return not (target and self.store.inbox.is_closed(target))

    @property
    def conversation_list(self) -> ConversationList:
        return self.conversations.list

    @property
    def compose_box(self) -> ComposeBox:
        return self.thread_pane.compose_box

    @property
    def contact_panel(self) -> ContactPanel:
        return self.query_one("#contact-panel", ContactPanel)

    def on_mount(self) -> None:
        # Not a word about the panes' insides here: a screen may mount before its panes have
        # composed their children (the list takes the focus from its own pane's on_mount).
        self.set_interval(1.0, self._tick)

    def fit_width(self, width: int) -> None:
        """Set the breakpoint classes for `width` (Textual sets them only on a resize of the screen shown)."""
        self.set_class(width < CONTACT_BESIDE_MIN_WIDTH, "-narrow")
        self.set_class(width >= CONTACT_BESIDE_MIN_WIDTH, "-wide")

    def on_screen_resume(self) -> None:
        # A terminal resized under a dialog would leave the inbox laid out for the old width.
        self.fit_width(self.app.size.width)

    def _tick(self) -> None:
        self._show_status()
        self.conversation_list.refresh_ages()
        self.check_overdue(time.monotonic())

    def _show_status(self) -> None:
        self.status_line.status = self.poller.status
        number = self.conversations.sender_filter
        # Reactives: nothing is redrawn while they stay the same.
        self.status_line.sender_filter = for_display(one_line(self.senders.short(number), 20)) if number else ""
        self.status_line.tick()  # the same status may read differently now ("updated 3s ago")

    # --- local writes -------------------------------------------------------------------------

    def store_write(self, write: Callable[..., object], *args: object) -> bool:
        """Run one local store write; when the disk is full (or the store read-only or damaged)
        say so in the status line and go on running. True if it was written."""
        try:
            write(*args)
        except StoreError as error:
            self.store_failed(error)
            return False
        self.store_ok()
        return True

    def store_ok(self) -> None:
        """A local write worked: the status line stops saying it cannot save."""
        self.status_line.store_problem = None  # a reactive: nothing is redrawn if there was no problem

    def store_failed(self, error: StoreError) -> None:
        """A local write failed: a damaged store stops the app; anything else shows in the status
        line until a write works again."""
        if isinstance(error, StoreDamaged):
            self.app.stop_damaged(error)  # type: ignore[attr-defined]
            return
        log.warning("store write failed: %s", error)
        self.status_line.store_problem = str(error)

    # --- engine events ------------------------------------------------------------------------

    def on_engine_event(self, message: EngineEvent) -> None:
        event = message.event
        if isinstance(event, ConversationsChanged):
            self.conversations.relist_soon(event.changed)
            if self.alerts.quiet_backlog and message.after_first_walk:
                self.alerts.backlog_loaded()
            if event.new_inbound:
                fresh = self.alerts.new_texts(event.new_inbound)
                if fresh:
                    self._deliver_alerts(fresh)
                if self.open_id in event.new_inbound:
                    self.thread_pane.sync()
            if self.open_id in event.changed:
                # Its newest message came with the conversation and is cached already: draw it now.
                self.thread_pane.show_thread()
                self.show_contact()
        elif isinstance(event, ThreadChanged):
            if event.conversation_id == self.open_id:
                self.thread_pane.show_thread()
            self.conversations.relist_soon([event.conversation_id])
        elif isinstance(event, ConversationMarked):
            self.conversations.relist_soon([event.conversation_id])
        elif isinstance(event, UploadProgress):
            self.upload_moved(event)
        elif isinstance(event, SendStateChanged):
            self.reply_settled(event)
            if event.conversation_id == self.open_id:
                self.thread_pane.show_thread()
            if event.state is SendState.FAILED:
                self.notify(f"Not sent: {one_line(event.error, 200)} Press R to retry.", severity="error")
        elif isinstance(event, ConversationMoved):
            # The first text reached Sakari: its thread is now the conversation Sakari opened.
            if self.open_id == event.placeholder_id:
                self.open_conversation(event.conversation_id, focus_compose=self.focused is self.compose_box.area)
        elif isinstance(event, SyncStatusChanged):
            if self.poller.store_damaged is not None:
                self.app.stop_damaged(self.poller.store_damaged)  # type: ignore[attr-defined]
            self._show_status()

    @work(group="alerts", exit_on_error=False)
    async def _deliver_alerts(self, events) -> None:
        for problem in await self.alerts.deliver(events):
            self.notify(problem, severity="warning")

    # --- opening ------------------------------------------------------------------------------

    def on_conversation_list_opened(self, event: ConversationList.Opened) -> None:
        self.open_conversation(event.conversation_id)

    def open_conversation(self, conversation_id: str, *, focus_compose: bool = True) -> None:
        self.show_thread_pane()
        self.remember_neighbours(conversation_id)  # before it is marked read and moves
        self.open_id = conversation_id  # the panes follow: the thread and the draft, the open row
        self._unfilled_warned = None
        self.store_write(self.engine.mark_read, conversation_id)
        self.show_contact()
        self.conversation_list.select(conversation_id)
        if focus_compose:
            # Where replies are off, onto the box that says so: letters typed there, meant as a
            # reply, must not reach the single-letter commands.
            self.thread_pane.focus_reply(say_why=False)
        self.thread_pane.sync()

    def action_search(self) -> None:
        """Full-text search of every cached message and contact (the `/` filter only narrows the list)."""
        from ..screens.search import SearchScreen  # imported when first asked for, not before the first frame

        self.app.push_screen(SearchScreen(self.store.search.search, self.clock.now()), self._search_chosen)

    def _search_chosen(self, hit: SearchHit | None) -> None:
        if hit is None or hit.conversation_id is None:
            if hit is not None:
                self.notify("That contact has no conversation cached here yet.")
            return
        if self.store.inbox.conversation(hit.conversation_id) is None:
            return
        # A closed conversation opens too, though the list (hiding closed ones) has no row for it.
        self.open_conversation(hit.conversation_id, focus_compose=False)
        if hit.message_id:
            self.thread_pane.show_found(hit.message_id)

    # --- navigation ---------------------------------------------------------------------------

    def action_next_unread(self) -> None:
        conversation_id = self.conversations.next_unread()
        if conversation_id is not None:
            self.open_conversation(conversation_id)
        elif self.conversations.relist_pending or not self.engine.walked_once:
            # Pressed before the conversations it wants are listed (at start, during the first
            # sync): it acts as soon as they are, instead of saying there are none.
            self.conversations.after_relist(self.action_next_unread)
        else:
            self.notify("No unread conversations.")

    def action_filter(self) -> None:
        self.conversations.show_filter()

    def action_escape(self) -> None:
        if self.thread_pane.held is not None:  # "Esc keeps editing": the held reply stays in the box
            self.thread_pane.release_hold()
            self.thread_pane.focus_reply(say_why=False)
            return
        self.conversations.clear_filter()

    def action_focus_compose(self) -> None:
        if self.open_id is None:
            self.conversation_list.action_open()
            return
        self.show_thread_pane()
        self.thread_pane.focus_reply()

    def action_refresh(self) -> None:
        self.poller.wake()
        if self.open_id:
            self.thread_pane.sync()
        self.notify("Refreshing…", timeout=1.5)

    async def before_quit(self) -> None:
        """Closes the user asked for are carried out, not dropped, when quitting within the undo
        window; the draft is saved."""
        await self.carry_out_closes()
        self.thread_pane.save_draft_now()
