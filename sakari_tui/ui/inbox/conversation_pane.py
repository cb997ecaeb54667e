"""The conversation pane: the filter box over the conversation list, and how the list is kept current.

Changes to conversations arrive in bursts (a sync emits once per page), so relisting is
coalesced: `relist_soon(changed)` gathers the changed ids for one frame and then moves just
those rows; anything else (a toggle, a new filter) relists from the store. While pages keep
coming, relists are at most one per `RELIST_GAP_S`, except when a changed row is on screen.

A list relisted from the store shows its head first (the first `HEAD_ROWS` and the counts): at
100,000 conversations reading every entry before the first frame took 0.1-0.7 s. The rest is read
right after that frame, and what a sync's page changed is read too, in threads (listing_reads.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.reactive import reactive
from textual.timer import Timer
from textual.widgets import Input

from ...config import TriageSection, UiSection
from ...senders import SenderBook
from ...store import ListingOptions, Store
from ...store.listing import LISTING_BLOCK, ConversationListing
from ...store.views import View
from ...sync import PendingCloses
from ...text import for_display, one_line
from ..clock import FrozenClock, WallClock
from ..widgets.conversation_list import ConversationList
from ..widgets.inputs import SafeInput
from .listing_reads import ListingReads

RELIST_DELAY_S = 0.05
# During a burst (a first sync brings a page of 100 conversations at a time), the least time between
# two relists of rows off screen: each costs about the same whatever the page, so fewer is less.
RELIST_GAP_S = 0.25
# The entries a relist from the store reads before the first frame: a tall screen's worth and more.
HEAD_ROWS = 2 * LISTING_BLOCK


class ConversationPane(ListingReads, Vertical):
    """Filter + list. Watches the screen's `open_id` to mark the open row."""

    HELP = """
## Conversation list

Newest (or unread) first. **j**/**k** or the arrows move, **Enter** opens, **n** opens the next
unread, **/** filters by name, number or text, **x** closes (with **u** to undo for a few seconds),
**m** mutes, **N** texts a new number, **s** shows one sender number's conversations at a time.
**1**–**6** switch views (Needs reply, Waiting on customer, Snoozed, Failed, Scheduled, All),
**U** marks unread, **z** snoozes.
"""

    filter_query: reactive[str] = reactive("", init=False)
    open_id: reactive[str | None] = reactive(None, init=False)

    def __init__(
        self,
        store: Store,
        ui: UiSection,
        closes: PendingCloses,
        clock: WallClock | FrozenClock,
        *,
        id: str,
        senders: SenderBook | None = None,
        triage: TriageSection | None = None,
    ) -> None:
        super().__init__(id=id)
        self.triage = triage if triage is not None else TriageSection()
        self.view = View(self.triage.default_view)
        self.store = store
        self.ui = ui  # read at each relist: the toggles and the sender filter change it
        # The account's numbers; each relist learns those of the conversations it lists.
        self.senders = senders if senders is not None else SenderBook()
        self.closes = closes
        self.clock = clock
        self._relist_timer: Timer | None = None
        self._relist_due_at = 0.0
        self._relisted_at = float("-inf")  # time.monotonic() of the last relist
        self._reading_rest = False  # a thread reads the entries past the list's head
        self._reading_changes = False  # a thread reads what a sync's page changed (_relist_in_thread)
        # Conversations changed since the list was drawn (None: something else changed; re-query).
        self._changes: set[str] | None = set()
        self._listed_with: ListingOptions | None = None
        self._after_relist: list[Callable[[], object]] = []
        # The next snooze to end, and the timer that relists then (rows move with no key pressed).
        self._wake_at: float | None = None
        self._wake_timer: Timer | None = None

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
        self.list.focus()  # where a person starts

    def watch_open_id(self, opened: str | None) -> None:
        # The list (read state, open marker) follows a frame later: the thread is what was asked for.
        if opened is not None:
            self.relist_soon([opened])

    # --- relisting ----------------------------------------------------------------------------

    def relist_soon(self, changed: Iterable[str] | None = None) -> None:
        """Relist in a moment, moving just the `changed` conversations (all when None)."""
        changed = None if changed is None else set(changed)
        if changed is None:
            self._changes = None
        elif self._changes is not None:
            self._changes.update(changed)
        now = time.monotonic()
        due = now + RELIST_DELAY_S
        if not self._on_screen(changed):  # rows off screen can wait for the next of a burst's relists
            due = max(due, self._relisted_at + RELIST_GAP_S)
        if self._relist_timer is not None:
            if due >= self._relist_due_at:
                return
            self._relist_timer.stop()
        self._relist_due_at = due
        self._relist_timer = self.set_timer(due - now, self._relist_due)

    def _on_screen(self, changed: set[str] | None) -> bool:
        """Whether any of `changed` (all when None) is on a row on screen."""
        if changed is None:
            return True
        return not changed.isdisjoint(self.list.visible_ids())

    def _relist_due(self) -> None:
        self._relist_timer = None
        if self._reading_rest or self._reading_changes:
            # What a thread reads lands in a moment: moving rows now would read it again here.
            self._relist_due_at = time.monotonic() + RELIST_DELAY_S
            self._relist_timer = self.set_timer(RELIST_DELAY_S, self._relist_due)
            return
        changed, self._changes = self._changes, set()
        if not self._relist_in_thread(changed):
            self.relist(changed)

    @property
    def relist_pending(self) -> bool:
        """Changes are waiting to be listed (they arrive in bursts and are listed together)."""
        return self._relist_timer is not None or self._reading_changes

    def _options(self) -> ListingOptions:
        return ListingOptions(
            self.ui.show_closed, self.ui.unread_first, self.filter_query, self.sender_filter, self.view
        )

    def after_relist(self, callback: Callable[[], object]) -> None:
        """Run `callback` once, right after the next relist (a key pressed before the rows it wants are listed)."""
        self._after_relist.append(callback)

    def relist(self, changed: Iterable[str] | None = None) -> None:
        """Show the list as the store has it; with `changed`, only those conversations differ
        from what is shown, and the list is updated rather than ordered afresh."""
        self._relisted_at = time.monotonic()
        learned = self.senders.learn(
            self.store.inbox.sender_numbers(None if changed is None or self._listed_with is None else list(changed))
        )
        options = self._options()
        sender = options.sender
        listing = self.list
        now = self.clock.now().timestamp()
        if changed is not None and options == self._listed_with and not learned:
            changed = set(changed)
            rows = self.store.inbox.relisted(listing.rows, changed, now=now)
        else:
            # A new number may turn the sender labels on: every row is drawn again.
            changed = None
            rows = self.store.inbox.listing(
                show_closed=options.show_closed,
                unread_first=options.unread_first,
                query=options.query,
                sender=sender,
                view=self.view,
                now=now,
                # All counts from an index; a text filter's or another view's count costs about
                # as much as reading their whole listing, which is then read at once.
                first=HEAD_ROWS if self.view is View.ALL and not options.query else None,
                # A listing other than the one on screen (the first, a toggle) is drawn before it
                # is counted: at 100,000 its counts cost 15-90 ms and its first rows under 1.
                counted=options == self._listed_with,
            )
            if not rows.complete:
                self.call_after_refresh(self._read_rest)
        self._show(rows, changed, options, now)

    def _show(self, rows: ConversationListing, changed: set[str] | None, options: ListingOptions, now: float) -> None:
        """Put `rows` (listed with `options` at `now`) on screen; `changed`: the only ones that
        differ from what is shown (None: any may)."""
        listing = self.list
        self._listed_with = options
        listing.senders = self.senders
        listing.open_id = self.open_id
        listing.closing = set(self.closes)
        listing.waiting_limits = (self.triage.warn_seconds, self.triage.alert_seconds)
        listing.set_rows(rows, changed=changed)
        self._show_title(rows, options.sender)
        self._wake_when_due(now)
        waiting, self._after_relist = self._after_relist, []
        for callback in waiting:
            callback()

    def _show_title(self, rows, sender: str) -> None:
        self.list.show_title(Content(self._title_for(rows, sender)))  # redrawn only when it reads differently

    def _title_for(self, rows, sender: str) -> str:
        # Narrowed to one sender, the list is that number's inbox (as each Group has one in the Hub):
        # said first, where 80 columns still show it.
        short = for_display(one_line(self.senders.short(sender), 24)) if sender else ""
        counted = rows.counted  # if not, it is counted in a moment, in a thread (listing_reads.py)
        if self.view is View.ALL:
            title = f"{short} inbox" if sender else "Inbox"
            if counted:
                title += f" {rows.unread_total} unread / {len(rows)}"
            suffix = " · with closed" if self.ui.show_closed else ""
        else:
            title = f"{short} · " if sender else ""
            title += self.view.title
            if counted:
                title += f" {len(rows)}"
                if rows.unread_total:
                    title += f" · {rows.unread_total} unread"
            suffix = ""
        if self.filter_query:
            title += f" · filter: {one_line(self.filter_query, 20)}"
        return title + suffix

    def _wake_when_due(self, now: float) -> None:
        """Relist when the earliest snooze ends, so its row comes back with no key pressed."""
        due = self.store.inbox.next_wake(now)
        if due == self._wake_at:
            return
        if self._wake_timer is not None:
            self._wake_timer.stop()
            self._wake_timer = None
        self._wake_at = due
        if due is not None:
            self._wake_timer = self.set_timer(max(0.05, due - now + 0.05), self._snooze_due)

    def _snooze_due(self) -> None:
        self._wake_timer = None
        self._wake_at = None
        self.relist_soon(None)

    def show_view(self, view: View) -> None:
        """List `view` (keys 1–6); the cursor goes to its top."""
        self.view = view
        self.relist()
        if len(self.list.rows):
            self.list.cursor = 0

    @property
    def sender_filter(self) -> str:
        """The sender number the list is narrowed to ("" for all): the saved one while it is still
        one of the account's, else all (a number that is gone is no error)."""
        return self.senders.effective_filter(self.ui.sender_filter)

    # --- moving and filtering -----------------------------------------------------------------

    def next_unread(self) -> str | None:
        """The unread conversation `n` opens, selected; None if there is none.

        From an open conversation listed here: the next unread below it, wrapping. Otherwise (nothing
        open, or the open one filtered out): the first unread in list order, the top one included.
        """
        rows = self.list.rows
        if not len(rows):
            return None
        opened = rows.index_of(self.open_id) if self.open_id else None
        # next_unread searches after a position: from the top means "after the one before the top".
        after = opened if opened is not None else len(rows) - 1
        index = rows.next_unread(after, skip=self.open_id)
        if index is None:
            return None
        self.list.select(rows.ids[index])
        return rows.ids[index]

    @property
    def listed(self) -> bool:
        """The list has been filled from the store at least once."""
        return self._listed_with is not None

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
