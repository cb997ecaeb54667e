"""Keys typed right behind a key that moves into a text field go into that field.

Textual hands each key to whatever has focus when the key arrives, and a focus move that an
action asks for lands some messages later. Enter on the list, then "thanks" at once (a fast
typist, a paste through a slow terminal, a busy app): the letters reached the list's one-letter
commands before the reply had focus (t opened Templates, h showed closed conversations; an x
would close a conversation). Worse, a non-priority binding runs only once its key has been
through the focused widget and come back up to the app: by the time Enter's action runs, the
letters behind it are on the same way back, and each would run its command in turn.

So an action that moves focus into a text field calls `hold_keys_for_text(node)`. From then the
app holds every key that reaches it (new ones, and those coming back up from the widget they
were sent to) until a text field takes focus, and hands them on in the order they were typed,
as if they had been typed a moment later (a widget standing in for a text field counts too: the
reply box where replies are off). If none takes focus within HOLD_LIMIT_S, they go wherever focus
is then, as they would have without holding.

They are handed on all at once, to the widget that took focus, as if typed into it: a key among
them that moves focus again (Escape) moves it after the rest have reached the field, so
"Enter hi Esc x" leaves "hix" in the reply rather than closing a conversation with the x.

Holding costs nothing on the way in (a flag and a timer); setting focus at once instead, the
first try, made opening a thread 25-110 ms slower (the restyle ran before the thread's first draw).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from textual.dom import DOMNode
    from textual.events import Key
    from textual.widget import Widget

HOLD_LIMIT_S = 1.0
"""How long keys are held for a text field to take focus (opening a 10,000-message thread takes ~0.1 s)."""


@dataclass
class HeldKeys:
    """The keys held while a focus move into a text field is on its way."""

    holding: bool = False
    keys: list[Key] = field(default_factory=list)

    def start(self) -> bool:
        """Hold from now on; False if already holding."""
        if self.holding:
            return False
        self.holding = True
        return True

    def take(self, event: Key) -> bool:
        """Hold `event` if holding (True: held, not to be handled now)."""
        if self.holding:
            self.keys.append(event)
        return self.holding

    def release(self) -> list[tuple[str, str | None]]:
        """Stop holding; the held keys (name, character) in the order they were typed.

        A key coming back up from the widget it was sent to may reach the app after one typed
        later that was held on arrival; each key keeps the time it was made, so sorting by it
        (stably) restores the typing order."""
        keys = sorted(self.keys, key=lambda event: event.time)
        self.keys, self.holding = [], False
        return [(event.key, event.character) for event in keys]


def takes_text(widget: Widget) -> bool:
    """Whether `widget` is a text field (keys held for one are handed on once it has focus), or
    says it stands in for one (`takes_typed_keys`: the reply box where replies are off)."""
    from textual.widgets import Input, TextArea  # loaded by the inbox already: no cost here

    return isinstance(widget, (Input, TextArea)) or getattr(widget, "takes_typed_keys", False) is True


class _HoldsKeys(Protocol):
    def hold_keys_for_text(self) -> None: ...


def hold_keys_for_text(node: DOMNode) -> None:
    """Hold the keys typed from now until a text field takes focus (see the module's docstring).

    Called by the action that asks for the focus move, on the app's turn. An app that does not
    hold keys (a test's bare app) is left alone."""
    app: _HoldsKeys | object = node.app
    hold = getattr(app, "hold_keys_for_text", None)
    if callable(hold):
        hold()
