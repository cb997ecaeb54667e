"""Which keys the footer offers, per area of the inbox: the few most useful where the focus is,
chosen and ordered to fit 80 columns with Ctrl+P, so the footer itself says where keys go
("in the list" and "writing a reply" offer different keys)."""

from __future__ import annotations

import dataclasses

from textual.binding import ActiveBinding
from textual.widget import Widget

from ..widgets.compose import ComposeBox
from ..widgets.contact_panel import ContactPanel
from ..widgets.conversation_list import ConversationList

# Action names, in footer order. Printable keys are left out where the focused widget takes them as
# text (Textual drops those bindings there anyway).
AREA_ACTIONS: dict[str, tuple[str, ...]] = {
    "list": ("open", "next_unread", "close_conversation", "filter", "new_conversation", "help"),
    "filter": ("escape", "search"),
    # Ctrl+G is left to the counter, which names it when a reply is in UCS-2 (the only time it helps).
    "reply": ("send", "send_and_close", "templates", "external_editor", "escape"),
    "replies-off": ("escape", "search", "new_conversation"),
    "thread": ("reply", "escape", "toggle_contact", "close_conversation", "next_unread", "help"),
    "contact": ("edit", "opt_out", "toggle_contact", "escape"),
}
STUCK_SEND_ACTIONS = ("retry", "discard")  # first, wherever they work, while a reply needs the user


def area_of(focused: Widget | None) -> str:
    """Where the keys go: the area of the inbox holding the focus."""
    if focused is None or isinstance(focused, ConversationList):
        return "list"
    if isinstance(focused, ComposeBox):
        return "replies-off"
    if isinstance(focused, ContactPanel):
        return "contact"
    if focused.id == "compose-input":
        return "reply"
    if focused.id == "filter":
        return "filter"
    return "thread"


def footer_bindings(
    bindings: dict[str, ActiveBinding], area: str, *, stuck_send: bool, closable: bool, palette_key: str
) -> dict[str, ActiveBinding]:
    """`bindings` (the screen's active ones) with only `area`'s shown, in its order; the rest are
    kept (other code looks keys up here) but hidden. The palette's key stays where the footer finds it."""
    wanted = (STUCK_SEND_ACTIONS if stuck_send else ()) + AREA_ACTIONS[area]
    if not closable:  # a closed conversation (Sakari has no reopen): no "x Close" on offer
        wanted = tuple(action for action in wanted if action != "close_conversation")
    chosen: dict[str, ActiveBinding] = {}
    for action in wanted:
        for key, active in bindings.items():
            if active.binding.action == action and key not in chosen:
                chosen[key] = active._replace(binding=dataclasses.replace(active.binding, show=True))
                break  # one key per action (t and ctrl+t both template: the first that works here)
    hidden = {
        key: active if key == palette_key else active._replace(binding=dataclasses.replace(active.binding, show=False))
        for key, active in bindings.items()
        if key not in chosen
    }
    return {**chosen, **hidden}
