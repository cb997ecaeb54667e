"""The screen shown when the inbox cannot start from the settings: credentials missing, or a settings
problem (a malformed file, a bad environment variable), with what to do about it and how to try the demo."""

from __future__ import annotations

import shlex
from pathlib import Path

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Center, VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Static

from ...config import SETTINGS_FILE_PROBLEM, ConfigError


def _demo_and_quit() -> list[Content]:
    return [
        Content.assemble("To try sakari-tui with no account:   ", Content.styled("sakari-tui --demo", "bold")),
        Content(""),
        Content.styled("Press q to quit.", "dim"),
    ]


def _missing_text(path: Path, missing: list[str]) -> list[Content]:
    return [
        Content.styled("sakari-tui needs your Sakari API credentials", "bold"),
        Content(""),
        Content(f"Missing: {', '.join(missing)}"),
        Content(""),
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
    ]


def _problem_text(error: ConfigError) -> list[Content]:
    if error.file is not None:
        # `config init` refuses a malformed file too (it would lose the settings it cannot read), so
        # it is advised only for after the file has been moved aside.
        # In the file's folder: a full path twice would not fit the box on one line, to copy.
        folder = shlex.quote(str(error.file.parent))
        name = shlex.quote(error.file.name)
        aside = shlex.quote(f"{error.file.name}.broken")
        where = f"{error.file}, {error.key}" if error.key else str(error.file)
        return [
            Content.styled(f"{SETTINGS_FILE_PROBLEM}:", "bold"),
            Content(""),
            Content.styled(f"{where}: {error.detail}.", "bold $error"),
            Content(""),
            Content("Fix it in an editor, then start sakari-tui again (the README's Settings lists every key)."),
            Content(""),
            Content("Or start that file afresh: move it aside and write a new one:"),
            Content.styled(f"  cd {folder}\n  mv {name} {aside}\n  sakari-tui config init", "$text-accent"),
            Content(""),
        ]
    what = f"Fix or unset {error.variable}" if error.variable else "Fix it"
    return [
        Content.styled("sakari-tui cannot use its settings:", "bold"),
        Content(""),
        Content.styled(str(error), "bold $error"),
        Content(""),
        Content(f"{what}, then start sakari-tui again."),
        Content(""),
    ]


def no_config_text(path: Path, missing: list[str], error: ConfigError | None = None) -> Content:
    """What the screen says: the settings problem when there is one, else which credentials are missing."""
    lines = _problem_text(error) if error is not None else _missing_text(path, missing)
    return Content("\n").join(lines + _demo_and_quit())


class NoConfigApp(App[None]):
    """A one-screen app: explains what is missing or wrong instead of a traceback."""

    TITLE = "sakari-tui"
    CSS = """
    Screen { align: center middle; }
    #explain { width: 80; max-width: 100%; height: auto; border: round $primary; padding: 1 2; }
    """
    BINDINGS = [Binding("q,escape", "quit", "Quit", id="app.quit")]

    def __init__(self, path: Path, missing: list[str], error: ConfigError | None = None) -> None:
        super().__init__()
        self.path = path
        self.missing = missing
        self.error = error

    @property
    def problem(self) -> str | None:
        """The settings problem in one sentence (None when only credentials are missing)."""
        return self.error.headline if self.error is not None else None

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            with Center():
                yield Static(no_config_text(self.path, self.missing, self.error), id="explain")
        yield Footer()
