"""The words of a conversation list's rows: name, markers, age or wait, and the last message's preview.

A part of `ConversationList` (a mixin): the list decides which rows to draw and where, this what
each of its two lines says. All text is sanitised and put in the form every terminal gives the
same width (`for_display`), and drawn as plain text, never parsed as markup.
"""

from __future__ import annotations

from datetime import datetime, timezone

from rich.style import Style
from rich.text import Text

from ...senders import SenderBook
from ...store import ConversationListing, ConversationRow
from ...store.unread import wait_words
from ...store.views import View
from ...text import for_display, one_line
from ..format import number_label, numbers_formattable, relative_time, status_words

# The sender's label on a row: at most this wide, and only while the name keeps MIN_NAME_CELLS.
SENDER_CELLS = 10
MIN_NAME_CELLS = 10


class ConversationRowText:
    """How a row of the conversation list reads (see the module's docstring)."""

    rows: ConversationListing
    open_id: str | None
    closing: set[str]
    _now: datetime
    _raw_numbers_drawn: bool

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"conversation-list--{name}", partial=True)  # type: ignore[attr-defined]

    senders: SenderBook | None = None
    """The account's numbers (set by the conversation pane): with more than one, rows name theirs."""

    waiting_limits: tuple[float, float] = (30 * 60.0, 2 * 3600.0)
    """(amber, red): in Needs reply, a wait this many seconds long takes that colour (`[triage]`)."""

    def _age(self, row: ConversationRow) -> Text:
        """The row's age; in Needs reply, how long the customer has waited, coloured past the limits."""
        view = self.rows.options.view
        if view is View.SNOOZED and row.snooze is not None:  # when it wakes, in the operator's zone
            until = datetime.fromtimestamp(row.snooze.until, timezone.utc).astimezone()
            return Text(f"until {until:%a %H:%M}", self._style("dim"))
        if view is not View.NEEDS_REPLY or row.last_at is None:
            return Text(relative_time(row.last_at, self._now), self._style("dim"))
        waited = (self._now - row.last_at).total_seconds()
        return Text(f"waiting {wait_words(waited)}", self._style(self.wait_level(waited)))

    def wait_level(self, waited: float) -> str:
        """The style a wait of `waited` seconds is drawn in: "dim", "wait-warn" or "wait-alert"."""
        warn, alert = self.waiting_limits
        return "wait-alert" if waited >= alert else "wait-warn" if waited >= warn else "dim"

    def _first_line(self, row: ConversationRow, width: int) -> Text:
        age = self._age(row)
        markers = Text()
        if row.snooze is not None and row.snooze.woke(self._now.timestamp()) is None:
            if self.rows.options.view is not View.SNOOZED:  # there, the age's place says until when
                markers.append(" snoozed", self._style("dim"))
        if row.id in self.closing:
            markers.append(" closing…", self._style("marker"))
        if row.has_draft:
            markers.append(" ✎draft", self._style("marker"))
        if row.opted_out:
            markers.append(" ⊘opted out", self._style("marker"))
        if row.muted:
            markers.append(" ∅muted", self._style("dim"))
        if row.closed:
            markers.append(" ✓closed", self._style("dim"))
        # Marked unread (U) with nothing new: a dot, not "0".
        badge = Text(f" {row.unread_count or '•'} " if row.unread else "", self._style("badge"))
        lead = Text("● " if row.id == self.open_id else "  ", self._style("open"))
        name = for_display(one_line(self._contact_label(row), 80))
        name_style = self._style("unread") if row.unread else Style()
        tail = Text.assemble(markers, " ", badge, " " if row.unread else "", age, " ")
        if self.senders is not None and self.senders.several and row.sender_number:
            # Settings text: sanitised. It gives way before the name does (markers stay whole).
            sender = Text(for_display(one_line(self.senders.short(row.sender_number), 40)), self._style("dim"))
            spare = width - lead.cell_len - tail.cell_len - MIN_NAME_CELLS - 1
            if spare >= 3:
                sender.truncate(min(SENDER_CELLS, spare), overflow="ellipsis")
                tail = Text.assemble(" ", sender, tail)
        room = max(1, width - lead.cell_len - tail.cell_len)
        name_text = Text(name, name_style)
        name_text.truncate(room, overflow="ellipsis", pad=True)
        return Text.assemble(lead, name_text, tail)

    def _contact_label(self, row: ConversationRow) -> str:
        """The contact's name; without one (the store then holds the number as the name), the number
        formatted for reading."""
        if row.name and row.name != row.number:
            return row.name
        if not row.number:
            return row.name or "unknown"
        if not numbers_formattable():
            self._raw_numbers_drawn = True
        return number_label(row.number)

    def _second_line(self, row: ConversationRow, width: int) -> Text:
        preview = one_line(row.last_text, 300) or "(no messages)"
        if row.last_outgoing:
            state = one_line(status_words(row.last_status), 60)  # the status string comes from the API
            # "You: " only for what this machine sent; a teammate's text says whose it is.
            preview = f"{row.last_author.prefix}{preview}" + (f" · {state}" if state else "")
        text = Text("  " + for_display(preview), self._style("unread") if row.unread else self._style("dim"))
        woke = row.snooze.woke(self._now.timestamp()) if row.snooze is not None else None
        if woke:  # why it is back, before what it says (until it is opened)
            text = Text.assemble(("  ", None), (f"woke: {woke}", self._style("marker")), (" · ", None), text[2:])
        text.truncate(max(1, width - 1), overflow="ellipsis", pad=True)
        return text
