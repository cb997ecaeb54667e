"""`?`: the keys of this app, by area, the area that has the focus first; an overlay that scrolls,
so it fits 80×24 and never squeezes the thread."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Static

from .dialog import Dialog


@dataclass(frozen=True)
class HelpSection:
    title: str
    keys: tuple[tuple[str, str], ...]
    """(keys as the footer writes them, what they do)."""
    about: str = ""
    """A sentence or two on the area (the focused widget's HELP, for the first section)."""


def section_content(section: HelpSection, width: int = 14) -> Content:
    lines = [Content.styled(section.title, "bold $accent")]
    if section.about:
        lines.append(Content(section.about))
    for keys, does in section.keys:
        lines.append(Content.assemble(Content.styled(f"  {keys:<{width}}", "bold"), does))
    return Content("\n").join(lines)


class HelpScreen(Dialog[None]):
    DEFAULT_CSS = """
    HelpScreen > .dialog { width: 78; max-width: 100%; height: 100%; padding: 0 1; }
    HelpScreen #help-title { text-style: bold; height: 1; }
    HelpScreen #help-body { height: 1fr; }
    HelpScreen .help-section { height: auto; margin-bottom: 1; }
    HelpScreen #help-hint { color: $text-muted; height: 1; }
    """
    BINDINGS = [
        Binding("escape,question_mark", "close", "Close", id="help.close"),
        Binding("down,j", "scroll_down", "Down", show=False, id="help.down"),
        Binding("up,k", "scroll_up", "Up", show=False, id="help.up"),
    ]

    def __init__(self, sections: list[HelpSection]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content("Keys"), id="help-title")
            with VerticalScroll(id="help-body"):
                for section in self.sections:
                    yield Static(section_content(section), classes="help-section")
            yield Static(Content("↑↓ scroll · Esc or ? closes · Ctrl+P finds any command by name"), id="help-hint")

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_scroll_down(self) -> None:
        self.query_one("#help-body", VerticalScroll).scroll_down()

    def action_scroll_up(self) -> None:
        self.query_one("#help-body", VerticalScroll).scroll_up()
