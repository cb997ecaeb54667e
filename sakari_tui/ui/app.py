"""The app and its factory, `make_app()`: wiring, theme, keymap, quit and the one error handler.

The inbox itself is `InboxScreen` (ui/inbox/), the default screen. The app hands it the engine's
events as Textual messages, and owns what outlives a screen: settings written back, the poller,
the terminal, quitting, and turning any failure into one plain sentence.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App, InvalidThemeError
from textual.binding import Binding
from textual.events import DescendantFocus, InputEvent, Key

from ..config import ConfigError, Settings, update_config_file
from ..logs import redact
from ..notify import Alerts, Notifier
from ..sync import Event, InboxEngine, Poller
from ..text import one_line
from .cell_widths import count_spacing_marks
from .clock import FrozenClock, WallClock
from .failures import FailureHandling
from .inbox import EngineEvent, InboxScreen
from .styles import stylesheet
from .terminal import TerminalWatch
from .type_ahead import HOLD_LIMIT_S, HeldKeys, takes_text

log = logging.getLogger(__name__)


if TYPE_CHECKING:
    from .graphics import GraphicsProbe


class SakariApp(FailureHandling, App[None]):
    """The inbox app: one `InboxScreen` over one account's engine."""

    TITLE = "sakari-tui"
    # The inbox screen's own stylesheet is listed here too: Textual 8.2.8 loads the CSS_PATH of
    # pushed screens and of MODES, but not of the screen `get_default_screen()` returns.
    CSS_PATH = [stylesheet("app.tcss"), InboxScreen.CSS_PATH]
    ENABLE_COMMAND_PALETTE = True
    # The inbox's own keys are InboxScreen's (ids unchanged since 0.1).
    BINDINGS = [
        Binding("question_mark", "help", "Keys", id="app.help"),
        # F1 while writing (where ? is text) and in dialogs (whose keys shut out the app's).
        Binding("f1", "help", "Keys, in dialogs too", id="app.help_anywhere", priority=True, show=False),
        Binding("q", "quit", "Quit", id="app.quit"),
    ]

    def __init__(
        self,
        settings: Settings,
        engine: InboxEngine,
        *,
        settings_path: Path | None = None,
        demo: bool = False,
        poll: bool = True,
        clock: WallClock | FrozenClock | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        warnings: Sequence[str] = (),
        graphics: GraphicsProbe | None = None,
    ) -> None:
        super().__init__()
        self.startup_warnings = list(warnings)
        self.graphics_probe = graphics
        """What the terminal told about drawing pictures before Textual started (None: not asked)."""
        self.settings, self.settings_path, self.engine, self.store = settings, settings_path, engine, engine.store
        self.demo, self.poll, self.monotonic = demo, poll, monotonic
        self.clock = clock or WallClock()
        self.notifier = Notifier(settings.notifications)
        self.poller = Poller(
            engine,
            interval=settings.sync.poll_interval,
            thread_interval=settings.sync.thread_poll_interval,
            **settings.sync.slow_polling(),
            open_conversation=lambda: self.inbox.open_id,
            clock=monotonic,
        )
        self.inbox = self._new_inbox()  # made now, so a test can reach it before the app runs
        self._inbox_shown = False
        self.fatal_error: BaseException | None = None
        self.terminal = TerminalWatch(self._leave_now)
        self.held_keys = HeldKeys()
        """Keys typed behind one that moves into a text field, until that field has focus (type_ahead.py)."""
        self._held_keys_limit: asyncio.TimerHandle | None = None
        engine.add_listener(self._relay)
        self.keymap: dict[str, str] = {}
        """The `[keys]` overrides in force (binding id to keys), as the command palette shows them."""
        if settings.keys:
            from .keys import checked_keymap, keymap_scopes  # here, not at the top: keys.py imports this module

            self.keymap, problems = checked_keymap(settings.keys, *keymap_scopes(), source=settings_path)
            self.startup_warnings += problems
            self.set_keymap(self.keymap)

    def _new_inbox(self) -> InboxScreen:
        # The bell is looked up at each call (not bound now), so a test can stand in for it.
        alerts = Alerts(self.notifier, self.store, bell=lambda: self.bell(), write_terminal=self.write_terminal)
        return InboxScreen(self.settings, self.engine, alerts, self.poller, self.clock, self.monotonic, self.demo)

    def get_default_screen(self) -> InboxScreen:
        if self._inbox_shown:  # a second run of the same app (tests do) needs a screen of its own
            self.inbox = self._new_inbox()
        self._inbox_shown = True
        # Classes set before the first resize save a restyle of every widget before the first frame.
        self.inbox.fit_width(self.size.width)
        return self.inbox

    def on_mount(self) -> None:
        try:
            self.theme = self.settings.ui.theme
        except InvalidThemeError:  # an unknown theme name must not stop the app
            self.notify(f"Theme {self.settings.ui.theme!r} is not installed; using the default.")
        if self.demo:
            self.sub_title = "demo"
        for warning in self.startup_warnings + self.notifier.startup_problems:
            self.notify(warning, severity="warning", timeout=15)
        self.engine.resume_outbox()
        if not self.is_headless:
            self.terminal.start()
            self.set_interval(1.0, self.terminal.check)
        # After the first frame: the inbox shows from the store first, then the network loads.
        self.call_after_refresh(self._after_first_frame)

    async def on_event(self, event: Any) -> None:
        if isinstance(event, InputEvent) and not event.is_forwarded:  # a key or the mouse, from the terminal
            self.poller.user_active()  # polling back to its normal pace (sync/cadence.py)
        if self.held_keys.holding:
            if isinstance(event, Key) and self.held_keys.take(event):  # new, or back up from its widget
                return
            if isinstance(event, DescendantFocus) and takes_text(event.widget):
                await self._hand_on_held_keys()
        await super().on_event(event)

    def hold_keys_for_text(self) -> None:
        """Hold the keys typed from now until a text field has focus (type_ahead.py)."""
        if self.held_keys.start():
            # The event loop's own timer, not Textual's (a Timer is a task of its own): this runs
            # on every Enter on the list, and usually the focus lands long before it is due.
            self._held_keys_limit = asyncio.get_running_loop().call_later(
                HOLD_LIMIT_S, self.call_next, self._hand_on_held_keys
            )

    async def _hand_on_held_keys(self) -> None:
        """The held keys, in the order typed, to whatever has focus now (a text field, or after
        HOLD_LIMIT_S wherever focus is): handled as if they had just been typed."""
        if self._held_keys_limit is not None:
            self._held_keys_limit.cancel()
            self._held_keys_limit = None
        for key, character in self.held_keys.release():
            await super().on_event(Key(key, character))

    def watch_app_focus(self, focused: bool) -> None:
        self.poller.set_focused(focused)  # Textual's AppFocus/AppBlur: slower polling while unfocused

    def _relay(self, event: Event) -> None:
        # Called inside the engine's coroutine: only queued here, handled on the inbox's own turn.
        self.inbox.post_message(EngineEvent(event, after_first_walk=self.engine.walked_once))

    def write_terminal(self, sequence: str) -> None:
        """A notification escape sequence (built from scrubbed text) straight to the terminal."""
        driver = self._driver  # private, checked against Textual 8.2.8: the one way to write raw bytes
        if driver is not None and not self.is_headless:
            driver.write(sequence)

    def notify(self, message: str, *, title: str = "", severity="information", timeout=None, markup=True) -> None:
        """Every notification is plain text with secrets redacted: much of what is shown comes from
        the server (error texts may quote a request), and markup in it would be acted on."""
        super().notify(redact(str(message)), title=redact(title), severity=severity, timeout=timeout, markup=False)

    def _after_first_frame(self) -> None:
        # What exists now (modules, widgets, styles) lives as long as the app. Frozen, the garbage
        # collector stops walking it on every full collection, which otherwise stalls a key press
        # for 40-70 ms every few seconds. It rested until now when started by the command line
        # (cli.main): turned back on here.
        gc.freeze()
        gc.enable()
        if self.poll:
            self._start_polling()

    def _start_polling(self) -> None:
        self.run_worker(self.poller.run_warmed(), group="poller", exclusive=True, exit_on_error=False)
        # An older store's rows are packed a small batch at a time, after the first frame (store/compaction.py).
        from ..store.compaction import compact_in_background

        self.run_worker(compact_in_background(self.store.db), group="store-compact", exit_on_error=False)

    async def on_unmount(self) -> None:
        # The client's connections live on this event loop, so they are closed here, not after run().
        await self.engine.client.aclose()

    def _leave_now(self) -> None:
        """The terminal is going (see ui/terminal.py): keep the draft typed in the last moments."""
        self.inbox.thread_pane.save_draft_now()
        self.exit()

    # --- settings, help, quit -----------------------------------------------------------------

    def watch_theme(self, theme: str) -> None:
        if self.is_mounted and theme != self.settings.ui.theme:
            self.settings.ui.theme = theme
            self.persist(("ui", "theme"), theme)

    def persist(self, key: tuple[str, str], value: object) -> None:
        """Write one setting back to the settings file (when there is one)."""
        if self.settings_path is None:
            return
        try:
            update_config_file(self.settings_path, {key: value})
        except (ConfigError, OSError) as error:
            self.notify(f"Could not save the setting: {one_line(str(error), 200)}", severity="warning")

    def action_help(self) -> None:
        """The keys of this app by area (ui/inbox/help_keys.py); from a dialog, the dialogs' keys first."""
        # Dialogs are imported where shown: none is needed for the first frame.
        from .inbox.help_keys import help_sections
        from .screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
            return
        self.push_screen(HelpScreen(help_sections(self.inbox, over=self.screen)))

    async def action_quit(self) -> None:
        in_flight, scheduled = self.engine.in_flight(), self.engine.scheduled()
        if not in_flight and not scheduled:
            await self._quit_now()
            return
        from .screens.confirm import quit_while_sending

        self.push_screen(quit_while_sending(len(in_flight), len(scheduled)), self._quit_confirmed)

    async def _quit_confirmed(self, confirmed: bool | None) -> None:
        if confirmed:
            await self._quit_now()

    async def _quit_now(self) -> None:
        await self.inbox.before_quit()
        self.exit()


def make_app(settings: Settings, engine: InboxEngine, **options: Any) -> SakariApp:
    """The one way the CLI, the tests and the screenshot script build the app.

    `options` are SakariApp's keywords: settings_path, demo, poll, clock, monotonic, warnings, graphics.
    """
    count_spacing_marks()  # before any text is measured, dialogs included (see ui/cell_widths.py)
    return SakariApp(settings, engine, **options)
