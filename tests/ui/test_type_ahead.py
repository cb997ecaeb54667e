"""Text typed right behind the key that moves into the reply lands in the reply.

Keys are sent to whatever has focus when they arrive; a key that moved focus only once it had
passed through the list let the letters behind it reach the list's single-letter commands
("thanks" after Enter: t opened Templates, h showed closed conversations, x would have closed
one). The app now holds them until the text field has focus (ui/type_ahead.py). The keys here
are queued all at once, as a fast typist's, a paste's or a busy app's are.
"""

from __future__ import annotations

import pytest
from textual import events
from textual.widgets import TextArea

from sakari_tui.ui.screens.new_conversation import NewConversationScreen
from sakari_tui.ui.type_ahead import HeldKeys

from ..support.inbox import Inbox
from ..support.waiting import wait_until

TYPED = "thanks, x marks the spot"


NAMED = {"enter": "\r", "tab": "\t"}


def queue_keys(app, keys: list[str]) -> None:
    """Post every key before the app handles any of them (Pilot's press waits after each).

    A key is a name from NAMED or a character typed as itself."""
    for key in keys:
        character = NAMED.get(key, key)
        name = key if key in NAMED else {" ": "space", ",": "comma", "+": "plus"}.get(key, key)
        app.post_message(events.Key(name, character))


def letters(text: str) -> list[str]:
    return list(text)


def ordinary(row) -> bool:
    return not row.opted_out and not row.closed


async def test_text_typed_right_behind_enter_on_the_list_is_the_reply(build_app):
    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        row = inbox.select_row(ordinary)
        closed_before = row.closed
        queue_keys(app, ["enter", *letters(TYPED)])
        await wait_until(lambda: inbox.compose.text == TYPED, pilot)
        assert inbox.open_id == row.id and inbox.on_top(), "no dialog opened, nothing else listed"
        assert inbox.row(row.id).closed == closed_before and not inbox.pending_closes


@pytest.mark.parametrize(
    ("focused", "key", "text"),
    [("list", "i", "on my way"), ("thread", "enter", "thanks")],
    ids=["i on the list", "enter in the thread"],
)
async def test_text_typed_right_behind_the_key_into_an_open_conversations_reply_is_the_reply(
    build_app, focused, key, text
):
    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        row = inbox.select_row(ordinary)
        inbox.open(row.id, focus_compose=False)
        await pilot.pause()
        getattr(inbox, focused).focus()
        await pilot.pause()
        queue_keys(app, [key, *letters(text)])
        await wait_until(lambda: inbox.compose.text == text, pilot)
        assert inbox.open_id == row.id and inbox.on_top()


async def test_text_typed_right_behind_tab_in_a_form_goes_to_the_next_field(build_app):
    app = await build_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("N")
        await wait_until(lambda: isinstance(app.screen, NewConversationScreen), pilot)
        await pilot.pause()
        queue_keys(app, [*letters("+14155550133"), "tab", *letters("Ines Park"), "tab", *letters("hello")])
        form = app.screen
        await wait_until(lambda: form.query_one("#new-text", TextArea).text == "hello", pilot)
        assert form.query_one("#new-number").value == "+14155550133"
        assert form.query_one("#new-name").value == "Ines Park"


async def test_keys_typed_behind_enter_where_replies_are_off_run_no_list_command(build_app):
    """Replies are off (the contact opted out): the keys go to the box saying why, which keeps
    letters back and says why once; x closes nothing, h lists nothing else."""
    app = await build_app()
    inbox = Inbox(app)
    async with app.run_test(size=(120, 40)) as pilot:
        row = inbox.select_row(lambda r: r.opted_out and not r.closed)
        showing_closed = app.settings.ui.show_closed
        queue_keys(app, ["enter", *letters("xh")])
        await wait_until(lambda: inbox.open_id == row.id and not app.held_keys.holding, pilot)
        await wait_until(lambda: any("opted out" in n for n in inbox.notifications()), pilot)
        assert not inbox.row(row.id).closed and not inbox.pending_closes
        assert app.settings.ui.show_closed == showing_closed and inbox.on_top()


def test_held_keys_come_back_in_the_order_typed():
    """A key coming back up from the list can reach the app after a later one held on arrival."""
    held = HeldKeys()
    assert held.start() and not held.start()
    first, second, third = (events.Key(name, name) for name in "abc")
    for event in (second, first, third):  # the order they reached the app
        assert held.take(event)
    assert held.release() == [("a", "a"), ("b", "b"), ("c", "c")]
    assert not held.holding and not held.take(first)
