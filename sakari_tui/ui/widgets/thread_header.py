"""The open conversation's header: who, their number, the number it runs on, closed or open, and
the opt-out flags. It only draws: what follows from an opt-out (the compose box) is not its job.

It is one line at any width: where the whole header does not fit, it leaves out the least
needed parts first (the word "open", the number the conversation runs on, the contact's
number), then words of a flag, and cuts the name last, so nothing wraps or stops mid-phrase.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.widgets import Static

from ...sms.keywords import reads_like_opt_out
from ...sms.phones import display_number
from ...text import for_display, one_line

if TYPE_CHECKING:
    from ...api import Conversation

MUTED = "$foreground-muted"
GAP = "  "
# Each flag from its full wording to its shortest: the header shortens a flag only after leaving
# out everything else it can.
OPTED_OUT = ("⊘ opted out: texts to this contact are refused", "⊘ opted out: texts refused", "⊘ opted out", "⊘")
LIKE_OPT_OUT = (
    "⚑ their last text reads like an opt-out · O marks them opted out",
    "⚑ their last text reads like an opt-out",
    "⚑ reads like an opt-out",
    "⚑",
)


def answering_phrases(who: str) -> tuple[str, ...]:
    """The flag that a teammate answered while the thread is open, longest first."""
    who = for_display(one_line(who, 40))
    return (f"● {who} is answering this conversation", f"● {who} is answering", f"● {who}", "●")


# The fewest cells of a name cut to make room for a flag's words; below that the flag is its sign alone.
NAME_ROOM = 8


def header_content(
    conversation: Conversation | None,
    *,
    opted_out: bool,
    width: int | None = None,
    answering: str | None = None,
    sender_label: str | None = None,
) -> Content:
    """The header on one line of at most `width` cells (all of it when `width` is None).
    `answering`: a teammate whose text came in while the thread was open; `sender_label`: the
    name of the number the conversation runs on ([[senders]] label)."""
    if conversation is None:
        return Content("")
    contact = conversation.contact
    number = display_number(contact.mobile.number if contact and contact.mobile else None)
    has_name = bool(contact and (contact.first_name or contact.last_name or "").strip())
    name = for_display(one_line(contact.display_name if has_name else (number or "unknown contact"), 60))
    sender = display_number(conversation.phone_number.number if conversation.phone_number else None)
    name_part = Content.styled(name, "bold")
    # A contact without a name shows its number as the name already.
    shows_number = bool(number) and for_display(one_line(number, 60)) != name
    number_part = (for_display(one_line(number, 30)), "") if shows_number else None
    label = for_display(one_line(sender_label, 20)) if sender_label else ""
    via = f"{label} {for_display(one_line(sender, 30))}" if label else for_display(one_line(sender, 30))
    sender_part = (f"via {via}", MUTED) if sender else None
    closed_part = ("✓ closed", MUTED) if conversation.closed else None
    open_part = None if conversation.closed else ("open", "$success")
    last = conversation.last_message
    flags: list[Phrase | None] = [None, None]
    if opted_out:
        flags = [(words, "bold $error") for words in OPTED_OUT]
    elif answering:
        flags = [(words, "bold $warning") for words in answering_phrases(answering)]
    elif last and reads_like_opt_out(last.message) and not last.outgoing:
        flags = [(words, "bold $warning") for words in LIKE_OPT_OUT]
    # Left out first to last: "open" (the usual state), the number it runs on, the contact's number.
    optional = [[number_part, sender_part, open_part], [number_part, sender_part], [number_part], []]
    for flag in flags[:-1]:
        for extra in optional:
            line = _joined(name_part, [*extra, closed_part, flag])
            if width is None or line.cell_length <= width:
                return line
    assert width is not None  # without a width the first try is taken
    for flag, least in ((flags[-2], NAME_ROOM), (flags[-1], 2)):
        room = width - _joined(Content(""), [closed_part, flag]).cell_length
        if room >= min(least, name_part.cell_length):
            return _joined(name_part.truncate(room, ellipsis=True), [closed_part, flag])
    return _joined(name_part, [closed_part, flags[-1]]).truncate(max(0, width), ellipsis=True)


Phrase = tuple[str, str]
"""Words of the header and their style."""


def _joined(name: Content, phrases: list[Phrase | None]) -> Content:
    # Each gap takes the style of the words after it: "  via +1 …" reaches the terminal in one piece.
    return Content.assemble(name, *(Content.styled(GAP + text, style) for text, style in filter(None, phrases)))


class ThreadHeader(Static):
    """Draws `header_content` for its own width, so it shortens as the window narrows."""

    DEFAULT_CSS = "ThreadHeader { text-wrap: nowrap; text-overflow: ellipsis; }"

    def __init__(self, content: Content | str = "", *, id: str | None = None) -> None:
        super().__init__(content, id=id)
        self._conversation: Conversation | None = None
        self._opted_out = False
        self._answering: str | None = None
        self._sender_label: str | None = None

    def show(
        self,
        conversation: Conversation | None,
        *,
        opted_out: bool,
        answering: str | None = None,
        sender_label: str | None = None,
    ) -> None:
        self._conversation = conversation
        self._opted_out = opted_out
        self._answering = answering
        self._sender_label = sender_label
        self.refresh(layout=True)

    def _content(self, width: int | None) -> Content:
        return header_content(
            self._conversation,
            opted_out=self._opted_out,
            width=width,
            answering=self._answering,
            sender_label=self._sender_label,
        )

    def whole(self) -> Content:
        """The header with nothing left out, as a window wide enough for all of it shows it."""
        return self._content(None)

    def render(self) -> Content:
        width = self.content_size.width or None
        return self._content(width)

    def get_content_height(self, container, viewport, width: int) -> int:
        return 1
