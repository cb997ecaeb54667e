"""Probes of what an app has on screen: its lines as text, the bytes a full redraw would write, and
the check that nothing of the hostile corpus acts on either."""

from __future__ import annotations

import io

from rich.console import Console
from textual.app import App

from .hostile import EVIL_URL, MEDIA_HOST, SCREEN_FORBIDDEN, TERMINAL_FORBIDDEN


def screen_strips(app: App):
    """The current screen as Textual composes it for the terminal (modal dialogs included)."""
    return app.screen._compositor.render_strips()


def screen_lines(app: App) -> list[str]:
    return ["".join(segment.text for segment in strip) for strip in screen_strips(app)]


def screen_text(app: App) -> str:
    return "\n".join(screen_lines(app))


def terminal_output(app: App) -> bytes:
    """The bytes the app would write to the terminal for a full redraw of the current screen."""
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        legacy_windows=False,
        safe_box=False,
    )
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    return update.render_segments(console).encode("utf-8")


def assert_screen_safe(app: App) -> None:
    """Nothing forbidden is drawn, no payload escape reaches the terminal, no payload became an action or link."""
    for number, line in enumerate(screen_lines(app)):
        found = SCREEN_FORBIDDEN.findall(line)
        assert not found, f"screen line {number} draws {[hex(ord(c)) for c in found]}: {line!r}"
    output = terminal_output(app)
    for what, pattern in TERMINAL_FORBIDDEN.items():
        match = pattern.search(output)
        assert match is None, f"{what} reaches the terminal: {output[max(0, match.start() - 40) : match.end() + 40]!r}"
    for strip in screen_strips(app):
        for segment in strip:
            style = segment.style
            if style is None:
                continue
            if style.link:
                assert style.link.startswith(MEDIA_HOST) and EVIL_URL not in style.link, style.link
                assert not SCREEN_FORBIDDEN.search(style.link) and " " not in style.link, repr(style.link)
            click = (style.meta or {}).get("@click")
            assert not click or "quit" not in str(click) and "bell" not in str(click) and "dismiss" not in str(click), (
                f"payload action on screen: {click!r} on {segment.text!r}"
            )


def squash(text: str) -> str:
    """Text without any whitespace: wrapping and padding move spaces, never other characters."""
    return "".join(text.split())
