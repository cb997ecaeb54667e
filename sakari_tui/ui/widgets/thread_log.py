"""The message thread as one virtual widget: bubbles drawn line by line, only those on screen.

Incoming bubbles sit on the left, outgoing on the right, each with its time and (outgoing)
delivery state; day separators fall between days. Text is sanitised, drawn in the form every
terminal gives the same width (`for_display`: a bubble keeps the text as received) and wrapped as
plain text, never parsed as markup. Each attachment is a line of its own under the text (icon,
cleaned name, type, size, host); only an http(s) link becomes a terminal hyperlink.

`[` and `]` select a message; `o`, `w` and `p` ask (by `AttachmentChosen`) to open, save or preview
the attachments of the selected message, or of the newest one on screen that has any.
"""

from __future__ import annotations

from datetime import date

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message as TextualMessage
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ...media.attachments import Attachment
from ...text import for_display
from ..cell_widths import count_spacing_marks
from ..clock import FrozenClock, WallClock
from ..format import day_label, local_day
from .bubbles import Bubble

BUBBLE_SHARE = 0.75


class ThreadLog(ScrollView, can_focus=True):
    """A scrollable thread of bubbles, opening at the newest message."""

    COMPONENT_CLASSES = {
        "thread-log--incoming",
        "thread-log--outgoing",
        "thread-log--meta",
        "thread-log--failed",
        "thread-log--day",
        "thread-log--link",
        "thread-log--hint",
        "thread-log--note",
        "thread-log--found",
        "thread-log--teammate",
        "thread-log--arrived",
        "thread-log--selected",
        "thread-log--attachment",
    }
    DEFAULT_CSS = """
    ThreadLog { background: $background; scrollbar-size-vertical: 1; overflow-x: hidden; }
    ThreadLog > .thread-log--incoming { background: $panel-lighten-1; color: $foreground; }
    ThreadLog > .thread-log--outgoing { background: $primary-muted; color: $foreground; }
    ThreadLog > .thread-log--meta { color: $text-muted; }
    ThreadLog > .thread-log--failed { color: $error; text-style: bold; }
    ThreadLog > .thread-log--day { color: $text-muted; text-style: italic; }
    ThreadLog > .thread-log--link { color: $accent; text-style: underline; }
    ThreadLog > .thread-log--hint { color: $text-muted; }
    ThreadLog > .thread-log--note { color: $warning; text-style: bold; }
    ThreadLog > .thread-log--found { background: $warning-muted; color: $foreground; }
    ThreadLog > .thread-log--teammate { background: $success-muted; color: $foreground; }
    ThreadLog > .thread-log--arrived { background: $warning-muted; color: $foreground; text-style: bold; }
    ThreadLog > .thread-log--selected { background: $accent-muted; color: $foreground; }
    ThreadLog > .thread-log--attachment { color: $text-muted; }
    """
    BINDINGS = [
        Binding("up,k", "scroll_up", "Up", show=False, id="thread.up"),
        Binding("down,j", "scroll_down", "Down", show=False, id="thread.down"),
        Binding("home,g", "scroll_home", "Oldest", show=False, id="thread.first"),
        Binding("end,G", "scroll_end", "Newest", show=False, id="thread.last"),
        Binding("left_square_bracket", "select(-1)", "Previous message", show=False, id="thread.previous_message"),
        Binding("right_square_bracket", "select(1)", "Next message", show=False, id="thread.next_message"),
        Binding("o", "attachment('open')", "Open attachment", show=False, id="thread.open_attachment"),
        Binding("w", "attachment('save')", "Save attachment", show=False, id="thread.save_attachment"),
        Binding("p", "attachment('preview')", "Preview picture", show=False, id="thread.preview_attachment"),
    ]

    class NeedsOlder(TextualMessage):
        """Scrolled to the top: load older messages if there are any."""

    class AttachmentChosen(TextualMessage):
        """`o`, `w` or `p`: do `verb` ("open", "save", "preview") with the attachments of bubble `key`
        (None: no message on screen has any)."""

        def __init__(self, key: str | None, verb: str, attachments: tuple[Attachment, ...]) -> None:
            super().__init__()
            self.key = key
            self.verb = verb
            self.attachments = attachments

    def __init__(self, *, clock: WallClock | FrozenClock | None = None, id: str | None = None) -> None:
        super().__init__(id=id)
        self.clock = clock or WallClock()
        self.bubbles: list[Bubble] = []
        self.more_above = False
        self.empty_text = "No conversation open. Pick one on the left and press Enter."
        self._lines: list[Strip] = []
        self._rows: dict[str, int] = {}
        """The first line of each bubble, by key."""
        self.found_key: str | None = None
        """A bubble to mark (the message a search led to)."""
        self.arrived_keys: frozenset[str] = frozenset()
        """Bubbles to mark as new (what arrived while a held reply was written)."""
        self.selected_key: str | None = None
        """The message `[` and `]` selected, which `o`, `w` and `p` act on."""
        self._laid_out_width = -1
        self._pinned = True
        count_spacing_marks()

    def pin_to_bottom(self) -> None:
        """Follow the newest message again (after opening a thread or sending)."""
        self._pinned = True

    def show(self, bubbles: list[Bubble], *, more_above: bool, keep_position: bool = False) -> None:
        """Replace the thread; stays pinned to the newest message unless the user scrolled up."""
        at_bottom = self._pinned or self.is_vertical_scroll_end or not self.bubbles
        old_height = len(self._lines)
        old_y = self.scroll_y
        self.bubbles = bubbles
        self.more_above = more_above
        if self.selected_key is not None and all(bubble.key != self.selected_key for bubble in bubbles):
            self.selected_key = None
        self._layout(self.size.width)
        if keep_position:  # older messages were added above: keep the same message in view
            self.scroll_to(y=old_y + len(self._lines) - old_height, animate=False, immediate=True)
        elif at_bottom:
            self._pinned = True
            # Straight to the newest message, so the first frame of a long thread already shows
            # it; `_follow` checks again once the next layout pass has settled the sizes.
            self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True)
            self.call_after_refresh(self._follow)
        if more_above and bubbles and len(self._lines) <= self.size.height:
            self.post_message(self.NeedsOlder())  # nothing to scroll: fill the screen now
        self.refresh()

    def scroll_to_bubble(self, key: str) -> bool:
        """Stop following the newest message and bring bubble `key` into view, a third from the top."""
        row = self._rows.get(key)
        if row is None:
            return False
        self._pinned = False
        self.scroll_to(y=max(0, row - self.size.height // 3), animate=False, immediate=True)
        return True

    def refresh_layout(self) -> None:
        self._layout(self.size.width)
        self.refresh()

    def _follow(self, attempts: int = 10) -> None:
        if not self._pinned:
            return
        self.scroll_end(animate=False, immediate=True)
        if not self.is_vertical_scroll_end and attempts:
            # The scroll range is only known after the next layout pass: try again shortly.
            self.set_timer(0.05, lambda: self._follow(attempts - 1))

    def on_resize(self) -> None:
        self._layout(self.size.width)
        self.refresh()

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if new < old:
            self._pinned = False
        elif self.is_vertical_scroll_end:
            self._pinned = True
        if new <= 0 and self.more_above and self.bubbles:
            self.post_message(self.NeedsOlder())

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"thread-log--{name}", partial=True)

    def _layout(self, width: int) -> None:
        self._laid_out_width = width
        lines: list[Strip] = []
        rows: dict[str, int] = {}
        base = self.rich_style
        if width <= 4:
            self._lines = []
            self.virtual_size = Size(width, 0)
            return
        if not self.bubbles:
            lines.append(self._centered(Text(self.empty_text, self._style("hint")), width))
        elif self.more_above:
            lines.append(self._centered(Text("↑ older messages load as you scroll up", self._style("hint")), width))
        today = local_day(self.clock.now())
        previous_day: date | None = None
        for bubble in self.bubbles:
            day = local_day(bubble.at)
            if day != previous_day:
                lines.append(Strip.blank(width, base))
                lines.append(self._centered(Text(f"── {day_label(day, today)} ──", self._style("day")), width))
                previous_day = day
            lines.append(Strip.blank(width, base))
            rows[bubble.key] = len(lines)
            lines.extend(self._bubble_lines(bubble, width))
        self._lines = lines
        self._rows = rows
        self.virtual_size = Size(width, len(lines))
        if self._pinned:
            # Also after a resize: the first layout may happen before the widget has its size.
            self.call_after_refresh(self._follow)

    def _centered(self, text: Text, width: int) -> Strip:
        text.truncate(width, overflow="ellipsis")
        pad = max(0, (width - text.cell_len) // 2)
        return self._strip(Text.assemble(" " * pad, text), width, self.rich_style)

    def _strip(self, text: Text, width: int, base: Style) -> Strip:
        segments = [Segment(s.text, base + s.style if s.style else base) for s in text.render(self.app.console)]
        return Strip(segments).crop_extend(0, width, base)

    def _fill_of(self, bubble: Bubble) -> str:
        if bubble.key == self.selected_key:
            return "selected"
        if bubble.key in self.arrived_keys:
            return "arrived"
        if bubble.key == self.found_key:
            return "found"
        if bubble.by_someone_else:
            return "teammate"
        return "outgoing" if bubble.outgoing else "incoming"

    def _bubble_lines(self, bubble: Bubble, width: int) -> list[Strip]:
        console = self.app.console
        inner = max(8, int(width * BUBBLE_SHARE) - 2)
        fill = self._style(self._fill_of(bubble))
        body = Text(for_display(bubble.text) or " ", end="")
        wrapped = list(body.wrap(console, inner, overflow="fold")) if bubble.text else [Text(" ")]
        for attachment in bubble.media:
            line = Text(for_display(attachment.line()), end="")
            # Only an http(s) link becomes a hyperlink; anything else is plain text (`o` refuses it).
            line.stylize(
                self._style("link") + Style(link=attachment.url) if attachment.openable else self._style("attachment")
            )
            wrapped.extend(line.wrap(console, inner, overflow="fold"))
        if bubble.upload:
            upload = Text(for_display(bubble.upload), end="")
            upload.stylize(self._style("attachment"))
            wrapped.extend(upload.wrap(console, inner, overflow="fold"))
        meta = Text(for_display(bubble.meta), end="")
        # As a span, not the base style, so it wins over the bubble fill applied underneath.
        meta.stylize(self._style("failed") if bubble.failed else self._style("meta"))
        wrapped.extend(meta.wrap(console, inner, overflow="fold"))
        if bubble.note:
            note = Text(for_display(bubble.note), end="")
            note.stylize(self._style("note"))
            wrapped.extend(note.wrap(console, inner, overflow="fold"))
        bubble_width = min(inner, max(line.cell_len for line in wrapped)) + 2
        left = width - bubble_width - 1 if bubble.outgoing else 1
        base = self.rich_style
        strips = []
        for line in wrapped:
            line.truncate(bubble_width - 2, overflow="fold", pad=True)
            row = Text.assemble(" ", line, " ")
            row.stylize_before(fill)
            segments = [Segment(" " * left, base)]
            segments += [Segment(s.text, base + s.style if s.style else base) for s in row.render(console)]
            strips.append(Strip(segments).crop_extend(0, width, base))
        return strips

    # --- selecting a message, and its attachments -------------------------------------------------

    def action_select(self, step: int) -> None:
        """Select the previous (-1) or next (1) message, from the selected one or the one in view."""
        keys = [bubble.key for bubble in self.bubbles]
        if not keys:
            return
        if self.selected_key in keys:
            index = keys.index(self.selected_key) + step
        else:
            visible = self._visible_keys()
            index = keys.index(visible[-1 if step < 0 else 0]) if visible else len(keys) - 1
        self.select(keys[max(0, min(len(keys) - 1, index))])

    def select(self, key: str | None) -> None:
        """Select bubble `key` (None: no selection) and bring it into view; the thread stops
        following the newest message meanwhile."""
        self.selected_key = key
        self._layout(self.size.width)
        if key is not None:
            self._pinned = False
            if key not in self._visible_keys():
                self.scroll_to_bubble(key)
        self.refresh()

    def _visible_keys(self) -> list[str]:
        top, bottom = int(self.scroll_y), int(self.scroll_y) + self.size.height
        return [key for key, row in self._rows.items() if top <= row < bottom]

    def attachments_target(self) -> Bubble | None:
        """The bubble `o`/`w`/`p` act on: the selected one, else the newest on screen with
        attachments, else the newest with any."""
        by_key = {bubble.key: bubble for bubble in self.bubbles}
        selected = by_key.get(self.selected_key or "")
        if selected is not None:
            return selected
        visible = set(self._visible_keys())
        with_media = [bubble for bubble in self.bubbles if bubble.media]
        on_screen = [bubble for bubble in with_media if bubble.key in visible]
        return (on_screen or with_media or [None])[-1]

    def action_attachment(self, verb: str) -> None:
        target = self.attachments_target()
        self.post_message(self.AttachmentChosen(target.key if target else None, verb, target.media if target else ()))

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = y + int(scroll_y)
        width = self.size.width
        if width != self._laid_out_width:
            self._layout(width)
        if index >= len(self._lines):
            return Strip.blank(width, self.rich_style)
        return self._lines[index].apply_offsets(int(scroll_x), index)
