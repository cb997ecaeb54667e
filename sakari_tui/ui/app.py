"""The inbox app and its factory, `make_app()`.

The app renders the store's state and turns keys into engine commands. All network work runs
in Textual workers (named groups, `exit_on_error=False`); failures reach `report_error`, which
shows one plain sentence. Untrusted text is drawn only as plain `Content`/`Text`.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import events, on, work
from textual.app import App, ComposeResult, SuspendNotSupported, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, Input, Static
from textual.worker import Worker, WorkerState

from ..api import Conversation, SakariError
from ..config import ConfigError, Settings, update_config_file
from ..editor import EditorError, edit_text, editor_argv
from ..logs import crash_summary, redact, where_details
from ..notify import Alerts, Notifier
from ..sms.guard import UnfilledWarning, check_reply
from ..sms.phones import display_number
from ..sms.templates import contact_context, unfilled
from ..store import ListingOptions, SearchHit, Store, StoreDamaged, StoreError
from ..store.outbox import is_placeholder
from ..sync import (
    ConversationMoved,
    ConversationsChanged,
    Event,
    InboxEngine,
    Poller,
    SendState,
    SendStateChanged,
    SyncStatusChanged,
    ThreadChanged,
)
from ..sync.closes import PendingCloses
from ..text import one_line
from .clock import FrozenClock, WallClock
from .screens.confirm import ConfirmScreen, SendAnywayScreen
from .screens.edit_contact import EditContactScreen
from .screens.new_conversation import NewConversation, NewConversationScreen
from .screens.search import SearchScreen
from .screens.template_picker import TemplatePickerScreen
from .screens.templates import TemplatesScreen
from .styles import stylesheet
from .terminal import exit_soon_anyway, terminal_gone
from .widgets.compose import ComposeBox
from .widgets.contact_panel import ContactPanel
from .widgets.conversation_list import ConversationList
from .widgets.inputs import SafeInput
from .widgets.status_line import StatusLine
from .widgets.thread_header import ThreadHeader
from .widgets.thread_log import ThreadLog, bubble_for_message, bubble_for_pending

log = logging.getLogger(__name__)

# Messages laid out when a thread opens: a screenful or two; older ones load as the user scrolls up.
THREAD_WINDOW = 30
OLDER_PAGE = 50
DRAFT_SAVE_DELAY_S = 0.4
# Narrower than this, the contact panel takes the thread's place instead of sitting beside it.
CONTACT_BESIDE_MIN_WIDTH = 100


class SakariApp(App[None]):
    """The inbox: conversation list, thread, compose box, status line."""

    TITLE = "sakari-tui"
    CSS_PATH = stylesheet("app.tcss")
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("ctrl+s", "send", "Send", id="app.send", priority=True),
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
        Binding("ctrl+g", "fold_gsm7", "To GSM-7", id="app.fold_gsm7"),
        Binding("ctrl+o", "external_editor", "Editor", id="app.editor"),
        Binding("O", "mark_opted_out", "Mark opted out", id="app.mark_opted_out", show=False),
        Binding("c", "toggle_contact", "Contact", id="app.contact"),
        Binding("T", "manage_templates", "Manage templates", id="app.manage_templates", show=False),
        Binding("R", "retry", "Retry send", id="app.retry", show=False),
        Binding("D", "discard", "Discard failed", id="app.discard", show=False),
        Binding("i", "focus_compose", "Reply", id="app.focus_compose"),
        Binding("r", "refresh", "Refresh", id="app.refresh"),
        Binding("question_mark", "help", "Keys", id="app.help"),
        Binding("q", "quit", "Quit", id="app.quit"),
    ]

    def __init__(
        self,
        settings: Settings,
        engine: InboxEngine,
        *,
        settings_path: Path | None = None,
        demo: bool = False,
        poll: bool = True,
        clock: WallClock | FrozenClock | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        warnings: Sequence[str] = (),
    ) -> None:
        super().__init__()
        self.startup_warnings = list(warnings)
        self.clock = clock or WallClock()
        self.monotonic = monotonic
        self.settings = settings
        self.engine = engine
        self.store: Store = engine.store
        self.notifier = Notifier(settings.notifications)
        # Looked up at each call (not bound now), so a test can stand in for either.
        self.alerts = Alerts(
            self.notifier,
            self.store,
            bell=lambda: self.bell(),
            write_terminal=lambda sequence: self._write_terminal(sequence),
        )
        self.settings_path = settings_path
        self.demo = demo
        self.poll = poll
        self.open_id: str | None = None
        self._shown_messages = 0
        self.filter_query = ""
        self.thread_limit = THREAD_WINDOW
        # Closes inside their undo window; timers only wake `_close_due`, the deadlines live here.
        self.pending_closes = PendingCloses(settings.ui.close_undo_seconds)
        self._draft_timer: Timer | None = None
        self._refresh_timer: Timer | None = None
        # Conversations changed since the list was drawn (None: something else changed; re-query).
        self._list_changes: set[str] | None = set()
        self._listed_with: ListingOptions | None = None
        self._list_title = ""
        self._unfilled_warned: UnfilledWarning | None = None
        self.fatal_error: BaseException | None = None
        self._terminal_fd: int | None = None
        self._stopping = False
        self.poller = Poller(
            engine,
            interval=settings.sync.poll_interval,
            thread_interval=settings.sync.thread_poll_interval,
            open_conversation=lambda: self.open_id,
            clock=monotonic,
        )
        engine.listener = self._on_engine_event
        if settings.keys:
            from .keys import checked_keymap, keymap_scopes  # here, not at the top: keys.py imports this module

            keymap, problems = checked_keymap(settings.keys, *keymap_scopes(), source=settings_path)
            self.startup_warnings += problems
            self.set_keymap(keymap)

    # --- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        if self.demo:
            yield Static(
                Content("DEMO · simulated Sakari account and customers: no real texts are sent"),
                id="demo-banner",
            )
        with Horizontal(id="main"):
            with Vertical(id="list-pane"):
                yield SafeInput(placeholder="Filter by name, number or text (Esc clears)", id="filter")
                yield ConversationList(clock=self.clock, id="conversations")
            with Vertical(id="thread-pane"):
                yield ThreadHeader(Content(""), id="thread-header")
                yield ThreadLog(clock=self.clock, id="thread")
                yield ComposeBox(self.settings.compose, id="compose")
            yield ContactPanel(id="contact-panel")
        yield StatusLine(monotonic=self.monotonic, id="status")
        yield Footer()

    def on_mount(self) -> None:
        # Kept as references: `query_one` searches the active screen, which may be a modal.
        main = self.screen
        self.conversation_list = main.query_one("#conversations", ConversationList)
        self.thread_log = main.query_one("#thread", ThreadLog)
        self.compose_box = main.query_one("#compose", ComposeBox)
        self.status_line = main.query_one("#status", StatusLine)
        self.thread_header = main.query_one("#thread-header", ThreadHeader)
        self.filter_box = main.query_one("#filter", Input)
        self.contact_panel = main.query_one("#contact-panel", ContactPanel)
        try:
            self.theme = self.settings.ui.theme
        except Exception:  # an unknown theme name must not stop the app
            self.notify(f"Theme {self.settings.ui.theme!r} is not installed; using the default.", markup=False)
        if self.demo:
            self.sub_title = "demo"
        self.filter_box.display = False
        self.compose_box.area.disabled = True
        self.refresh_list()
        self.conversation_list.focus()
        self.set_interval(1.0, self._tick)
        for warning in self.startup_warnings + self.notifier.startup_problems:
            self.notify(warning, severity="warning", timeout=15, markup=False)
        self.engine.resume_outbox()
        self._handle_exit_signals()
        if self.poll:
            # After the first frame: the inbox shows from the store first, then the network loads.
            self.call_after_refresh(self._start_polling)

    def _handle_exit_signals(self) -> None:
        """SIGTERM (a shutdown, `kill`) and SIGHUP (the terminal closed, SSH dropped) end the app
        the orderly way, so the draft typed in the last moments is saved first; so does a terminal
        found hung up without a signal (see ui/terminal.py)."""
        if self.is_headless:
            return
        stdout = sys.__stdout__
        if stdout is not None and stdout.isatty():
            self._terminal_fd = stdout.fileno()
        loop = asyncio.get_running_loop()
        for number in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
            if number is None:
                continue
            try:
                loop.add_signal_handler(number, self._stop_now, number)
            except (NotImplementedError, RuntimeError, ValueError):  # Windows, or not the main thread
                return

    def _stop_now(self, number: int) -> None:
        if self._stopping:
            return
        self._stopping = True
        log.info("stopping on signal %d (or a hung-up terminal): saving the draft first", number)
        self._save_draft_now()
        exit_soon_anyway(128 + number)  # an exit that hangs on a dead terminal must not keep the app alive
        self.exit()

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity="information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification is plain text with secrets redacted: much of what is shown comes from
        the server (error texts may quote a request), and markup in it would be acted on."""
        super().notify(redact(str(message)), title=redact(title), severity=severity, timeout=timeout, markup=False)

    def _start_polling(self) -> None:
        # What exists now (modules, widgets, styles) lives as long as the app. Frozen, the garbage
        # collector stops walking it on every full collection, which otherwise stalls a key press
        # for 40-70 ms every few seconds.
        gc.freeze()
        self.run_worker(self._warm_up_then_poll(), group="poller", exclusive=True, exit_on_error=False)

    async def _warm_up_then_poll(self) -> None:
        # The HTTP stack, TLS context, API validators and phone-number metadata load in a thread:
        # on the event loop they would freeze the keys for a quarter of a second after the first frame.
        await asyncio.to_thread(self._warm_up)
        gc.freeze()
        await self.poller.run()

    def _warm_up(self) -> None:
        import phonenumbers  # noqa: F401

        self.engine.client.prepare()

    async def on_unmount(self) -> None:
        # The client's connections live on this event loop, so they are closed here, not after run().
        await self.engine.client.aclose()

    def get_system_commands(self, screen: Screen):
        yield from super().get_system_commands(screen)
        for binding in self.BINDINGS:
            if isinstance(binding, Binding) and binding.action not in ("escape", "help", "quit"):
                yield SystemCommand(
                    binding.description,
                    f"{binding.description} ({binding.key})",
                    lambda action=binding.action: self.run_action(action),
                )

    # --- engine events -----------------------------------------------------------------------

    def _on_engine_event(self, event: Event) -> None:
        if isinstance(event, ConversationsChanged):
            self._schedule_list_refresh(event.changed)
            if self.alerts.quiet_backlog and self.engine.walked_once:
                self.alerts.backlog_loaded()
            if event.new_inbound:
                fresh = self.alerts.new_texts(event.new_inbound)
                if fresh:
                    self._deliver_alerts(fresh)
                if self.open_id in event.new_inbound:
                    self.sync_open_thread()
            if self.open_id in event.changed:
                # Its newest message came with the conversation and is cached already: draw it now.
                self.show_thread()
                self._show_contact()
        elif isinstance(event, ThreadChanged):
            if event.conversation_id == self.open_id:
                self.show_thread()
            self._schedule_list_refresh([event.conversation_id])
        elif isinstance(event, SendStateChanged):
            if event.conversation_id == self.open_id:
                self.show_thread()
            if event.state is SendState.FAILED:
                self.notify(f"Not sent: {one_line(event.error, 200)} Press R to retry.", severity="error", markup=False)
        elif isinstance(event, ConversationMoved):
            # The first text reached Sakari: its thread is now the conversation Sakari opened.
            if self.open_id == event.placeholder_id:
                self.open_conversation(event.conversation_id, focus_compose=self.focused is self.compose_box.area)
        elif isinstance(event, SyncStatusChanged):
            if self.poller.store_damaged is not None:
                self._stop_damaged(self.poller.store_damaged)
            self._render_status()

    @work(group="alerts", exit_on_error=False)
    async def _deliver_alerts(self, events) -> None:
        for problem in await self.alerts.deliver(events):
            self.notify(problem, severity="warning", markup=False)

    def _write_terminal(self, sequence: str) -> None:
        """A notification escape sequence (built from scrubbed text) straight to the terminal."""
        driver = self._driver
        if driver is not None and not self.is_headless:
            driver.write(sequence)

    def _schedule_list_refresh(self, changed: Iterable[str] | None = None) -> None:
        """Redraw the list soon, moving just the `changed` conversations (all when None).

        Bursts (a sync emits once per page) coalesce into one redraw.
        """
        if changed is None:
            self._list_changes = None
        elif self._list_changes is not None:
            self._list_changes.update(changed)
        if self._refresh_timer is None:
            self._refresh_timer = self.set_timer(0.05, self._do_list_refresh)

    def _do_list_refresh(self) -> None:
        self._refresh_timer = None
        changed, self._list_changes = self._list_changes, set()
        self.refresh_list(changed)

    def refresh_list(self, changed: Iterable[str] | None = None) -> None:
        """Show the list as the store has it; with `changed`, only those conversations differ
        from what is shown, and the list is updated rather than ordered afresh."""
        options = ListingOptions(self.settings.ui.show_closed, self.settings.ui.unread_first, self.filter_query)
        listing = self.conversation_list
        if changed is not None and options == self._listed_with:
            changed = set(changed)
            rows = self.store.inbox.relisted(listing.rows, changed)
        else:
            changed = None
            rows = self.store.inbox.listing(
                show_closed=options.show_closed, unread_first=options.unread_first, query=options.query
            )
        self._listed_with = options
        listing.open_id = self.open_id
        listing.closing = set(self.pending_closes)
        listing.set_rows(rows, changed=changed)
        title = f"Inbox {rows.unread_total} unread / {len(rows)}"
        if self.filter_query:
            title += f" · filter: {one_line(self.filter_query, 20)}"
        if self.settings.ui.show_closed:
            title += " · with closed"
        if title != self._list_title:  # a new title redraws the whole list
            self._list_title = title
            listing.border_title = Content(title)

    # --- status line -------------------------------------------------------------------------

    def _tick(self) -> None:
        if self._terminal_fd is not None and terminal_gone(self._terminal_fd):
            self._stop_now(getattr(signal, "SIGHUP", signal.SIGTERM))
            return
        self._render_status()
        self.conversation_list.refresh_ages()

    def _render_status(self) -> None:
        self.status_line.status = self.poller.status
        self.status_line.tick()  # the same status may read differently now ("updated 3s ago")

    # --- opening a conversation --------------------------------------------------------------

    @on(ConversationList.Opened)
    def _opened(self, event: ConversationList.Opened) -> None:
        self.open_conversation(event.conversation_id)

    def open_conversation(self, conversation_id: str, *, focus_compose: bool = True) -> None:
        self._save_draft_now()
        self._show_thread_pane()
        self.open_id = conversation_id
        self.thread_log.found_key = None
        self.thread_limit = THREAD_WINDOW
        self._shown_messages = 0
        self._unfilled_warned = None
        self._store_write(self.store.inbox.mark_read, conversation_id)
        compose = self.compose_box
        compose.area.disabled = False
        compose.area.placeholder = "Write a reply · Enter adds a line · Ctrl+S sends · Ctrl+T templates"
        compose.recipient = self._open_number()
        compose.set_text(self.store.drafts.get(conversation_id))
        self.thread_log.pin_to_bottom()
        self.show_thread()
        self._show_contact()
        # The list (read state, open marker) follows a frame later: the thread is what was asked for.
        self._schedule_list_refresh([conversation_id])
        self.conversation_list.select(conversation_id)
        if focus_compose and not self._opted_out(conversation_id):
            compose.area.focus()
        self.sync_open_thread()

    def _open_conversation(self) -> Conversation | None:
        """The open conversation as cached (None when none is open)."""
        return self.store.inbox.conversation(self.open_id) if self.open_id else None

    def _opted_out(self, conversation_id: str) -> bool:
        conversation = self.store.inbox.conversation(conversation_id)
        contact_id = conversation.contact.id if conversation and conversation.contact else None
        return self.store.inbox.is_opted_out(contact_id)

    @work(group="thread", exclusive=True, exit_on_error=False)
    async def sync_open_thread(self) -> None:
        conversation_id = self.open_id
        if conversation_id is None:
            return
        try:
            await self.engine.sync_thread(conversation_id)
            conversation = self.store.inbox.conversation(conversation_id)
            if conversation and conversation.contact and conversation.contact.id:
                await self.engine.sync_contact(conversation.contact.id)
        except SakariError as error:
            self.report_error(error, quiet=True)
            return
        if conversation_id == self.open_id:
            # New messages were drawn as they merged (ThreadChanged); here only what else may differ.
            if self.store.inbox.is_unread(conversation_id) and self._store_write(
                self.store.inbox.mark_read, conversation_id
            ):
                self._schedule_list_refresh([conversation_id])
            self._render_header()

    def show_thread(self, *, keep_position: bool = False) -> None:
        conversation_id = self.open_id
        if conversation_id is None:
            return
        messages, pending = self.engine.thread(conversation_id, limit=self.thread_limit)
        bubbles = [bubble_for_message(m) for m in messages] + [
            bubble_for_pending(p, checking=p.state is SendState.UNKNOWN and not self.engine.gave_up(p)) for p in pending
        ]
        self._shown_messages = len(messages)
        more = self.store.inbox.message_count(conversation_id) > len(messages) or bool(
            self.engine.older_available.get(conversation_id)
        )
        self.thread_log.show(bubbles, more_above=more, keep_position=keep_position)
        self._render_header()

    def _render_header(self) -> None:
        conversation = self._open_conversation()
        opted_out = conversation is not None and self._opted_out(conversation.id)
        self.thread_header.show(conversation, opted_out=opted_out)
        if conversation is None:
            return
        compose = self.compose_box
        compose.set_class(opted_out, "disabled-reason")
        compose.area.disabled = opted_out
        if opted_out:
            compose.update_counter("Replies are off: this contact opted out of texts.")

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
                self.report_error(error)
                return
        if conversation_id != self.open_id:
            return
        if self.store.inbox.message_count(conversation_id) > shown:
            self.thread_limit = shown + OLDER_PAGE
            self.show_thread(keep_position=True)
        else:
            self.thread_log.more_above = False
            self.thread_log.refresh_layout()

    # --- drafts ------------------------------------------------------------------------------

    def on_text_area_changed(self, event) -> None:
        if event.text_area.id != "compose-input" or self.open_id is None:
            return
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_SAVE_DELAY_S, self._save_draft_now)

    def _save_draft_now(self) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        if self.open_id is not None:
            had = bool(self.store.drafts.get(self.open_id))
            if not self._store_write(self.store.drafts.save, self.open_id, self.compose_box.text):
                return  # the text stays in the box; the status line says it is not saved
            if had != bool(self.compose_box.text.strip()):
                self.refresh_list([self.open_id])

    def _store_failed(self, error: StoreError) -> None:
        if isinstance(error, StoreDamaged):
            self._stop_damaged(error)
            return
        log.warning("store write failed: %s", error)
        self.status_line.store_problem = str(error)  # shown until a write works again

    def _store_write(self, write: Callable[..., object], *args: object) -> bool:
        """Run one local store write; when the disk is full (or the store read-only or damaged)
        say so in the status line and go on running. True if it was written."""
        try:
            write(*args)
        except StoreError as error:
            self._store_failed(error)
            return False
        self._store_ok()
        return True

    def _stop_damaged(self, error: StoreDamaged) -> None:
        """A damaged store only gets worse with use: stop, and let the CLI offer a fresh one."""
        if self.fatal_error is None:
            log.error("%s", error)
            self.fatal_error = error
            self.exit(return_code=1)

    def _store_ok(self) -> None:
        self.status_line.store_problem = None  # a reactive: nothing is redrawn if there was no problem

    # --- sending -----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Inbox commands belong to the inbox screen: in a dialog their keys go to the dialog.
        if self.screen is not self.screen_stack[0] and action in INBOX_ACTIONS:
            return False
        return True

    def action_send(self) -> None:
        conversation_id = self.open_id
        if conversation_id is None:
            self.notify("Open a conversation first (Enter on the list).", severity="warning", markup=False)
            return
        text = self.compose_box.text
        check = check_reply(
            text,
            number=self._open_number(),
            opted_out=self._opted_out(conversation_id),
            compose=self.settings.compose,
            now_utc=self.clock.now(),
            pressed_at=time.monotonic(),
            unfilled_warning=self._unfilled_warned,
        )
        self._unfilled_warned = check.unfilled_warning
        if check.refused:
            self.notify(check.refused, severity=check.severity, markup=False)
            return
        if check.confirm:
            question = "\n".join(check.confirm) + "\n\nSend it anyway?"

            def answered(send: bool | None) -> None:
                if not send:
                    return
                # Things may have changed while the question was open: send only what was confirmed.
                if self.open_id != conversation_id or self.compose_box.text != text:
                    self.notify("Not sent: the reply changed while you were asked; press Ctrl+S again.", markup=False)
                elif self._opted_out(conversation_id):
                    self.notify("Not sent: this contact opted out meanwhile.", severity="error", markup=False)
                else:
                    self._queue_reply(conversation_id, text)

            self.push_screen(SendAnywayScreen(question), answered)
            return
        self._queue_reply(conversation_id, text)

    def _queue_reply(self, conversation_id: str, text: str) -> None:
        self.thread_log.pin_to_bottom()
        try:
            pending = self.engine.queue_reply(conversation_id, text)
        except StoreError as error:
            # Not recorded, so not sent: nothing may go that a crash could lose track of.
            self._store_failed(error)
            self.notify(f"Not sent: {error} The reply stays in the compose box.", severity="error")
            return
        self._store_ok()
        self.compose_box.set_text("")
        self.deliver(pending.local_id)

    def _open_number(self) -> str | None:
        conversation = self._open_conversation()
        contact = conversation.contact if conversation else None
        return contact.mobile.number if contact and contact.mobile else None

    def action_search(self) -> None:
        """Full-text search of every cached message and contact (the `/` filter only narrows the list)."""
        self.push_screen(SearchScreen(self.store.search.search, self.clock.now()), self._search_chosen)

    def _search_chosen(self, hit: SearchHit | None) -> None:
        if hit is None or hit.conversation_id is None:
            if hit is not None:
                self.notify("That contact has no conversation cached here yet.", markup=False)
            return
        if self.store.inbox.conversation(hit.conversation_id) is None:
            return
        # A closed conversation opens too, though the list (hiding closed ones) has no row for it.
        self.open_conversation(hit.conversation_id, focus_compose=False)
        if hit.message_id:
            # Lay out enough of the thread to hold the message, then bring it into view.
            newer = self.store.inbox.messages_since(hit.conversation_id, hit.message_id)
            self.thread_limit = max(THREAD_WINDOW, newer + 10)
            self.thread_log.found_key = hit.message_id
            self.show_thread()
            self.call_after_refresh(self.thread_log.scroll_to_bubble, hit.message_id)
            self.thread_log.focus()

    # --- contact ---------------------------------------------------------------------------------

    def action_toggle_contact(self) -> None:
        """Show or hide the open conversation's contact; narrow terminals show it instead of the thread."""
        panel = self.contact_panel
        if panel.display:
            self._hide_contact_panel()
            self.thread_log.focus()
            return
        if self.open_id is None:
            self.notify("Open a conversation first (Enter on the list).", markup=False)
            return
        narrow = self.size.width < CONTACT_BESIDE_MIN_WIDTH
        panel.set_class(narrow, "-full")
        self.query_one("#thread-pane").display = not narrow
        panel.display = True
        self._show_contact()
        panel.focus()

    def _hide_contact_panel(self) -> None:
        self.contact_panel.display = False
        self.query_one("#thread-pane").display = True

    def _show_thread_pane(self) -> None:
        """Before anything goes to the thread or the compose box: a narrow screen may show the
        contact panel in their place, and typing into a hidden box would be typing blind."""
        if not self.query_one("#thread-pane").display:
            self._hide_contact_panel()

    def on_resize(self, event: events.Resize) -> None:
        # The contact panel sits beside the thread when there is room and replaces it when not.
        panel = getattr(self, "contact_panel", None)  # the first resize comes before on_mount
        if panel is not None and panel.display:
            narrow = event.size.width < CONTACT_BESIDE_MIN_WIDTH
            panel.set_class(narrow, "-full")
            self.query_one("#thread-pane").display = not narrow

    def _show_contact(self) -> None:
        """Draw the open conversation's contact in the panel, when the panel is shown."""
        conversation = self._open_conversation()
        if conversation is None or not self.contact_panel.display:
            return
        identifiers = conversation.contact
        contact = (self.store.inbox.contact(identifiers.id) if identifiers and identifiers.id else None) or identifiers
        last = conversation.last_message
        self.contact_panel.show(
            contact,
            conversation,
            first_contact=conversation.created.at if conversation.created else None,
            last_message=last.created_at if last else None,
            opted_out=self._opted_out(conversation.id),
        )

    @on(ContactPanel.EditRequested)
    def _edit_contact(self, event: ContactPanel.EditRequested) -> None:
        contact = self.store.inbox.contact(event.contact_id)
        if contact is None:
            conversation = self._open_conversation()
            contact = conversation.contact if conversation else None
        if contact is None:
            self.notify("This contact is not cached yet; try again after the next refresh.", markup=False)
            return

        async def save(edit) -> None:
            await self.engine.update_contact(edit.contact_id, **edit.as_kwargs())

        def done(edit) -> None:
            if edit is not None:
                self.notify("Contact saved.", markup=False)
                self._show_contact()
                self._render_header()

        self.push_screen(EditContactScreen(contact, save=save), done)

    @on(ContactPanel.OptOutRequested)
    def _opt_out_requested(self) -> None:
        self.action_mark_opted_out()

    # --- templates -------------------------------------------------------------------------------

    def action_manage_templates(self) -> None:
        """Create, edit and delete the account's templates, previewed against real contacts."""
        # The open conversation's contact first, then those at the top of the list; the cached
        # contact (with its attributes) where there is one, so previews fill what sending would.
        ids = ([self.open_id] if self.open_id else []) + list(self.conversation_list.rows.ids[:20])
        contacts, seen = [], set()
        for conversation_id in ids:
            conversation = self.store.inbox.conversation(conversation_id)
            identifiers = conversation.contact if conversation else None
            if identifiers is None or (identifiers.id or id(identifiers)) in seen:
                continue
            seen.add(identifiers.id or id(identifiers))
            contacts.append(self._contact_of(conversation))
        self.push_screen(TemplatesScreen(self.engine, contacts))

    def _contact_of(self, conversation: Conversation):
        """The conversation's contact as fully as we know it: the cached contact (attributes
        included) when it is more than the stub an inbound STOP leaves, else the conversation's copy."""
        identifiers = conversation.contact
        cached = self.store.inbox.contact(identifiers.id) if identifiers and identifiers.id else None
        if cached is not None and (cached.first_name or cached.last_name or cached.mobile):
            return cached
        return identifiers

    def action_fold_gsm7(self) -> None:
        if self.open_id is None or self.compose_box.area.disabled:
            self.notify("Open a conversation and write a reply first.", markup=False)
            return
        self.notify(self.compose_box.fold_to_gsm7(), markup=False)

    def action_external_editor(self) -> None:
        """Write the reply in $VISUAL/$EDITOR: the app steps aside until the editor exits."""
        if self.open_id is None or self.compose_box.area.disabled:
            self.notify("Open a conversation you can reply to first.", markup=False)
            return
        self._show_thread_pane()
        try:
            argv = editor_argv(self.settings.compose.editor)
        except EditorError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        try:
            with self.suspend():
                result = edit_text(self.compose_box.text, argv)
        except SuspendNotSupported:  # e.g. a headless run, or a terminal Textual cannot hand over
            self.notify(
                "Cannot hand the terminal to an editor here; write the reply in the box.",
                severity="error",
                markup=False,
            )
            return
        if result.error:
            self.notify(result.error, severity="error", markup=False)
        if result.changed:
            # Sanitised like a paste (an editor can save control bytes), and undoable with Ctrl+Z.
            self.compose_box.replace_all(result.text)
            self._save_draft_now()
        self.compose_box.area.focus()

    def action_mark_opted_out(self) -> None:
        conversation = self._open_conversation()
        contact = conversation.contact if conversation else None
        if contact is None or not contact.id:
            self.notify("Open a conversation first.", markup=False)
            return
        if self._opted_out(conversation.id):
            self.notify("This contact is already opted out.", markup=False)
            return
        name = one_line(contact.display_name or display_number(contact.mobile.number if contact.mobile else None), 40)

        def answered(yes: bool | None) -> None:
            if yes:
                self.mark_opted_out(contact.id)

        self.push_screen(
            ConfirmScreen(
                f"Mark {name} as opted out? Replies to them will be refused from now on. "
                f"(Recorded on the contact as the tag 'opted-out'; remove the tag to undo.)",
                yes="Mark opted out",
                no="Cancel",
            ),
            answered,
        )

    @work(group="contact", exit_on_error=False)
    async def mark_opted_out(self, contact_id: str) -> None:
        try:
            await self.engine.mark_opted_out(contact_id)
        except SakariError as error:
            self.report_error(error)
            return
        self.notify("Marked opted out: replies to this contact are off.", markup=False)
        self._render_header()
        self._show_contact()
        self.refresh_list()

    @work(group="send", exit_on_error=False)
    async def deliver(self, local_id: str, resend: bool = False) -> None:
        try:
            await self.engine.deliver(local_id, resend=resend)
        except StoreError as error:  # its row is on disk: it is looked for once the store can be written
            self._store_failed(error)
        self.refresh_list()

    def _latest_failed(self):
        """The newest reply here that needs the user: refused, or of unknown fate."""
        stuck = [
            p
            for p in self.engine.pending.values()
            if p.conversation_id == self.open_id and p.state in (SendState.FAILED, SendState.UNKNOWN)
        ]
        return stuck[-1] if stuck else None

    def action_retry(self) -> None:
        pending = self._latest_failed()
        if pending is None:
            self.notify("No failed message to retry here.", markup=False)
            return
        if pending.state is SendState.FAILED:  # refused by Sakari: certainly not sent
            self.deliver(pending.local_id, resend=True)
            return

        def answered(yes: bool | None) -> None:
            if yes and self.store.outbox.get(pending.local_id) is not None:  # not found meanwhile
                self.deliver(pending.local_id, resend=True)

        self.push_screen(
            ConfirmScreen(
                "Sakari may already have this text: the answer to sending it was lost, and it has not been found "
                "among the contact's messages. Check the conversation first. Send it again anyway?",
                yes="Send again",
                no="Keep waiting",
            ),
            answered,
        )

    def action_discard(self) -> None:
        pending = self._latest_failed()
        if pending is None:
            self.notify("No failed message to discard here.", markup=False)
            return
        self.engine.discard(pending.local_id)
        if is_placeholder(pending.conversation_id) and self.store.inbox.conversation(pending.conversation_id) is None:
            # The first text of a conversation that never opened: back into its dialog, nothing lost.
            target = pending.target or {}
            self.open_id = None
            self.thread_log.show([], more_above=False)
            self._render_header()
            self.compose_box.area.disabled = True
            self.show_new_conversation(
                NewConversation(target.get("number", ""), target.get("firstName"), target.get("lastName"), pending.text)
            )
            return
        if not self.compose_box.text.strip():
            self.compose_box.set_text(pending.text)
            self.notify("Discarded; its text is back in the compose box.", markup=False)
        self.show_thread()

    # --- new conversation --------------------------------------------------------------------

    def action_new_conversation(self) -> None:
        self.show_new_conversation()

    def show_new_conversation(self, filled: NewConversation | None = None) -> None:
        self.push_screen(NewConversationScreen(self.settings.ui.default_country, filled), self._new_conversation_chosen)

    def _new_conversation_chosen(self, result: NewConversation | None) -> None:
        if result is None:
            return
        # Through the outbox like any reply: on disk first, then sent, looked for if the answer is lost;
        # its thread shows (under a placeholder) until Sakari says which conversation it opened.
        try:
            entry = self.engine.queue_new_conversation(
                result.number, result.text, first_name=result.first_name, last_name=result.last_name
            )
        except StoreError as error:
            self._store_failed(error)
            self.notify(f"Not sent: {error}", severity="error")
            self.show_new_conversation(result)  # number, name and text kept
            return
        self._store_ok()
        self.refresh_list()
        self.open_conversation(entry.conversation_id, focus_compose=False)
        self.deliver(entry.local_id)

    # --- templates ---------------------------------------------------------------------------

    def action_templates(self) -> None:
        if self.open_id is None:
            self.notify("Open a conversation first: templates are filled from its contact.", markup=False)
            return
        self.pick_template()

    @work(group="templates", exclusive=True, exit_on_error=False)
    async def pick_template(self) -> None:
        try:
            templates = await self.engine.templates()
        except SakariError as error:
            self.report_error(error)
            return
        if self.engine.templates_note:
            self.notify(self.engine.templates_note, severity="warning")
        conversation = self._open_conversation()
        contact = None
        if conversation and conversation.contact:
            contact = self._contact_of(conversation)
        name = contact.display_name if contact else "this contact"
        text = await self.push_screen_wait(TemplatePickerScreen(templates, contact_context(contact), name))
        if text:
            self._show_thread_pane()
            self.compose_box.area.disabled = False
            self.compose_box.insert(text)
            self.compose_box.area.focus()
            missing = unfilled(text)
            if missing:
                self.notify(
                    f"Not filled: {', '.join(missing)} (highlighted). Edit before sending.",
                    severity="warning",
                    markup=False,
                )

    # --- closing -----------------------------------------------------------------------------

    def _target_conversation(self) -> str | None:
        if self.focused is self.conversation_list:
            return self.conversation_list.current_id
        return self.open_id or self.conversation_list.current_id

    def action_close_conversation(self) -> None:
        conversation_id = self._target_conversation()
        if conversation_id is None:
            return
        conversation = self.store.inbox.conversation(conversation_id)
        if conversation is None or conversation.closed:
            self.notify("That conversation is already closed.", markup=False)
            return
        self.pending_closes.window_s = self.settings.ui.close_undo_seconds  # the setting as it is now
        # On Textual's timer clock (time.monotonic), so a timer never wakes before its close is due.
        if not self.pending_closes.add(conversation_id, time.monotonic()):
            return
        name = one_line(conversation.contact.display_name if conversation.contact else conversation_id, 40)
        delay = self.pending_closes.window_s
        # Textual timers cannot have a zero delay; "no undo window" still goes through the timer path.
        self.set_timer(max(delay, 0.001), self._close_due)
        if delay:
            self.notify(f"Closing {name} in {delay:g}s. Press u to undo.", markup=False, timeout=delay + 1)
        self.refresh_list()

    def action_undo_close(self) -> None:
        if self.pending_closes.undo() is not None:
            self.notify("Close undone.", markup=False)
            self.refresh_list()
            return
        self.notify("Nothing to undo: closes already sent cannot be reopened (Sakari has no reopen).", markup=False)

    def _close_due(self) -> None:
        for conversation_id in self.pending_closes.due(time.monotonic()):
            self.close_now(conversation_id)

    @work(group="close", exit_on_error=False)
    async def close_now(self, conversation_id: str) -> None:
        try:
            conversation = await self.engine.close_conversation(conversation_id)
        except SakariError as error:
            self.report_error(error)
            self.refresh_list()
            return
        name = one_line(conversation.contact.display_name if conversation.contact else conversation_id, 40)
        self.notify(f"Closed {name}.", markup=False)
        self.refresh_list()
        if conversation_id == self.open_id:
            self._render_header()

    async def action_quit(self) -> None:
        in_flight = self.engine.in_flight()
        if in_flight:
            count = len(in_flight)
            question = (
                f"{count} {'reply is' if count == 1 else 'replies are'} still being sent or checked. "
                "Quit anyway? They stay in the outbox and are checked and sent the next time sakari-tui starts."
            )
            self.push_screen(ConfirmScreen(question, yes="Quit", no="Stay"), self._quit_confirmed)
            return
        await self._quit_now()

    async def _quit_confirmed(self, confirmed: bool | None) -> None:
        if confirmed:
            await self._quit_now()

    async def _quit_now(self) -> None:
        # Closes the user asked for are carried out, not dropped, when quitting within the undo window.
        for conversation_id in self.pending_closes.drain():
            try:
                await self.engine.close_conversation(conversation_id)
            except SakariError as error:
                self.report_error(error)
        self._save_draft_now()
        self.exit()

    # --- navigation --------------------------------------------------------------------------

    def action_next_unread(self) -> None:
        rows = self.conversation_list.rows
        index = rows.next_unread(self.conversation_list.cursor, skip=self.open_id) if len(rows) else None
        if index is None:
            self.notify("No unread conversations.", markup=False)
            return
        conversation_id = rows.ids[index]
        self.conversation_list.select(conversation_id)
        self.open_conversation(conversation_id)

    def action_filter(self) -> None:
        box = self.filter_box
        box.display = True
        box.focus()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.filter_query = event.value.strip()
        self.refresh_list()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        self.conversation_list.focus()

    def action_escape(self) -> None:
        box = self.filter_box
        if self.filter_query or box.display:
            box.value = ""
            self.filter_query = ""
            box.display = False
            self.refresh_list()
        self.conversation_list.focus()

    def action_focus_compose(self) -> None:
        if self.open_id is None:
            self.conversation_list.action_open()
            return
        self._show_thread_pane()
        self.compose_box.area.focus()

    def action_refresh(self) -> None:
        self.poller.wake()
        if self.open_id:
            self.sync_open_thread()
        self.notify("Refreshing…", timeout=1.5, markup=False)

    def action_toggle_mute(self) -> None:
        conversation_id = self._target_conversation()
        if conversation_id is None:
            return
        muted = not self.store.inbox.is_muted(conversation_id)
        if not self._store_write(self.store.inbox.set_muted, conversation_id, muted):
            return
        self.refresh_list()
        self.notify("Muted: no bell for this conversation." if muted else "Unmuted.", markup=False)

    def action_toggle_closed(self) -> None:
        self.settings.ui.show_closed = not self.settings.ui.show_closed
        self._persist(("ui", "show_closed"), self.settings.ui.show_closed)
        self.refresh_list()
        self.notify(
            "Showing closed conversations." if self.settings.ui.show_closed else "Hiding closed conversations.",
            markup=False,
        )

    def action_toggle_order(self) -> None:
        self.settings.ui.unread_first = not self.settings.ui.unread_first
        self._persist(("ui", "unread_first"), self.settings.ui.unread_first)
        self.refresh_list()

    def action_help(self) -> None:
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    def watch_theme(self, theme: str) -> None:
        if self.is_mounted and theme != self.settings.ui.theme:
            self.settings.ui.theme = theme
            self._persist(("ui", "theme"), theme)

    def _persist(self, key: tuple[str, str], value: object) -> None:
        if self.settings_path is None:
            return
        try:
            update_config_file(self.settings_path, {key: value})
        except (ConfigError, OSError) as error:
            self.notify(f"Could not save the setting: {one_line(str(error), 200)}", severity="warning", markup=False)

    # --- errors ------------------------------------------------------------------------------

    def _fatal_error(self) -> None:
        # Textual's own crash report prints a traceback with local variables, which could hold the
        # client secret or a token. Log it (the log redacts secrets) and show one sentence instead.
        error = sys.exc_info()[1] or self._exception
        log.error("the app stopped on an unhandled error", exc_info=error)
        self.bell()
        self.fatal_error = error  # the CLI offers to move a damaged store aside after the app is gone
        # Never the error's own text (a sqlite or pydantic error can quote a stored contact).
        self._exit_renderables.append(Text(crash_summary(error)))
        self._close_messages_no_wait()

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        """The one owner of worker failures: a worker that raises says so in one sentence.

        Without this, a worker with exit_on_error=False that raises anything but what it catches
        itself would fail silently (Textual only writes it to its devtools log).
        """
        if event.state is not WorkerState.ERROR:
            return
        error = event.worker.error
        if isinstance(error, StoreDamaged):
            self._stop_damaged(error)
        elif isinstance(error, StoreError):
            self._store_failed(error)
        elif isinstance(error, SakariError):
            self.report_error(error)
        else:
            log.error("the %r worker failed", event.worker.group, exc_info=error)
            self.notify(f"Something went wrong; {where_details()}.", severity="error")

    def report_error(self, error: Exception, *, quiet: bool = False) -> None:
        """One plain sentence on screen; the poller's status line already covers connectivity."""
        if quiet and isinstance(error, SakariError) and error.status in (None, 429) and not error.code:
            return
        self.notify(one_line(str(error), 300), severity="error", markup=False)


INBOX_ACTIONS = frozenset(b.action for b in SakariApp.BINDINGS if isinstance(b, Binding)) - {"quit", "help"}


def make_app(settings: Settings, engine: InboxEngine, **options: Any) -> SakariApp:
    """The one way the CLI, the tests and the screenshot script build the app.

    `options` are SakariApp's keywords: settings_path, demo, poll, clock, monotonic, warnings.
    """
    return SakariApp(settings, engine, **options)
