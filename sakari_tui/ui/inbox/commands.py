"""The inbox's commands in the command palette (Ctrl+P): only those that apply right now, each
with the key that runs it (as the user's `[keys]` table has it)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, cast

from textual.app import App
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from .screen import InboxScreen

# Actions that need an open conversation, one that takes replies, a selected row, or a stuck send.
NEEDS_OPEN = frozenset({"toggle_contact", "mark_opted_out", "focus_compose", "templates"})
NEEDS_REPLY = frozenset({"send", "send_and_close", "fold_gsm7", "external_editor", "attach"})
NEEDS_ROW = frozenset({"close_conversation", "toggle_mute", "mark_unread", "snooze"})
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


def keys_shown(app: App, binding: Binding) -> list[str]:
    """Every key of `binding` as the footer writes keys, after the user's `[keys]` overrides."""
    keys = getattr(app, "keymap", {}).get(binding.id, binding.key)
    return [app.get_key_display(dataclasses.replace(binding, key=key.strip())) for key in keys.split(",")]


def key_shown(screen: InboxScreen, binding: Binding) -> str:
    """The first key of `binding` as the footer writes it, after the user's `[keys]` overrides."""
    return keys_shown(screen.app, binding)[0]


def key_for(screen: InboxScreen, binding_id: str) -> str:
    """The key that runs the inbox binding `binding_id` now, as the footer writes it."""
    binding = next(b for b in screen.BINDINGS if isinstance(b, Binding) and b.id == binding_id)
    return key_shown(screen, binding)


def key_in_words(screen: InboxScreen, binding_id: str) -> str:
    """`key_for`, as a sentence writes a key: "Ctrl+S" where the footer writes "^s"."""
    shown = key_for(screen, binding_id)
    if shown.startswith("^") and len(shown) > 1:
        return "Ctrl+" + shown[1:].upper()
    return shown


# What each command does, in a sentence, for the palette (the binding's description is its title).
DESCRIPTIONS = {
    "attach": "Send a picture or file with the reply (as MMS)",
    "send": "Check the reply and send it",
    "schedule_reply": "Send the reply later, at a time you type (it waits in the outbox)",
    "send_and_close": "Send the reply, then close the conversation once it is sent (u keeps it open)",
    "next_unread": "Open the next unread conversation",
    "filter": "Narrow the list by name, number or text",
    "search": "Search every cached message and contact",
    "close_conversation": "Close the conversation (u undoes it for a few seconds)",
    "undo_close": "Keep the conversation you just closed open",
    "templates": "Insert a template, filled from the contact",
    "new_conversation": "Text a number that has no conversation here",
    "toggle_mute": "No bell for this conversation (again to undo)",
    "cycle_sender": "List one sender number's conversations at a time, then all again (saved at once)",
    "fold_gsm7": "Replace the characters that make the reply UCS-2",
    "external_editor": "Write the reply in $VISUAL or $EDITOR",
    "mark_opted_out": "Record that the contact asked for no more texts",
    "toggle_contact": "Show or hide the contact beside the thread",
    "manage_templates": "Create, edit and delete the account's templates",
    "retry": "Send the refused or unconfirmed reply again",
    "discard": "Drop the refused reply (its text comes back)",
    "focus_compose": "Go to the reply box",
    "refresh": "Fetch from Sakari now",
    "view_needs_reply": "Conversations whose customer waits for an answer, longest wait first",
    "view_waiting": "Conversations where the last word is ours or a teammate's",
    "view_snoozed": "Conversations snoozed until a time or the customer's next text",
    "view_failed": "Conversations with a reply that failed or whose fate is unknown",
    "view_scheduled": "Conversations with a reply scheduled for later",
    "view_all": "Every conversation (h and o toggle closed ones and the order)",
    "mark_unread": "Show the conversation as unread until you open it (on this machine)",
    "snooze": "Hide the conversation until a time or until the customer writes (on this machine)",
}


def _title(screen: InboxScreen, binding: Binding) -> str:
    # The toggles are named by what they would do now, not by the setting.
    if binding.action == "toggle_closed":
        return "Hide closed conversations" if screen.settings.ui.show_closed else "Show closed conversations"
    if binding.action == "toggle_order":
        return "List newest first" if screen.settings.ui.unread_first else "List unread first"
    if binding.action == "cycle_sender":
        if not screen.senders.several:
            return "Filter by sender (this account has one)"
        chosen = screen.senders.next_filter(screen.settings.ui.sender_filter)
        return f"Show conversations on {screen.sender_name(chosen)}" if chosen else "Show every sender's conversations"
    if binding.action == "snooze":
        target = screen._target_conversation()
        snooze = screen.store.inbox.snooze_of(target) if target else None
        asleep = snooze is not None and snooze.woke(screen.clock.now().timestamp()) is None
        return "Snooze or unsnooze" if asleep else "Snooze"
    if binding.action.startswith("view_"):
        return f"View: {binding.description}"
    if binding.action == "toggle_mute":
        target = screen._target_conversation()
        return "Unmute" if target and screen.store.inbox.is_muted(target) else "Mute"
    return binding.description


def inbox_commands(screen: InboxScreen) -> Iterator[tuple[str, str, Callable[[], object]]]:
    """(title, help, run) of each inbox command that applies now, in the order of the bindings:
    each once, with its key and what it does."""
    offered: set[str] = set()
    for binding in screen.BINDINGS:
        if isinstance(binding, Binding) and binding.action not in offered and applies(screen, binding.action):
            offered.add(binding.action)
            what = DESCRIPTIONS.get(binding.action, "")
            yield (
                _title(screen, binding),
                f"{key_shown(screen, binding)} · {what}" if what else key_shown(screen, binding),
                lambda action=binding.action: screen.run_action(action),
            )
    yield (
        "Save the list view as default",
        "Keep 'show closed' and 'unread first' as they are now for the next start (h and o change them for this session)",
        screen.save_view_as_default,
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
