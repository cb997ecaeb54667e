"""One host app for widget and screen tests, styled by the app's own stylesheets.

    app = Host(ContactPanel())                    # widgets, mounted as the default screen's children
    app = Host(screen=EditContactScreen(contact))  # a screen, pushed on mount

What the pushed screen dismisses with lands in `app.results`; every message that bubbles up to
the app (not events) in `app.messages`, so a test can check what a widget asked for.
"""

from __future__ import annotations

import inspect
from pathlib import Path, PurePath

from textual import events, on
from textual.app import App, ComposeResult
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget

from sakari_tui.ui.app import SakariApp


def app_stylesheets() -> list[Path]:
    """The stylesheets SakariApp loads (its inbox screen's among them), as absolute paths
    (relative ones are beside its module, as Textual resolves them)."""
    declared = SakariApp.CSS_PATH
    paths = [declared] if isinstance(declared, (str, PurePath)) else list(declared or ())
    base = Path(inspect.getfile(SakariApp)).parent
    return [Path(path) if Path(path).is_absolute() else base / path for path in paths]


class Host(App[None]):
    """Mounts `widgets`, or pushes `screen`, in an app styled like the real one."""

    CSS_PATH = app_stylesheets()

    def __init__(self, *widgets: Widget, screen: Screen | None = None) -> None:
        super().__init__()
        self._widgets = widgets
        self.dialog = screen
        self.results: list[object] = []
        self.messages: list[Message] = []

    def compose(self) -> ComposeResult:
        yield from self._widgets

    def on_mount(self) -> None:
        if self.dialog is not None:
            self.push_screen(self.dialog, self.results.append)

    @on(Message)
    def _record(self, message: Message) -> None:
        if not isinstance(message, events.Event):
            self.messages.append(message)

    def messages_of(self, *kinds: type[Message]) -> list[Message]:
        """The recorded messages of these types, in the order they arrived."""
        return [message for message in self.messages if isinstance(message, kinds)]
