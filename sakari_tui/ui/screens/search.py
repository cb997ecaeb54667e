"""Search cached messages and contacts as you type; Enter opens the chosen hit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from ...sms.phones import display_number
from ...store.search import SearchHit
from ...text import displayed_spans, for_display, one_line
from ..format import relative_time
from ..widgets.inputs import SafeInput
from .dialog import Dialog

DEBOUNCE_SECONDS = 0.15
SHOWN_LIMIT = 100
"""The store's default number of hits; reaching it means there may be more."""
MATCH_STYLE = "bold underline $text-warning"


def hit_content(hit: SearchHit, now: datetime) -> Content:
    """Two plain-text lines for a hit: who and when, then the snippet with its matches marked."""
    number = display_number(hit.number) if hit.number else ""
    who = for_display(one_line(hit.name, 40)) or one_line(number, 40) or "Unknown contact"
    head = [Content.styled(who, "bold")]
    if hit.name and number:
        head.append(Content.styled(f"  {one_line(number, 30)}", "$foreground-muted"))
    if hit.kind == "contact":
        head.append(Content.styled("  contact", "$text-accent"))
    when = relative_time(hit.created_at, now)
    if when:
        head.append(Content.styled(f"  {when}", "$foreground-muted"))
    text = hit.snippet.text
    if _flat(text):
        snippet = Content(for_display(text))  # drawn in the form every terminal gives the same width
        valid = [(start, end) for start, end in hit.snippet.spans if 0 <= start < end <= len(text)]
        for start, end in displayed_spans(text, valid):
            snippet = snippet.stylize(MATCH_STYLE, start, end)
    else:  # not sanitised: the spans would not line up, so show it plainly
        snippet = Content(for_display(one_line(text, 400)))
    body = [Content("  ")]
    if hit.outgoing and hit.author is not None:
        # Who wrote it, as the list and the thread say (only this machine's own sends are "You").
        body.append(Content.styled(for_display(hit.author.prefix), "$foreground-muted"))
    body.append(snippet)
    if hit.attachments:
        body.append(Content.styled(f"  {for_display(hit.attachments)}", "$text-accent"))
    return Content.assemble(*head, "\n", *body)


def _flat(text: str) -> bool:
    """True when `text` is already what the sanitiser makes of it on one line (so spans still fit)."""
    return text == one_line(text, max(len(text), 1))


class SearchScreen(Dialog[SearchHit | None]):
    """Returns the chosen hit, or None."""

    HELP = """
## Search

Every cached message and contact, as you type. **↑↓** choose, **Enter** opens the conversation
at that message, **Esc** goes back.
"""

    DEFAULT_CSS = """
    SearchScreen > .dialog {
        width: 100; max-width: 100%; height: 90%; max-height: 40; padding: 0 1;
    }
    SearchScreen #search-results { height: 1fr; border: none; text-wrap: nowrap; text-overflow: ellipsis; }
    SearchScreen #search-status { height: 1; color: $text-muted; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="search.cancel"),
        Binding("down", "move(1)", "Down", show=False, id="search.down"),
        Binding("up", "move(-1)", "Up", show=False, id="search.up"),
        Binding("pagedown", "move(10)", "Page down", show=False, id="search.page_down"),
        Binding("pageup", "move(-10)", "Page up", show=False, id="search.page_up"),
    ]

    def __init__(self, search: Callable[[str], list[SearchHit]], now: datetime, query: str = "") -> None:
        super().__init__()
        self.search = search
        self.now = now
        self.initial_query = query
        self.hits: list[SearchHit] = []
        self.searched_for = ""
        """The query the shown hits are for."""
        self._wanted = ""
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(
                Content.assemble(
                    Content.styled("Search", "bold"), Content.styled("  messages and contacts", "$foreground-muted")
                )
            )
            yield SafeInput(
                value=self.initial_query, placeholder="Words, names or digits of a number", id="search-input"
            )
            yield Static(Content(""), id="search-status")
            yield OptionList(id="search-results")

    def on_mount(self) -> None:
        self.query_one("#search-input", Input).focus()
        self._request(self.initial_query, debounce=False)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._request(event.value)

    def _request(self, query: str, *, debounce: bool = True) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._wanted = query
        if not query.strip():
            self.workers.cancel_group(self, "search")
            self._show(query, [], None)
            return
        if debounce:
            self._timer = self.set_timer(DEBOUNCE_SECONDS, lambda: self._run(query))
        else:
            self._run(query)

    @work(thread=True, group="search", exclusive=True, exit_on_error=False)
    def _run(self, query: str) -> None:
        # A thread: on a large cache a one-letter prefix can take SQLite a few hundred milliseconds.
        worker = get_current_worker()
        try:
            hits, error = self.search(query), None
        except Exception as exc:  # shown on the status line; the screen stays usable
            hits, error = [], exc
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show, query, hits, error)

    def _show(self, query: str, hits: list[SearchHit], error: Exception | None) -> None:
        if query != self._wanted or not self.is_attached:
            return  # a newer query is on its way
        self.searched_for = query
        self.hits = list(hits)
        options = self.query_one("#search-results", OptionList)
        options.clear_options()
        options.add_options(Option(hit_content(hit, self.now)) for hit in self.hits)
        if self.hits:
            options.highlighted = 0
        self.query_one("#search-status", Static).update(self._status(query, error))

    def _status(self, query: str, error: Exception | None) -> Content:
        if error is not None:
            return Content.styled(f"Search failed: {one_line(str(error), 200) or type(error).__name__}", "$text-error")
        if not query.strip():
            return Content("Type to search cached messages, names, emails and numbers.")
        if not self.hits:
            return Content(f"No messages or contacts match “{one_line(query, 60)}”.")
        contacts = sum(1 for hit in self.hits if hit.kind == "contact")
        messages = len(self.hits) - contacts
        parts = []
        if contacts:
            parts.append(f"{contacts} contact{'s' if contacts != 1 else ''}")
        if messages:
            parts.append(f"{messages} message{'s' if messages != 1 else ''}")
        text = " and ".join(parts)
        if len(self.hits) >= SHOWN_LIMIT:
            text = f"{text} (the first {len(self.hits)}: type more to narrow)"
        return Content(f"{text} · ↑↓ to choose, Enter to open, Esc to close")

    def action_move(self, step: int) -> None:
        options = self.query_one("#search-results", OptionList)
        if self.hits:
            current = options.highlighted or 0
            options.highlighted = max(0, min(len(self.hits) - 1, current + step))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._choose(self.query_one("#search-results", OptionList).highlighted)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._choose(event.option_index)

    def _choose(self, index: int | None) -> None:
        if index is None or not (0 <= index < len(self.hits)):
            return
        self.dismiss(self.hits[index])

    def action_cancel(self) -> None:
        self.dismiss(None)
