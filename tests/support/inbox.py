"""The inbox page object: what tests read from and do to the inbox of a running `SakariApp`.

    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        row = inbox.select_row(lambda r: not r.opted_out)
        await pilot.press("enter")
        assert inbox.open_id == row.id and "1 segment" in inbox.counter_text()

Tests go through this one place instead of reaching into the app's widgets and attributes, so
when the inbox moves from the App into a screen of its own with panes, this file is what changes.
Widgets are looked up by id on the screen at the bottom of the stack (the inbox, whatever dialog
is above it), each time they are asked for: an `Inbox` can be made before the app runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Static

from sakari_tui.api import Conversation
from sakari_tui.ui.app import SakariApp
from sakari_tui.ui.widgets.compose import ComposeBox
from sakari_tui.ui.widgets.contact_panel import ContactPanel
from sakari_tui.ui.widgets.conversation_list import ConversationList
from sakari_tui.ui.widgets.thread_log import ThreadLog


class Inbox:
    """The inbox of `app`: its widgets, its state, and the commands tests run without keys."""

    def __init__(self, app: SakariApp) -> None:
        self.app = app

    # --- where things are ---------------------------------------------------------------------

    @property
    def screen(self) -> Screen:
        """The screen the inbox is on (under any dialog)."""
        return self.app.screen_stack[0]

    def on_top(self) -> bool:
        """No dialog is open: the inbox is the screen shown."""
        return self.app.screen is self.screen

    @property
    def list(self) -> ConversationList:
        return self.screen.query_one("#conversations", ConversationList)

    @property
    def thread(self) -> ThreadLog:
        return self.screen.query_one("#thread", ThreadLog)

    @property
    def compose(self) -> ComposeBox:
        return self.screen.query_one("#compose", ComposeBox)

    @property
    def header(self) -> Static:
        return self.screen.query_one("#thread-header", Static)

    @property
    def status(self) -> Static:
        return self.screen.query_one("#status", Static)

    @property
    def filter(self) -> Input:
        return self.screen.query_one("#filter", Input)

    @property
    def contact_panel(self) -> ContactPanel:
        return self.screen.query_one("#contact-panel", ContactPanel)

    @property
    def thread_pane(self) -> Widget:
        """The thread's column (header, thread, compose box), hidden when the narrow contact panel replaces it."""
        return self.screen.query_one("#thread-pane")

    @property
    def inbox_screen(self) -> Screen:
        """The inbox screen itself (the default screen), for tests of what it does."""
        return self._owner

    # --- state ----------------------------------------------------------------------------------

    @property
    def _owner(self) -> Any:
        """What holds the inbox's state and runs its commands: the inbox screen (the app makes it
        before it runs, so commands can be replaced before the first key)."""
        return self.app.inbox

    @property
    def open_id(self) -> str | None:
        return self._owner.open_id

    @property
    def filter_query(self) -> str:
        return self._owner.conversations.filter_query

    @property
    def pending_closes(self):
        """Conversations closed with the undo window still open (`in` asks about one)."""
        return self._owner.pending_closes

    # --- reading --------------------------------------------------------------------------------

    @property
    def rows(self):
        """The conversations listed, in order."""
        return self.list.rows

    def row(self, conversation_id: str):
        """The listed row of `conversation_id`."""
        return next(row for row in self.rows if row.id == conversation_id)

    def list_title(self) -> str:
        """The list's border title: the view, its counts, the sender filter."""
        return str(self.list.border_title)

    @property
    def view(self):
        """The list's view (`store.views.View`)."""
        return self._owner.conversations.view

    def drawn_first_lines(self) -> list[str]:
        """The first line of each row on screen, as drawn (name, markers, age or wait)."""
        widget = self.list
        return [widget.render_line(y).text for y in range(0, min(widget.size.height, 2 * len(self.rows)), 2)]

    def drawn_lines(self) -> list[str]:
        """Every line of the list on screen, as drawn."""
        widget = self.list
        return [widget.render_line(y).text for y in range(min(widget.size.height, 2 * len(self.rows)))]

    def thread_text(self) -> str:
        """Every line of the open thread, on screen or not."""
        return "\n".join(strip.text for strip in self.thread._lines)

    def header_text(self) -> str:
        return str(self.header.render())

    def status_text(self) -> str:
        return str(self.status.render())

    @property
    def held(self):
        """The collision guard's check that holds the reply (None when nothing is held)."""
        return self._owner.thread_pane.held

    def collision_text(self) -> str:
        """The sentence above the compose box while the guard holds a reply ('' when hidden)."""
        notice = self.screen.query_one("#collision-notice")
        return str(notice.render()) if notice.display else ""

    def counter_text(self) -> str:
        """The compose box's line under the text: encoding, segments, cost, or why replies are off."""
        return str(self.compose.counter.render())

    def notifications(self) -> list[str]:
        """The texts of the notifications (toasts) the app holds: not yet expired or cleared."""
        return [str(notification.message) for notification in self.app._notifications]

    def command_titles(self) -> list[str]:
        """The titles the command palette offers on the inbox."""
        from sakari_tui.ui.inbox.commands import inbox_commands

        return [title for title, _help, _run in inbox_commands(self._owner)]

    def contact_of(self, conversation: Conversation):
        """The contact that templates are filled from for `conversation`."""
        return self._owner.contact_of(conversation)

    # --- doing ------------------------------------------------------------------------------------

    def select(self, conversation_id: str) -> None:
        """Put the list's cursor on `conversation_id` (Enter then opens it)."""
        self.list.select(conversation_id)

    def select_row(self, predicate: Callable[[Any], bool]):
        """Put the cursor on the first listed row that `predicate` accepts, and return that row."""
        row = next(row for row in self.rows if predicate(row))
        self.select(row.id)
        return row

    def open(self, conversation_id: str, *, focus_compose: bool = True) -> None:
        """Open a conversation as choosing it in the list does (without waiting for a key)."""
        self._owner.open_conversation(conversation_id, focus_compose=focus_compose)

    def refresh_list(self, changed=None) -> None:
        """Relist now: only the `changed` ids, or everything."""
        self._owner.conversations.relist(changed)

    def show_thread(self, *, limit: int | None = None) -> None:
        """Redraw the open thread from the store, with up to `limit` messages if given."""
        if limit is not None:
            self._owner.thread_pane.thread_limit = limit
        self._owner.thread_pane.show_thread()

    def sync_open_thread(self):
        """Fetch the open thread from Sakari now (a worker), as the poller does for it."""
        return self._owner.thread_pane.sync()

    def send(self) -> None:
        """What Ctrl+S does, whether or not the key would reach the compose box."""
        self._owner.action_send()

    def replace_command(self, action: str, replacement: Callable[[], object]) -> None:
        """Make the inbox command `action` (its binding's action name) run `replacement` instead."""
        setattr(self._owner, f"action_{action}", replacement)
