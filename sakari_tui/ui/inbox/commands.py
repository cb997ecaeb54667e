"""The inbox's commands in the command palette (Ctrl+P): only those that apply right now, each
with the key that runs it (as the user's `[keys]` table has it)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, cast

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from .screen import InboxScreen

# Actions that need an open conversation, one that takes replies, a selected row, or a stuck send.
NEEDS_OPEN = frozenset({"toggle_contact", "mark_opted_out", "focus_compose", "templates"})
NEEDS_REPLY = frozenset({"send", "fold_gsm7", "external_editor"})
NEEDS_ROW = frozenset({"close_conversation", "toggle_mute"})
NEEDS_STUCK_SEND = frozenset({"retry", "discard"})
NEVER_OFFERED = frozenset({"escape"})  # a key, not a command


def applies(screen: InboxScreen, action: str) -> bool:
    """Whether the inbox command `action` would do something now."""
    if action in NEVER_OFFERED:
        return False
    if action in NEEDS_OPEN:
        return screen.open_id is not None
    if action in NEEDS_REPLY:
        return screen.thread_pane.can_reply
    if action in NEEDS_ROW:
        return screen.open_id is not None or screen.conversation_list.current_id is not None
    if action in NEEDS_STUCK_SEND:
        return screen._latest_failed() is not None
    if action == "undo_close":
        return bool(screen.pending_closes)
    return True


def key_shown(screen: InboxScreen, binding: Binding) -> str:
    """The first key of `binding` as the footer writes it, after the user's `[keys]` overrides."""
    keys = getattr(screen.app, "keymap", {}).get(binding.id, binding.key)
    return screen.app.get_key_display(dataclasses.replace(binding, key=keys.split(",")[0]))


def inbox_commands(screen: InboxScreen) -> Iterator[tuple[str, str, Callable[[], object]]]:
    """(title, help, run) of each inbox command that applies now, in the order of the bindings."""
    for binding in screen.BINDINGS:
        if isinstance(binding, Binding) and applies(screen, binding.action):
            yield (
                binding.description,
                f"Key: {key_shown(screen, binding)}",
                lambda action=binding.action: screen.run_action(action),
            )


class InboxCommands(Provider):
    @property
    def inbox(self) -> InboxScreen:
        return cast("InboxScreen", self.screen)

    async def discover(self) -> Hits:
        for title, help_text, run in inbox_commands(self.inbox):
            yield DiscoveryHit(title, run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, run in inbox_commands(self.inbox):
            if (score := matcher.match(title)) > 0:
                yield Hit(score, matcher.highlight(title), run, help=help_text)
