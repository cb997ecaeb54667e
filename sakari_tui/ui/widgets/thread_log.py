"""The message thread as one virtual widget: bubbles drawn line by line, only those on screen.

Incoming bubbles sit on the left, outgoing on the right, each with its time and (outgoing)
delivery state; day separators fall between days. Text is sanitised, drawn in the form every
terminal gives the same width (`for_display`: a bubble keeps the text as received) and wrapped as
plain text, never parsed as markup; media links become terminal hyperlinks only for http(s) URLs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message as TextualMessage
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ...api.models import Message, MessageStatus
from ...sms.authors import Author
from ...sms.keywords import keyword_label, reads_like_opt_out
from ...sms.quiet_hours import their_clock_at
from ...store import OutboxEntry
from ...sync import SendState
from ...text import for_display, one_line, sanitize
from ..cell_widths import count_spacing_marks
from ..clock import FrozenClock, WallClock
from ..format import FAILED_STATUSES, clock_label, day_label, local_day, local_time, number_label, status_words

BUBBLE_SHARE = 0.75
MAX_URL = 2048


@dataclass(frozen=True)
class Bubble:
    """One message to draw, from the cache or still being sent."""

    key: str
    text: str
    outgoing: bool
    at: datetime
    meta: str
    failed: bool
    media: tuple[str, ...] = ()
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
    urls = tuple(url for url in (one_line(item.url, MAX_URL) for item in message.media if item.url) if url)
    return Bubble(
        key=message.id or f"anon-{id(message)}",
        text=sanitize(message.message),
        outgoing=message.outgoing,
        at=at,
        meta=meta,
        failed=message.outgoing and message.status_kind in FAILED_STATUSES,
        media=urls,
        note=note_for(message) or fallback_note(message, conversation_number),
        by_someone_else=message.outgoing and author is not None and author.someone_else,
    )


def bubble_for_pending(pending: OutboxEntry, *, checking: bool = False) -> Bubble:
    """A reply still in the outbox: sending, waiting to retry, refused, or of unknown fate.

    `checking`: its fate is unknown and the app is still looking for it on Sakari (the user
    need do nothing yet); otherwise an unknown reply waits for the user.
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
    return Bubble(pending.local_id, sanitize(pending.text), True, at, meta, stuck)


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
    """
    BINDINGS = [
        Binding("up,k", "scroll_up", "Up", show=False, id="thread.up"),
        Binding("down,j", "scroll_down", "Down", show=False, id="thread.down"),
        Binding("home,g", "scroll_home", "Oldest", show=False, id="thread.first"),
        Binding("end,G", "scroll_end", "Newest", show=False, id="thread.last"),
    ]

    class NeedsOlder(TextualMessage):
        """Scrolled to the top: load older messages if there are any."""

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
        for url in bubble.media:
            link = Text(for_display(url), end="")
            if url.startswith(("http://", "https://")) and " " not in url:
                link.stylize(self._style("link") + Style(link=url))
            wrapped.extend(link.wrap(console, inner, overflow="fold"))
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

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = y + int(scroll_y)
        width = self.size.width
        if width != self._laid_out_width:
            self._layout(width)
        if index >= len(self._lines):
            return Strip.blank(width, self.rich_style)
        return self._lines[index].apply_offsets(int(scroll_x), index)
