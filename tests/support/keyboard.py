"""Typing text into the app in a test: every character a real key event, without an idle wait per key.

`pilot.press(*"some text")` waits for the whole process to go idle twice after every key; in
this app that is about 0.1 s a key, so a test that types a sentence spends seconds waiting.
`type_text` sends the same `Key` events the same way (through the app, which checks its
bindings and forwards each to the focused widget), back to back as a fast typist or a burst
from the terminal would, and waits once at the end. The app handles its queue in order, so the
result is the same; what differs is only that no key waits for the one before it to settle.
(`pilot.press` also drops characters such as ’ and “: textual 8.2.8 looks their key names up as
Unicode names with underscores, which fails; here each event is built as the driver builds it.)

Only for text typed into the box that has the focus: a key that opens a screen or moves the focus
(Enter, Tab, Ctrl+S...) goes through `pilot.press`, so that the keys after it find their widget.
"""

from __future__ import annotations

from textual import events
from textual.keys import _character_to_key
from textual.widgets import Input, TextArea


async def type_text(pilot, text: str) -> None:
    """Type `text` (printable characters) into the focused text box, then let the app settle."""
    app = pilot.app
    if not isinstance(app.focused, (Input, TextArea)):
        await pilot.pause()  # a focus() just called (or a screen just opened) takes effect on the next turn
    focused = app.focused
    assert isinstance(focused, (Input, TextArea)), f"typing {text!r} needs a focused text box, not {focused!r}"
    for character in text:
        assert character.isprintable(), f"type_text types printable text; press {character!r} with pilot.press"
        key = character if character.isalnum() else _character_to_key(character)
        event = events.Key(key, character)
        event.set_sender(app)
        app.post_message(event)
    # The app forwards each key to the focused widget's own queue: the first pause lets the app
    # forward them all, the second lets the widget (and what its changes bubble to) handle them.
    await pilot.pause()
    await pilot.pause()
