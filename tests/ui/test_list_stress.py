"""A randomised stress test of the conversation list's incremental redraw.

`ConversationList.set_rows(rows, changed=...)` keeps the drawn lines of rows that neither moved nor
changed, and `_set_height` skips a layout while the scrollbar stays: both trade a full repaint for
trust in `changed`. Here random sequences of what the app does (syncs that bring newer, older and
tied conversations, read marks, closes, drafts, mutes, STOP/START, opening, pending closes, cursor
keys, clicks, scrolling, resizes, clock ticks, focus changes) run against a small app, each followed
by the same refresh the app makes (`InboxCache.relisted` + `set_rows(changed=...)`, sometimes a full
`listing()`), and after every step:

* the list holds what a fresh `listing()` with the same options holds, rows included;
* the cursor stays on its conversation while that is listed (else keeps its place, clamped);
* every line `render_line` gives equals the line a widget with no drawn-line cache would draw
  (stale cached lines);
* the screen as the compositor has it (its per-line caches, as painted) equals the screen drawn
  afresh from the same state (a missing `refresh()`), scrollbar included;
* scroll offset, virtual size and the scrollbar agree with the number of rows.

A failure names the seed and prints every step taken. More seeds: LIST_STRESS_SEEDS=40 (count) or
LIST_STRESS_SEEDS=7,9 (the seeds themselves); LIST_STRESS_STEPS sets the steps per seed.
"""

from __future__ import annotations

import asyncio
import os
import random
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from textual import events
from textual.app import App, ComposeResult
from textual.content import Content
from textual.geometry import Offset, Size
from textual.strip import Strip
from textual.widgets import Static

from sakari_tui.store import Store
from sakari_tui.ui.clock import FrozenClock
from sakari_tui.ui.widgets.conversation_list import ROW_HEIGHT, ConversationList

from ..support.factories import NOW, conversation

STEPS = int(os.environ.get("LIST_STRESS_STEPS", "150"))
# LIST_STRESS_SLOW=1 waits with `pilot.pause()` (CPU idle, 20 ms or more) instead of `settle`.
SLOW = bool(os.environ.get("LIST_STRESS_SLOW"))


def _seeds() -> list[int]:
    wanted = os.environ.get("LIST_STRESS_SEEDS", "")
    if "," in wanted:
        return [int(seed) for seed in wanted.split(",") if seed.strip()]
    if wanted.strip():
        return list(range(int(wanted)))
    return [0, 1, 2, 3]


# --- a small app around the list ------------------------------------------------------------------


class Elsewhere(Static, can_focus=True):
    """Somewhere for focus to go, so the list draws its blurred cursor too."""


class ListApp(App):
    CSS = """
    #above { height: 1; }
    #conversations { height: 1fr; }
    #conversations.bordered { border: round $primary; }
    #elsewhere { height: 1; }
    """

    def __init__(self, clock: FrozenClock, *, bordered: bool) -> None:
        super().__init__()
        self.clock = clock
        self.bordered = bordered
        self.opened: list[str] = []

    def on_conversation_list_opened(self, event: ConversationList.Opened) -> None:
        self.opened.append(event.conversation_id)

    def compose(self) -> ComposeResult:
        # A line above the list, so a refresh region in the wrong coordinates lands on wrong lines.
        yield Static(Content("above the list"), id="above")
        yield ConversationList(clock=self.clock, id="conversations")
        yield Elsewhere(Content("elsewhere"), id="elsewhere")

    def on_mount(self) -> None:
        widget = self.query_one(ConversationList)
        widget.set_class(self.bordered, "bordered")
        widget.focus()


# --- comparing what is drawn ------------------------------------------------------------------------


def canon(strip: Strip) -> tuple[tuple[str, str], ...]:
    """A strip as (text, style) runs, merged where the style repeats, meta and controls ignored."""
    runs: list[list[str]] = []
    for segment in strip:
        if segment.control:
            continue
        text, style = segment.text, segment.style
        key = str(style) if style else ""
        if runs and runs[-1][1] == key:
            runs[-1][0] += text
        else:
            runs.append([text, key])
    return tuple((text, key) for text, key in runs if text)


def text_of(line: tuple[tuple[str, str], ...]) -> str:
    return "".join(text for text, _ in line)


def first_difference(actual: list, expected: list) -> str:
    for y, (got, want) in enumerate(zip(actual, expected)):
        if got != want:
            same_text = text_of(got) == text_of(want)
            return (
                f"line {y} differs{' (same text, different styles)' if same_text else ''}:\n"
                f"  shown:    {text_of(got)!r}\n  expected: {text_of(want)!r}"
                + (f"\n  shown styles:    {got}\n  expected styles: {want}" if same_text else "")
            )
    return f"{len(actual)} lines shown, {len(expected)} expected"


def widget_lines(widget: ConversationList) -> list:
    return [canon(widget.render_line(y)) for y in range(widget.size.height)]


def fresh_widget_strips(widget: ConversationList) -> list[Strip]:
    """What the widget draws with no line drawn before (as a newly made widget would), leaving
    its drawn lines as they were."""
    saved = widget._cache, widget._base
    widget._cache, widget._base = {}, None
    try:
        return [widget.render_line(y) for y in range(widget.size.height)]
    finally:
        widget._cache, widget._base = saved


def _scrollbars(widget: ConversationList) -> list:
    bars = (widget._vertical_scrollbar, widget._horizontal_scrollbar, widget._scrollbar_corner)
    return [bar for bar in bars if bar is not None]


def screen_lines(app: App, widget: ConversationList) -> list:
    """The list's region of the screen (border and scrollbar included) as the compositor has it:
    lines not marked dirty come from the per-widget line caches, i.e. as last painted."""
    strips = app.screen._compositor.render_strips()
    region = widget.region
    return [canon(strips[y].crop(region.x, region.right)) for y in region.line_range]


def fresh_screen_lines(app: App, widget: ConversationList, fresh: list[Strip]) -> list:
    """The same region painted afresh: every line cache of the list and its scrollbars emptied,
    the list's lines the `fresh` ones; then all put back as it was, so that this check changes
    nothing for the steps after it."""
    saved = []
    for target in [widget, *_scrollbars(widget)]:
        styles_cache = target._styles_cache
        saved.append(
            (
                target,
                styles_cache._cache,
                set(styles_cache._dirty_lines),
                styles_cache._width,
                getattr(target, "_render_cache", None),
                set(target._dirty_regions),
            )
        )
        styles_cache._cache = {}
        styles_cache._dirty_lines = set()
        if not isinstance(target, ConversationList):
            target._render_content()
    blank = Strip.blank(widget.size.width)
    widget.render_line = lambda y: fresh[y] if 0 <= y < len(fresh) else blank  # shadows the method
    try:
        return screen_lines(app, widget)
    finally:
        del widget.render_line
        for target, lines, dirty, width, render_cache, dirty_regions in saved:
            target._styles_cache._cache = lines
            target._styles_cache._dirty_lines = dirty
            target._styles_cache._width = width
            if render_cache is not None:
                target._render_cache = render_cache
            target._dirty_regions = dirty_regions


# --- waiting for the app ---------------------------------------------------------------------------


def _busy(app: App) -> bool:
    screen = app.screen
    nodes = [app, screen, *screen.walk_children()]
    return (
        app._resize_timer is not None  # the app takes a resize a moment (1/120 s) after it comes
        or any(not node._message_queue.empty() for node in nodes)
        or bool(screen._dirty_widgets)
        or screen._layout_required
        or screen._scroll_required
        or screen._repaint_required
        or any(node._repaint_required or node._layout_required or node._scroll_required for node in nodes[2:])
    )


async def settle(pilot) -> None:
    """Let the app handle everything pending and paint, as `pilot.pause()` does, without its
    20 ms or more of waiting for the CPU to idle each time: handle what is queued, paint, and
    again, until nothing is queued, dirty or awaiting layout."""
    if SLOW:
        await pilot.pause()
        return
    for _ in range(200):
        await pilot.pause(0) if pilot.app._resize_timer is None else await asyncio.sleep(0.002)
        if not _busy(pilot.app):
            await pilot.pause(0)
            if not _busy(pilot.app):
                return
    await pilot.pause()


async def press(pilot, keys: list[str]) -> None:
    """Keys one at a time, each handled and painted before the next (as `pilot.press`, faster)."""
    if SLOW:
        await pilot.press(*keys)
        return
    for key in keys:
        pilot.app._driver.send_message(events.Key(key, key if len(key) == 1 else None))
        await settle(pilot)


async def click(pilot, widget: ConversationList, offset: tuple[int, int]) -> None:
    """A click at `offset` in the widget's region, as `pilot.click` sends it (faster)."""
    if SLOW:
        await pilot.click(widget, offset=offset)
        await pilot.pause()
        return
    x, y = widget.region.offset + offset
    arguments = dict(
        widget=widget,
        x=x,
        y=y,
        delta_x=0,
        delta_y=0,
        button=1,
        shift=False,
        meta=False,
        ctrl=False,
        screen_x=x,
        screen_y=y,
    )
    for event in (events.MouseDown(**arguments), events.MouseUp(**arguments), events.Click(**arguments, chain=1)):
        pilot.app.mouse_position = Offset(x, y)
        pilot.app.screen._forward_event(event)
        await settle(pilot)


async def resize(pilot, width: int, height: int) -> None:
    """The terminal resized, as `pilot.resize_terminal` does it (faster)."""
    if SLOW:
        await pilot.resize_terminal(width, height)
        return
    size = Size(width, height)
    pilot.app._driver._size = size
    pilot.app.post_message(events.Resize(size, size))
    await settle(pilot)
    if pilot.app.screen.size != size:
        raise AssertionError(f"the screen is {pilot.app.screen.size} after a resize to {size}")


# --- the model: a store changed as syncs and the user change it ------------------------------------


@dataclass
class Conv:
    cid: str
    minutes_ago: int
    contact: str
    name: str
    text: str = "hello"
    unread: bool = False
    closed: bool = False
    outgoing: bool = False
    version: int = 0


@dataclass
class Run:
    rng: random.Random
    store: Store
    show_closed: bool
    unread_first: bool
    app_title: bool
    convs: dict[str, Conv] = field(default_factory=dict)
    open_id: str | None = None
    closing: set[str] = field(default_factory=set)
    log: list[str] = field(default_factory=list)
    next_id: int = 0
    title: str = ""

    @property
    def options(self) -> dict:
        return {"show_closed": self.show_closed, "unread_first": self.unread_first}

    def new_id(self) -> str:
        self.next_id += 1
        # Ids of several shapes and lengths: ties are broken by id, in SQLite and in Python alike.
        return self.rng.choice(["c{}", "C{}", "c-{}", "z{}x", "c{}é"]).format(self.next_id)

    def new_conv(self, minutes_ago: int) -> Conv:
        cid = self.new_id()
        contacts = sorted({conv.contact for conv in self.convs.values()})
        # Some contacts have several conversations (one per sender number): opt-outs touch them all.
        contact = self.rng.choice(contacts) if contacts and self.rng.random() < 0.25 else f"k-{cid}"
        conv = Conv(
            cid, minutes_ago, contact, f"Name {cid}", unread=self.rng.random() < 0.4, outgoing=self.rng.random() < 0.2
        )
        self.convs[cid] = conv
        return conv

    def model(self, conv: Conv):
        return conversation(
            conv.cid,
            minutes_ago=conv.minutes_ago,
            text=conv.text,
            outgoing=conv.outgoing,
            unread=[f"u-{conv.cid}-{conv.version}"] if conv.unread else [],
            closed=conv.closed,
            name=conv.name,
            message_id=f"m-{conv.cid}-{conv.version}",
            contact_id=conv.contact,
        )

    def merge(self, convs: list[Conv]) -> list[str]:
        return list(self.store.inbox.merge_conversations([self.model(conv) for conv in convs]).changed)

    def minutes(self) -> list[int]:
        return [conv.minutes_ago for conv in self.convs.values()] or [0]


def _set_title(run: Run, widget: ConversationList) -> None:
    """As the app does: a new title (counts changed) redraws the whole list."""
    rows = widget.rows
    title = f"Inbox {rows.unread_total} unread / {len(rows)}"
    if title != run.title:
        run.title = title
        widget.border_title = Content(title)


# --- steps ----------------------------------------------------------------------------------------


def store_change(run: Run, on_screen: list[tuple[str, bool]]) -> tuple[str, list[str]]:
    """One change to the store, as a sync or a command makes it: (description, changed ids).

    `on_screen` (id, unread) are the rows in view: changes favour them, their edges most (the
    bottom row is often cut in half), since changes out of view redraw nothing.
    """
    rng = run.rng
    known = list(run.convs.values())
    kind = rng.choices(
        ["new", "newer", "older", "tie", "same-time", "close", "reopen", "page", "read", "draft", "mute", "keyword"],
        weights=[10, 12, 6, 6, 8, 6, 3, 3, 10, 7, 3, 3],
    )[0]
    if not known and kind not in ("new", "page"):
        kind = "new"

    def pick() -> Conv:
        if on_screen and rng.random() < 0.6:
            cid, _ = rng.choice([on_screen[0], on_screen[-1], on_screen[-1], rng.choice(on_screen)])
            return run.convs[cid]
        return rng.choice(known)

    if kind == "new":
        if on_screen and rng.random() < 0.35:
            # Tied with a row in view (the bottom one most often): lands just above or below it.
            cid, unread = rng.choice([on_screen[-1], on_screen[-1], on_screen[0], rng.choice(on_screen)])
            conv = run.new_conv(run.convs[cid].minutes_ago)
            conv.unread = unread
            convs = [conv]
        else:
            spots = run.minutes()
            minutes = rng.choice(
                [
                    min(spots) - rng.randrange(0, 3),
                    max(spots) + rng.randrange(0, 3),
                    rng.choice(spots),
                    rng.randrange(min(spots), max(spots) + 1),
                ]
            )
            convs = [run.new_conv(minutes) for _ in range(rng.choice([1, 1, 1, 2, 3]))]
        return f"new {[(c.cid, c.minutes_ago, c.unread) for c in convs]}", run.merge(convs)
    if kind == "page":  # a sync page of older conversations, below what is shown
        start = max(run.minutes()) + 1
        convs = [run.new_conv(start + i * rng.choice([0, 1, 1, 5])) for i in range(rng.randrange(5, 40))]
        for conv in convs:
            conv.unread = rng.random() < 0.15
        return f"page of {len(convs)} older from {convs[0].cid}", run.merge(convs)
    if kind in ("newer", "older", "tie", "same-time", "close", "reopen"):
        conv = pick()
        if kind == "reopen":
            closed = [c for c in known if c.closed]
            if not closed:
                return "reopen: none closed", []
            conv = rng.choice(closed)
        conv.version += 1
        conv.text = rng.choice(
            ["hello", "on my way", "STOP", "START", "thanks! see you at 5", "ok", "a much longer text " * 4]
        )
        if conv.text in ("STOP", "START"):
            conv.outgoing = False
        else:
            conv.outgoing = rng.random() < 0.25
        if kind == "newer":
            conv.minutes_ago = min(run.minutes()) - rng.randrange(0, 4)
            conv.unread = rng.random() < 0.7
        elif kind == "older":
            conv.minutes_ago += rng.randrange(1, 120)
            conv.unread = rng.random() < 0.3
        elif kind == "tie":
            conv.minutes_ago = rng.choice(run.minutes())
            conv.unread = rng.random() < 0.5
        elif kind == "same-time":
            conv.unread = rng.random() < 0.5
        elif kind == "close":
            conv.closed = True
        else:
            conv.closed = False
        what = f"{kind} {conv.cid} -> {conv.minutes_ago}m unread={conv.unread} closed={conv.closed} text={conv.text!r}"
        return what, run.merge([conv])
    if kind == "read":
        ids = [pick().cid for _ in range(rng.choice([1, 1, 2, 3]))]
        for cid in ids:
            run.store.inbox.mark_read(cid)
        return f"read {ids}", ids
    if kind == "draft":
        cid = pick().cid
        text = rng.choice(["half a reply", "", "  "])
        run.store.drafts.save(cid, text)
        return f"draft {cid} {text!r}", [cid]
    if kind == "mute":
        cid = pick().cid
        muted = not run.store.inbox.is_muted(cid)
        run.store.inbox.set_muted(cid, muted)
        return f"mute {cid} {muted}", [cid]
    # keyword: an inbound STOP or START (the store notes the contact's opt-out state from it)
    conv = pick()
    conv.version += 1
    conv.text, conv.outgoing, conv.unread = rng.choice(["STOP", "START"]), False, True
    conv.minutes_ago = min(run.minutes()) - rng.randrange(0, 2)
    sharing = sorted(c.cid for c in known if c.contact == conv.contact and c.cid != conv.cid)
    return f"keyword {conv.cid} {conv.text!r} (contact {conv.contact} also has {sharing})", run.merge([conv])


async def run_stress(seed: int) -> None:
    rng = random.Random(seed)
    width, height = rng.randrange(40, 121), rng.randrange(6, 41)
    store = Store(":memory:")
    run = Run(rng, store, show_closed=rng.random() < 0.3, unread_first=rng.random() < 0.7, app_title=rng.random() < 0.5)
    clock = FrozenClock(NOW + timedelta(minutes=rng.randrange(0, 60 * 24 * 10)))
    initial = rng.choice([0, 1, 2, 3, height // 4, height // 2, height // 2 + 1, 20, 60, 120])
    convs = [run.new_conv(i * rng.choice([1, 1, 3]) + rng.choice([0, 0, 1])) for i in range(initial)]
    for conv in convs:
        conv.closed = rng.random() < 0.1
    run.merge(convs)
    app = ListApp(clock, bordered=rng.random() < 0.7)
    header = (
        f"seed={seed} size={width}x{height} initial={initial} show_closed={run.show_closed} "
        f"unread_first={run.unread_first} bordered={app.bordered} app_title={run.app_title}"
    )
    run.log.append(header)

    def fail(message: str) -> None:
        steps = "\n".join(f"  {line}" for line in run.log)
        raise AssertionError(f"{message}\n-- {header}\n-- steps (the last one failed):\n{steps}")

    try:
        async with app.run_test(size=(width, height)) as pilot:
            widget = app.query_one(ConversationList)

            async def refresh(changed: list[str] | None) -> None:
                """What `SakariApp.refresh_list` does."""
                before_id, before_cursor = widget.current_id, widget.cursor
                if changed is None:
                    rows = store.inbox.listing(**run.options)
                else:
                    changed = set(changed)
                    rows = store.inbox.relisted(widget.rows, changed)
                widget.open_id = run.open_id
                widget.closing = set(run.closing)
                widget.set_rows(rows, changed=changed)
                if run.app_title:
                    _set_title(run, widget)
                await settle(pilot)
                if before_id is not None and before_id in widget.rows.ids:
                    if widget.current_id != before_id:
                        fail(f"the cursor left {before_id!r} (now on {widget.current_id!r}, row {widget.cursor})")
                elif widget.rows and widget.cursor != max(0, min(before_cursor, len(widget.rows) - 1)):
                    fail(f"the cursor's conversation went: row {widget.cursor}, expected {before_cursor} clamped")

            def on_screen() -> list[tuple[str, bool]]:
                rows, top = widget.rows, int(widget.scroll_offset.y)
                first, last = top // ROW_HEIGHT, min(len(rows), (top + widget.size.height - 1) // ROW_HEIGHT + 1)
                return [(rows.ids[index], rows.unread[index]) for index in range(first, last)]

            await settle(pilot)
            await refresh(None)
            for step in range(STEPS):
                roll = rng.random()
                if roll < 0.45:
                    # One to three store changes, coalesced into one refresh as the app's timer does.
                    changes, changed = [], set()
                    for _ in range(rng.choice([1, 1, 1, 2, 3])):
                        what, ids = store_change(run, on_screen())
                        changes.append(what)
                        changed.update(ids)
                    full = rng.random() < 0.12
                    run.log.append(f"{step}: {' + '.join(changes)} -> refresh({'None' if full else sorted(changed)})")
                    await refresh(None if full else sorted(changed))
                elif roll < 0.62:
                    moves = {
                        "j": "cursor_down",
                        "down": "cursor_down",
                        "k": "cursor_up",
                        "up": "cursor_up",
                        "g": "first",
                        "G": "last",
                        "pagedown": "page_down",
                        "pageup": "page_up",
                    }
                    keys = [
                        rng.choice(["j", "j", "k", "k", "g", "G", "pagedown", "pageup", "down", "up"])
                        for _ in range(rng.choice([1, 1, 2, 5, 12]))
                    ]
                    widget.focus()
                    if len(keys) == 1 or rng.random() < 0.3:
                        run.log.append(f"{step}: press {' '.join(keys)}")
                        await press(pilot, keys)
                    else:
                        # Keys that land within one frame (a held key, a fast typist): one repaint.
                        run.log.append(f"{step}: keys within one frame {' '.join(keys)}")
                        for key in keys:
                            getattr(widget, f"action_{moves[key]}")()
                        await settle(pilot)
                    view = widget.scrollable_content_region.height
                    top = int(widget.scroll_offset.y)
                    if (
                        widget.rows
                        and view >= ROW_HEIGHT
                        and not (top <= widget.cursor * ROW_HEIGHT and (widget.cursor + 1) * ROW_HEIGHT <= top + view)
                    ):
                        fail(
                            f"after cursor keys, the cursor row {widget.cursor} is not in view (scroll {top}, height {view})"
                        )
                elif roll < 0.70:
                    max_y = widget.max_scroll_y
                    target = rng.choice([0, max_y, rng.randrange(0, max_y + 1), rng.randrange(0, max_y + 1) | 1])
                    run.log.append(f"{step}: scroll to y={target} (max {max_y})")
                    widget.scroll_to(y=target, animate=False, immediate=True)
                    await settle(pilot)
                elif roll < 0.75:
                    width, height = rng.randrange(40, 121), rng.randrange(6, 41)
                    run.log.append(f"{step}: resize to {width}x{height}")
                    await resize(pilot, width, height)
                elif roll < 0.80:
                    y = rng.randrange(0, max(1, widget.size.height))
                    index = (y + int(widget.scroll_offset.y)) // ROW_HEIGHT
                    clicked = widget.rows.ids[index] if index < len(widget.rows) else None
                    before = widget.current_id
                    run.log.append(f"{step}: click content line {y} (row {index}, {clicked})")
                    app.opened.clear()
                    await click(pilot, widget, (widget.content_offset.x + 3, widget.content_offset.y + y))
                    if clicked is None:
                        if widget.current_id != before or app.opened:
                            fail(
                                f"a click below the rows moved the cursor to {widget.current_id} / opened {app.opened}"
                            )
                    else:
                        if app.opened != [clicked] or widget.current_id != clicked:
                            fail(
                                f"a click on content line {y} (row {index}, {clicked!r}) opened {app.opened} "
                                f"and put the cursor on row {widget.cursor} ({widget.current_id!r})"
                            )
                        # The app opens it (marking it read) and refreshes just that conversation.
                        run.open_id = clicked
                        store.inbox.mark_read(clicked)
                        await refresh([clicked])
                elif roll < 0.86:
                    listed = widget.rows.ids
                    choice = rng.random()
                    if choice < 0.4 and listed:
                        cid = rng.choice(listed)
                        previous, run.open_id = run.open_id, cid
                        run.log.append(f"{step}: open {cid} (was {previous})")
                        widget.select(cid)
                        store.inbox.mark_read(cid)
                        await refresh([cid])
                    elif choice < 0.8 and listed:
                        cid = rng.choice(listed + sorted(run.closing))
                        run.closing.symmetric_difference_update({cid})
                        run.log.append(f"{step}: closing marks {sorted(run.closing)}")
                        await refresh([cid])
                    else:
                        run.log.append(f"{step}: close the open conversation ({run.open_id})")
                        run.open_id = None
                        await refresh([])
                elif roll < 0.91:
                    seconds = rng.choice([1, 30, 61, 3600, 86400, 8 * 86400])
                    clock.at += timedelta(seconds=seconds)
                    run.log.append(f"{step}: tick {seconds}s -> refresh_ages()")
                    widget.refresh_ages()
                    await settle(pilot)
                elif roll < 0.95:
                    elsewhere = app.query_one(Elsewhere)
                    target = widget if app.focused is elsewhere else elsewhere
                    run.log.append(f"{step}: focus {target.id}")
                    target.focus()
                    await settle(pilot)
                else:
                    full = rng.random() < 0.5
                    run.log.append(f"{step}: refresh({'None' if full else '[]'}) with nothing changed")
                    await refresh(None if full else [])

                check(run, app, widget, fail)
    except AssertionError:
        raise
    except Exception as error:  # a crash in the widget (in the test's call or inside the app)
        fail(f"raised {type(error).__name__}: {error}")
    finally:
        store.close()
    if app._exception is not None:
        fail(f"the app raised {type(app._exception).__name__}: {app._exception}")


def check(run: Run, app: App, widget: ConversationList, fail) -> None:
    if app._exception is not None:
        fail(f"the app raised {type(app._exception).__name__}: {app._exception}")
    store = run.store
    fresh = store.inbox.listing(**run.options)
    if widget.rows.ids != fresh.ids:
        fail(f"listed {widget.rows.ids}\n   a fresh listing has {fresh.ids}")
    if widget.rows.unread != fresh.unread or widget.rows.last_at != fresh.last_at:
        fail("the listing's unread marks or times differ from a fresh listing")
    count = len(widget.rows)
    if not (0 <= widget.cursor < max(1, count)):
        fail(f"cursor {widget.cursor} outside {count} rows")
    if widget.virtual_size.height != count * ROW_HEIGHT:
        fail(f"virtual height {widget.virtual_size.height} for {count} rows")
    if not (0 <= widget.scroll_offset.y <= widget.max_scroll_y):
        fail(f"scrolled to {widget.scroll_offset.y}, past the end ({widget.max_scroll_y})")
    view = widget.size.height
    if widget.show_vertical_scrollbar != (count * ROW_HEIGHT > view):
        fail(f"scrollbar shown={widget.show_vertical_scrollbar} for {count} rows in {view} lines")
    if widget.show_vertical_scrollbar:
        bar = widget.vertical_scrollbar
        if (bar.window_virtual_size, bar.window_size, bar.position) != (
            count * ROW_HEIGHT,
            view,
            widget.scroll_offset.y,
        ):
            fail(
                f"scrollbar (virtual {bar.window_virtual_size}, window {bar.window_size}, at {bar.position}) "
                f"for {count} rows in {view} lines at {widget.scroll_offset.y}"
            )
    placed = app.screen._compositor.visible_widgets
    if (
        widget._vertical_scrollbar is not None
        and (widget._vertical_scrollbar in placed) != widget.show_vertical_scrollbar
    ):
        fail(
            f"scrollbar on screen={widget._vertical_scrollbar in placed}, shown={widget.show_vertical_scrollbar} (no layout?)"
        )

    # The rows on screen carry the store's current data.
    first = int(widget.scroll_offset.y) // ROW_HEIGHT
    last = min(count, first + view // ROW_HEIGHT + 1)
    if last > first:
        expected_rows = store.inbox.rows_by_id(fresh.ids[first:last])
        for index in range(first, last):
            if widget.rows[index] != expected_rows[fresh.ids[index]]:
                fail(f"row {index} holds {widget.rows[index]}\n   the store has {expected_rows[fresh.ids[index]]}")

    # Lines as the widget draws them now vs drawn from nothing (stale drawn-line cache).
    fresh = fresh_widget_strips(widget)
    shown, expected = widget_lines(widget), [canon(strip) for strip in fresh]
    if shown != expected:
        fail(f"stale line from render_line: {first_difference(shown, expected)}")
    # The screen as painted vs painted afresh (a missing refresh leaves old lines on screen).
    painted, repainted = screen_lines(app, widget), fresh_screen_lines(app, widget, fresh)
    if painted != repainted:
        fail(f"stale line on screen: {first_difference(painted, repainted)}")


@pytest.mark.parametrize("seed", _seeds())
async def test_random_updates_keep_the_list_and_screen_as_drawn_afresh(seed):
    await run_stress(seed)
