"""The screen shown when there are no credentials: how to add them, and how to try the demo."""

from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Center, VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Static


def no_config_text(path: Path, missing: list[str], problem: str | None = None) -> Content:
    lines = [
        Content.styled("sakari-tui needs your Sakari API credentials", "bold"),
        Content(""),
    ]
    if problem:
        lines += [Content.styled(problem, "bold $error"), Content("")]
    else:
        lines += [Content(f"Missing: {', '.join(missing)}"), Content("")]
    lines += [
        Content(f"Settings file: {path}"),
        Content(""),
        Content("Create it with:   sakari-tui config init"),
        Content("or write it yourself:"),
        Content(""),
        Content.styled(
            '  [sakari]\n  account_id = "..."\n  client_id = "..."\n  client_secret = "..."', "$text-accent"
        ),
        Content(""),
        Content("or set SAKARI_ACCOUNT_ID, SAKARI_CLIENT_ID and SAKARI_CLIENT_SECRET."),
        Content("Find them in the Sakari Hub: Settings › Account Settings › API."),
        Content(""),
        Content.assemble("To try sakari-tui with no account:   ", Content.styled("sakari-tui --demo", "bold")),
        Content(""),
        Content.styled("Press q to quit.", "dim"),
    ]
    return Content("\n").join(lines)


class NoConfigApp(App[None]):
    """A one-screen app: explains what is missing instead of a traceback."""

    TITLE = "sakari-tui"
    CSS = """
    Screen { align: center middle; }
    #explain { width: 80; max-width: 100%; height: auto; border: round $primary; padding: 1 2; }
    """
    BINDINGS = [Binding("q,escape", "quit", "Quit", id="app.quit")]

    def __init__(self, path: Path, missing: list[str], problem: str | None = None) -> None:
        super().__init__()
        self.path = path
        self.missing = missing
        self.problem = problem

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            with Center():
                yield Static(no_config_text(self.path, self.missing, self.problem), id="explain")
        yield Footer()
