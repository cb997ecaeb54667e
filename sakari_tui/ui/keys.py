"""The README's key reference, generated from the bindings themselves (a test keeps them equal)."""

from __future__ import annotations

from textual.binding import Binding

from .app import SakariApp
from .screens.edit_contact import EditContactScreen
from .screens.new_conversation import NewConversationScreen
from .screens.search import SearchScreen
from .screens.template_picker import TemplatePickerScreen
from .screens.templates import TemplatesScreen
from .widgets.contact_panel import ContactPanel
from .widgets.conversation_list import ConversationList
from .widgets.thread_log import ThreadLog

AREAS = [
    ("anywhere in the inbox", SakariApp),
    ("conversation list", ConversationList),
    ("thread", ThreadLog),
    ("new conversation dialog", NewConversationScreen),
    ("template picker", TemplatePickerScreen),
    ("search", SearchScreen),
    ("contact panel", ContactPanel),
    ("edit contact dialog", EditContactScreen),
    ("templates manager", TemplatesScreen),
]

_KEY_NAMES = {"slash": "/", "question_mark": "?", "escape": "Esc", "enter": "Enter"}


def _keys(binding: Binding) -> str:
    return ", ".join(f"`{_KEY_NAMES.get(key, key)}`" for key in binding.key.split(","))


def key_reference() -> str:
    lines = ["| where | keys | does | binding id |", "| --- | --- | --- | --- |"]
    for area, owner in AREAS:
        for binding in owner.BINDINGS:
            if isinstance(binding, Binding):
                lines.append(f"| {area} | {_keys(binding)} | {binding.description} | `{binding.id}` |")
    return "\n".join(lines)
