"""What `?` shows: the inbox's keys by area, from the bindings themselves (so a `[keys]` override
shows as the user set it), the area holding the focus first and Textual's generic keys last."""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget

from ..screens.help import HelpSection
from ..widgets.contact_panel import ContactPanel
from ..widgets.conversation_list import ConversationList
from ..widgets.thread_log import ThreadLog
from .commands import keys_shown
from .footer_keys import area_of
from .thread_pane import ThreadPane

if TYPE_CHECKING:
    from .screen import InboxScreen

# The inbox screen's actions by the area they are about (the keys work from anywhere in the inbox).
REPLY_ACTIONS = ("send", "send_and_close", "templates", "fold_gsm7", "external_editor", "retry", "discard", "escape")
LIST_ACTIONS = (
    "next_unread",
    "filter",
    "close_conversation",
    "undo_close",
    "toggle_mute",
    "new_conversation",
    "toggle_closed",
    "toggle_order",
    "cycle_sender",
    "mark_unread",
    "snooze",
    "view_needs_reply",
    "view_waiting",
    "view_snoozed",
    "view_failed",
    "view_scheduled",
    "view_all",
    "refresh",
)
THREAD_ACTIONS = ("focus_compose", "toggle_contact", "mark_opted_out", "manage_templates")
ANYWHERE_ACTIONS = ("search",)
AREA_TITLES = {
    "list": "Conversation list",
    "filter": "Conversation list",
    "thread": "Thread",
    "reply": "Reply (writing in the compose box)",
    "replies-off": "Reply (writing in the compose box)",
    "contact": "Contact panel",
}


def _rows(app: App, bindings, actions: tuple[str, ...] | None = None) -> tuple[tuple[str, str], ...]:
    by_action = {b.action: b for b in bindings if isinstance(b, Binding)}
    chosen = [by_action[a] for a in actions if a in by_action] if actions else list(by_action.values())
    return tuple((" ".join(keys_shown(app, b)), b.description) for b in chosen)


def _about(widget: Widget | None) -> str:
    """The focused widget's HELP (or its nearest ancestor's), as one plain paragraph."""
    for node in [widget, *(widget.ancestors if widget else [])]:
        text = getattr(node, "HELP", None)
        if text:
            body = "\n".join(line for line in text.strip().splitlines() if not line.startswith("#"))
            return re.sub(r"\*\*(.+?)\*\*", r"\1", " ".join(body.split()))
    return ""


def help_sections(screen: InboxScreen, *, over: Screen | None = None) -> list[HelpSection]:
    """The sections for `?` on the inbox; `over` a dialog, the dialogs' keys first, with its HELP."""
    sections = _inbox_sections(screen)
    if over is not None and over is not screen:
        sections.sort(key=lambda section: section.title != "Dialogs")
        sections[0] = dataclasses.replace(sections[0], about=_about(over.focused or over))
    return sections


def _inbox_sections(screen: InboxScreen) -> list[HelpSection]:
    app = screen.app
    inbox = screen.BINDINGS
    area = area_of(screen.focused)
    sections = {
        "list": HelpSection(
            AREA_TITLES["list"], _rows(app, ConversationList.BINDINGS) + _rows(app, inbox, LIST_ACTIONS)
        ),
        "thread": HelpSection(
            AREA_TITLES["thread"],
            _rows(app, ThreadPane.BINDINGS) + _rows(app, ThreadLog.BINDINGS) + _rows(app, inbox, THREAD_ACTIONS),
        ),
        "reply": HelpSection(AREA_TITLES["reply"], (("Enter", "New line"),) + _rows(app, inbox, REPLY_ACTIONS)),
        "contact": HelpSection(AREA_TITLES["contact"], _rows(app, ContactPanel.BINDINGS)),
    }
    first = {"filter": "list", "replies-off": "reply"}.get(area, area)
    ordered = [dataclasses.replace(sections[first], about=_about(screen.focused))]
    ordered += [section for name, section in sections.items() if name != first]
    ordered.append(
        HelpSection(
            "Anywhere",
            _rows(app, inbox, ANYWHERE_ACTIONS)
            + _rows(app, type(app).BINDINGS)
            + (("^p", "Command palette: every command by name, with its key"), ("tab", "Next pane")),
        )
    )
    ordered.append(
        HelpSection(
            "Dialogs",
            (
                ("esc", "Close (asks first when you have typed something)"),
                ("tab", "Next field"),
                ("enter ^s", "Confirm, send or save (the dialog's footer line says which)"),
            ),
        )
    )
    ordered.append(HelpSection("Terminal", (("^c", "Copy the selected text"), ("^q", "Quit at once"))))
    return ordered
