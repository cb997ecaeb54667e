"""The conversation list: a virtual list that renders only the rows on screen.

One widget per row takes seconds at a few thousand rows; this draws two lines per
conversation straight from a `ConversationListing`, whose rows are read from the store only when
they come into view, so 10,000 conversations cost little more to show than 20. All text is
sanitised, put in the form every terminal gives the same width (`for_display`), and drawn as plain
text, never parsed as markup.
"""

from __future__ import annotations

from collections.abc import Collection

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.content import Content
from textual.events import Click
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.worker import Worker, WorkerState

from ...store import ConversationListing, ConversationRow
from ...store.unread import wait_words
from ...store.views import View
from ..cell_widths import count_spacing_marks
from ..clock import FrozenClock, WallClock
from ..failures import PassesWorkerFailures
from ..format import load_number_formats, numbers_formattable, relative_time
from ..type_ahead import hold_keys_for_text
from .conversation_row_text import MIN_NAME_CELLS, SENDER_CELLS, ConversationRowText

__all__ = ["MIN_NAME_CELLS", "ROW_HEIGHT", "SENDER_CELLS", "ConversationList"]

ROW_HEIGHT = 2
NUMBER_FORMATS = "number-formats"


class ConversationList(ConversationRowText, PassesWorkerFailures, ScrollView, can_focus=True):
    """Conversations, two lines each: name, markers and age; then a preview of the last message."""

    COMPONENT_CLASSES = {
        "conversation-list--cursor",
        "conversation-list--unread",
        "conversation-list--dim",
        "conversation-list--marker",
        "conversation-list--badge",
        "conversation-list--open",
        "conversation-list--wait-warn",
        "conversation-list--wait-alert",
    }
    DEFAULT_CSS = """
    ConversationList {
        background: $surface;
        scrollbar-size-vertical: 1;
        overflow-x: hidden;
    }
    ConversationList > .conversation-list--cursor { background: $block-cursor-blurred-background; }
    ConversationList:focus > .conversation-list--cursor { background: $block-cursor-background; color: $block-cursor-foreground; }
    ConversationList > .conversation-list--unread { text-style: bold; color: $text; }
    ConversationList > .conversation-list--dim { color: $text-muted; }
    ConversationList > .conversation-list--marker { color: $warning; }
    ConversationList > .conversation-list--badge { background: $accent; color: $text; text-style: bold; }
    ConversationList > .conversation-list--open { color: $accent; text-style: bold; }
    ConversationList > .conversation-list--wait-warn { color: $warning; text-style: bold; }
    ConversationList > .conversation-list--wait-alert { color: $error; text-style: bold; }
    """
    BINDINGS = [
        Binding("down,j", "cursor_down", "Down", show=False, id="list.down"),
        Binding("up,k", "cursor_up", "Up", show=False, id="list.up"),
        Binding("home,g", "first", "First", show=False, id="list.first"),
        Binding("end,G", "last", "Last", show=False, id="list.last"),
        Binding("pagedown", "page_down", "Page down", show=False, id="list.page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="list.page_up"),
        Binding("enter", "open", "Open", id="list.open"),
    ]

    # repaint=False: the watcher redraws just the two rows involved unless the list has to scroll.
    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)

    class Opened(Message):
        """The user chose a conversation (Enter or click)."""

        def __init__(self, conversation_id: str) -> None:
            super().__init__()
            self.conversation_id = conversation_id

    def __init__(self, *, clock: WallClock | FrozenClock | None = None, id: str | None = None) -> None:
        super().__init__(id=id)
        self.clock = clock or WallClock()
        self.rows: ConversationListing = ConversationListing([], [], lambda ids: {})
        self.open_id: str | None = None
        self.closing: set[str] = set()
        self._now = self.clock.now()
        # Drawn lines by (row, line, drawn as the cursor's): a row keeps both looks, so a key that
        # moves the cursor draws only the row it lands on, not the one it leaves as well.
        self._cache: dict[tuple[int, int, bool], Strip] = {}
        self._drawn_marks: tuple[str | None, frozenset[str]] = (None, frozenset())
        # The widget's own style, looked up once per style change rather than once per line drawn.
        self._base: Style | None = None
        # Rows drawn with a number as stored, before phone formatting had loaded (see `number_label`).
        self._raw_numbers_drawn = False
        count_spacing_marks()

    def render_str(self, text_content: str | Content) -> Content:
        """Titles set as `str` (the border title) are plain text here, never markup.

        The border title carries the filter query, which may be pasted from a customer's text:
        as markup, `[/]` would crash the app and `[@click=…]` would become an action.
        """
        return text_content if isinstance(text_content, Content) else Content(text_content)

    # --- data --------------------------------------------------------------------------------

    def set_rows(
        self, rows: ConversationListing, *, keep: str | None = None, changed: Collection[str] | None = None
    ) -> None:
        """Show `rows`, keeping the cursor on the same conversation when it is still listed.

        With `changed` (the conversations that differ from the rows shown so far), rows on screen
        that neither moved nor changed keep their drawn lines: while a large account syncs, pages
        of older conversations land below the view and cost only a new scrollbar thumb.
        """
        current = keep or self.current_id
        previous = self.rows
        self.rows = rows
        index = rows.index_of(current, hint=self.cursor)
        cursor = self._clamp(index if index is not None else self.cursor)
        first, room = self._visible_span(clamp=False)
        if (
            changed is not None
            and cursor == self.cursor
            and self._marks() == self._drawn_marks
            and previous.ids_between(first, room) == rows.ids_between(first, room)
        ):
            last = min(room, len(rows))
            self._set_height(len(rows))
            self._cache = {key: strip for key, strip in self._cache.items() if first <= key[0] < last}
            for position in range(first, last):
                if rows.id_at(position) in changed:
                    self._forget_row(position)
                    self._refresh_row(position)
            return
        self._now = self.clock.now()
        self._cache.clear()
        self._drawn_marks = self._marks()
        self._set_height(len(rows))
        self.cursor = cursor
        self.refresh()

    def show_title(self, title: Content) -> None:
        """Put `title` in the top border, redrawing that border line alone.

        Setting `border_title` redraws every row (Textual refreshes the whole widget): while an
        account syncs the counts in the title change with each page, a few times a second, and
        each of those frames cost as much as scrolling the whole list (issue 17: keys during a sync).
        """
        if not self.is_mounted:
            self.border_title = title
            return
        stored = self.render_str(title).expand_tabs(4).split()[0]  # as the border_title setter keeps it
        if stored == self._border_title:
            return
        self._border_title = stored
        # Regions given to refresh() are the content's: the border line sits above it.
        offset = self.content_offset
        self.refresh(Region(-offset.x, -offset.y, self.outer_size.width, 1))

    def _marks(self) -> tuple[str | None, frozenset[str]]:
        """What the app marks on rows besides their data: the open one and those being closed."""
        return self.open_id, frozenset(self.closing)

    def _visible_span(self, *, clamp: bool = True) -> tuple[int, int]:
        """The rows on screen, as indexes [first, last) into the rows; with `clamp`, none past
        the end (without, the screen's room, so a shorter list reads as a change)."""
        first = int(self.scroll_offset.y) // ROW_HEIGHT
        last = first + self.size.height // ROW_HEIGHT + 1
        return first, min(len(self.rows), last) if clamp else last

    def visible_ids(self) -> list[str]:
        """The ids of the rows on screen (from the head of the rows while it holds them)."""
        first, last = self._visible_span()
        return self.rows.ids_between(first, last)

    def _set_height(self, count: int) -> None:
        size = Size(self.size.width, count * ROW_HEIGHT)
        if size == self.virtual_size:
            return
        if self.size.height and min(size.height, self.virtual_size.height) > self.size.height:
            # It scrolled and still does: only the scrollbar's thumb changes. Assigning
            # virtual_size would lay the whole screen out again (a full frame) for each page a
            # sync brings in.
            self.set_reactive(ConversationList.virtual_size, size)
            self._scroll_update(size)
        else:
            self.virtual_size = size

    def refresh_ages(self) -> None:
        """Redraw when an age on screen ('now', '5m', …) would read differently; else nothing.

        Called every second: redrawing the whole list each time would cost every key press that
        lands on that frame a full repaint.
        """
        now = self.clock.now()
        if self._visible_ages(now) != self._visible_ages(self._now):
            self._now = now
            self._cache.clear()
            self.refresh()

    def _visible_ages(self, now) -> list[str]:
        first, last = self._visible_span()
        if self.rows.options.view is View.NEEDS_REPLY:  # the wait's words and colour
            ages = []
            for index in range(first, last):
                at = self.rows[index].last_at
                waited = (now - at).total_seconds() if at else 0.0
                ages.append(f"{wait_words(waited)} {self.wait_level(waited)}")
            return ages
        return [relative_time(self.rows[index].last_at, now) for index in range(first, last)]

    @property
    def current_id(self) -> str | None:
        return self.rows.id_at(self.cursor) if 0 <= self.cursor < len(self.rows) else None

    def select(self, conversation_id: str) -> bool:
        index = self.rows.index_of(conversation_id, hint=self.cursor)
        if index is None:
            return False
        self.cursor = index
        return True

    def _clamp(self, index: int) -> int:
        return max(0, min(index, len(self.rows) - 1)) if self.rows else 0

    # --- numbers -----------------------------------------------------------------------------

    def on_mount(self) -> None:
        if not numbers_formattable():
            # After the first frame and off the event loop: loading takes about 20 ms.
            self.call_after_refresh(self._load_number_formats)

    def _load_number_formats(self) -> None:
        self.run_worker(load_number_formats, thread=True, group=NUMBER_FORMATS, exit_on_error=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != NUMBER_FORMATS:
            return super().on_worker_state_changed(event)
        if event.state is WorkerState.SUCCESS and self._raw_numbers_drawn:
            self._raw_numbers_drawn = False
            self._cache.clear()
            self.refresh()
        # A failure to load leaves numbers as stored: nothing for the person to do about it.

    # --- cursor ------------------------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        if not self.rows:
            self.refresh()
            return
        target = Region(0, new * ROW_HEIGHT, 1, ROW_HEIGHT)
        if self.scrollable_content_region.height and self._visible(target):
            # The cursor stays in view: redraw its old and new rows only, not the whole list.
            for index in (old, new):
                self._refresh_row(index)
        else:
            # Leaving the view re-centres the cursor (as mutt and less do), so the next half-page
            # of moves redraws two rows each instead of repainting the whole list every time.
            self.refresh()
            self.scroll_to_region(target, animate=False, immediate=True, center=True)

    def _visible(self, region: Region) -> bool:
        top = int(self.scroll_offset.y)
        return region.y >= top and region.bottom <= top + self.scrollable_content_region.height

    def _forget_row(self, index: int) -> None:
        """Drop the drawn lines of the row at `index` (its conversation changed)."""
        for line in range(ROW_HEIGHT):
            for as_cursor in (False, True):
                self._cache.pop((index, line, as_cursor), None)

    def _refresh_row(self, index: int) -> None:
        region = Region(0, index * ROW_HEIGHT - int(self.scroll_offset.y), self.size.width, ROW_HEIGHT)
        self.refresh(region)

    def action_cursor_down(self) -> None:
        self.cursor = self._clamp(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self.cursor = self._clamp(self.cursor - 1)

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = self._clamp(len(self.rows) - 1)

    def action_page_down(self) -> None:
        self.cursor = self._clamp(self.cursor + max(1, self.size.height // ROW_HEIGHT))

    def action_page_up(self) -> None:
        self.cursor = self._clamp(self.cursor - max(1, self.size.height // ROW_HEIGHT))

    def action_open(self) -> None:
        if self.current_id is not None:
            hold_keys_for_text(self)  # what is typed right behind Enter is the reply (type_ahead.py)
            self.post_message(self.Opened(self.current_id))

    def on_click(self, event: Click) -> None:
        offset = event.get_content_offset(self)  # inside the border and padding; None on them
        if offset is None:
            return
        index = (offset.y + int(self.scroll_offset.y)) // ROW_HEIGHT
        if 0 <= index < len(self.rows):
            self.cursor = index
            self.post_message(self.Opened(self.rows.id_at(index)))

    def on_resize(self) -> None:
        self._cache.clear()
        self.virtual_size = Size(self.size.width, len(self.rows) * ROW_HEIGHT)
        # Textual moves the scrollbar's thumb only while the bar is shown: one hidden by a taller
        # window would come back with the thumb where it was before.
        self.vertical_scrollbar.position = self.scroll_y

    # --- drawing -----------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        # Focus and theme change the cursor's and markers' colours: drawn lines are stale.
        super().notify_style_update()
        self._cache.clear()
        self._base = None

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        absolute = y + int(scroll_y)
        index, line = divmod(absolute, ROW_HEIGHT)
        width = self.size.width
        if index >= len(self.rows):
            if self._base is None:
                self._base = self.rich_style
            return Strip.blank(width, self._base)
        key = (index, line, index == self.cursor)
        strip = self._cache.get(key)
        if strip is None or strip.cell_length != width:
            strip = self._render_row_line(self.rows[index], line, width, key[2])
            if len(self._cache) > 8 * max(1, self.size.height):
                # Keep about a few screens' worth: the rest is cheap to redraw, costly to hold.
                self._cache.clear()
            self._cache[key] = strip
        return strip.apply_offsets(int(scroll_x), absolute)

    def _render_row_line(self, row: ConversationRow, line: int, width: int, is_cursor: bool) -> Strip:
        if self._base is None:
            self._base = self.rich_style
        base = self._base
        if is_cursor:
            base = base + self.get_component_rich_style("conversation-list--cursor")
        text = self._first_line(row, width) if line == 0 else self._second_line(row, width)
        segments = [
            Segment(piece.text, base + piece.style if piece.style else base) for piece in text.render(self.app.console)
        ]
        return Strip(segments).crop_extend(0, width, base)
