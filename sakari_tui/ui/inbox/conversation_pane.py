"""The conversation pane: the filter box over the conversation list, and how the list is kept current.

Changes to conversations arrive in bursts (a sync emits once per page), so relisting is
coalesced: `relist_soon(changed)` gathers the changed ids for one frame and then moves just
those rows; anything else (a toggle, a new filter) relists from the store.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.reactive import reactive
from textual.timer import Timer
from textual.widgets import Input

from ...config import UiSection
from ...store import ListingOptions, Store
from ...sync import PendingCloses
from ...text import one_line
from ..clock import FrozenClock, WallClock
from ..widgets.conversation_list import ConversationList
from ..widgets.inputs import SafeInput

RELIST_DELAY_S = 0.05


class ConversationPane(Vertical):
    """Filter + list. Watches the screen's `open_id` to mark the open row."""

    filter_query: reactive[str] = reactive("", init=False)
    open_id: reactive[str | None] = reactive(None, init=False)

    def __init__(
        self, store: Store, ui: UiSection, closes: PendingCloses, clock: WallClock | FrozenClock, *, id: str
    ) -> None:
        super().__init__(id=id)
        self.store = store
        self.ui = ui  # read at each relist: the toggles change it
        self.closes = closes
        self.clock = clock
        self._relist_timer: Timer | None = None
        # Conversations changed since the list was drawn (None: something else changed; re-query).
        self._changes: set[str] | None = set()
        self._listed_with: ListingOptions | None = None
        self._title = ""

    def compose(self) -> ComposeResult:
        yield SafeInput(placeholder="Filter by name, number or text (Esc clears)", id="filter")
        yield ConversationList(clock=self.clock, id="conversations")

    @property
    def list(self) -> ConversationList:
        return self.query_one("#conversations", ConversationList)

    @property
    def filter_box(self) -> Input:
        return self.query_one("#filter", Input)

    def on_mount(self) -> None:
        self.filter_box.display = False
        self.relist()

    def watch_open_id(self, opened: str | None) -> None:
        # The list (read state, open marker) follows a frame later: the thread is what was asked for.
        if opened is not None:
            self.relist_soon([opened])

    # --- relisting ----------------------------------------------------------------------------

    def relist_soon(self, changed: Iterable[str] | None = None) -> None:
        """Relist in a moment, moving just the `changed` conversations (all when None)."""
        if changed is None:
            self._changes = None
        elif self._changes is not None:
            self._changes.update(changed)
        if self._relist_timer is None:
            self._relist_timer = self.set_timer(RELIST_DELAY_S, self._relist_due)

    def _relist_due(self) -> None:
        self._relist_timer = None
        changed, self._changes = self._changes, set()
        self.relist(changed)

    def relist(self, changed: Iterable[str] | None = None) -> None:
        """Show the list as the store has it; with `changed`, only those conversations differ
        from what is shown, and the list is updated rather than ordered afresh."""
        options = ListingOptions(self.ui.show_closed, self.ui.unread_first, self.filter_query)
        listing = self.list
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
        listing.closing = set(self.closes)
        listing.set_rows(rows, changed=changed)
        title = f"Inbox {rows.unread_total} unread / {len(rows)}"
        if self.filter_query:
            title += f" · filter: {one_line(self.filter_query, 20)}"
        if self.ui.show_closed:
            title += " · with closed"
        if title != self._title:  # a new title redraws the whole list
            self._title = title
            listing.border_title = Content(title)

    # --- moving and filtering -----------------------------------------------------------------

    def next_unread(self) -> str | None:
        """The next unread conversation after the cursor (not the open one), selected; None if none."""
        rows = self.list.rows
        index = rows.next_unread(self.list.cursor, skip=self.open_id) if len(rows) else None
        if index is None:
            return None
        self.list.select(rows.ids[index])
        return rows.ids[index]

    def show_filter(self) -> None:
        self.filter_box.display = True
        self.filter_box.focus()

    def clear_filter(self) -> None:
        """Empty and hide the filter box, listing everything again; the list takes the focus."""
        box = self.filter_box
        if self.filter_query or box.display:
            box.value = ""
            self.filter_query = ""  # relists (a reactive), if it was not empty
            box.display = False
        self.list.focus()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.filter_query = event.value.strip()

    def watch_filter_query(self) -> None:
        self.relist()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.list.focus()
