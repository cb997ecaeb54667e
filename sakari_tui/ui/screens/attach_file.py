"""Attach a file to the reply (a): a path typed with completion, checked as it is typed.

The box completes the path inline (→ or Tab takes the completion) and lists what the folder
holds; under it, the file's name, type and size, what to mind before sending it as MMS (a large
file, a recipient outside the US and Canada), or the one sentence that says why it cannot go.
Enter attaches; an emptied box removes the attachment the reply had. It answers with an
`AttachChoice`, or None (Esc).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.suggester import Suggester
from textual.widgets import Input, Static

from ...store.outbox_media import LocalFile, local_file
from ...text import one_line
from ..widgets.inputs import SafeInput
from .dialog import Dialog

LISTED = 8


@dataclass(frozen=True)
class AttachChoice:
    """The file chosen (None: remove the attachment the reply had)."""

    file: LocalFile | None


def _expand(value: str) -> Path:
    return Path(value).expanduser()


def folder_entries(value: str, limit: int = 200) -> tuple[Path, str, list[str]]:
    """The folder `value` points into, the name typed so far in it, and its entries starting with
    that name (folders first, with '/'; hidden ones only when the name starts with '.')."""
    typed = value or ""
    folder_part, _, prefix = typed.rpartition("/") if "/" in typed else ("", "", typed)
    folder = _expand(folder_part + "/") if "/" in typed else Path.cwd()
    names: list[str] = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if not entry.name.startswith(prefix) or (entry.name.startswith(".") and not prefix.startswith(".")):
                    continue
                try:
                    is_dir = entry.is_dir()
                except OSError:
                    is_dir = False
                names.append(entry.name + ("/" if is_dir else ""))
                if len(names) >= limit:
                    break
    except OSError:
        return folder, prefix, []
    names.sort(key=lambda name: (not name.endswith("/"), name.lower()))
    return folder, prefix, names


class PathSuggester(Suggester):
    """Completes a path to the first entry of its folder that starts with what is typed."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        if not value:
            return None
        _folder, prefix, names = folder_entries(value)
        return value + names[0][len(prefix) :] if names and names[0] != prefix else None


class AttachFileScreen(Dialog[AttachChoice | None]):
    DEFAULT_CSS = """
    AttachFileScreen > .dialog { width: 76; max-width: 100%; height: auto; max-height: 100%; padding: 1 2; }
    AttachFileScreen.-short > .dialog { padding: 0 1; }
    AttachFileScreen #attach-title { margin-bottom: 1; }
    AttachFileScreen.-short #attach-title { margin-bottom: 0; }
    AttachFileScreen #attach-listing { color: $text-muted; height: auto; max-height: 4; }
    AttachFileScreen #attach-file { height: auto; margin-top: 1; }
    AttachFileScreen.-short #attach-file { margin-top: 0; }
    AttachFileScreen #attach-file.-error { color: $error; }
    AttachFileScreen #attach-warning { color: $warning; height: auto; }
    AttachFileScreen #attach-hint { color: $text-muted; }
    """
    BINDINGS = [
        Binding("escape", "dismiss_none", "Cancel", id="attach.cancel"),
        Binding("tab", "complete", "Complete the path", show=False, id="attach.complete"),
    ]

    def __init__(
        self,
        recipient: str,
        *,
        start: str = "~/",
        current: LocalFile | None = None,
        warnings: Callable[[LocalFile], list[str]] = lambda _file: [],
    ) -> None:
        super().__init__()
        self.recipient = recipient
        self.start = str(current.path) if current is not None and current.path else start
        self.current = current
        self.warnings = warnings
        self.chosen: LocalFile | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content(f"Attach a file to the reply to {one_line(self.recipient, 60)}"), id="attach-title")
            yield SafeInput(
                self.start, placeholder="~/Pictures/parcel.png", suggester=PathSuggester(), id="attach-path"
            )
            yield Static("", id="attach-listing", markup=False)
            yield Static("", id="attach-file", markup=False)
            yield Static("", id="attach-warning", markup=False)
            removal = " · empty it and Enter removes the attachment" if self.current else ""
            yield Static(Content(f"Enter attaches · Tab completes · Esc cancels{removal}"), id="attach-hint")

    def on_mount(self) -> None:
        self.query_one("#attach-path", Input).focus()
        self._describe(self.start)

    @on(Input.Changed, "#attach-path")
    def _changed(self, event: Input.Changed) -> None:
        self._describe(event.value)

    def _describe(self, value: str) -> None:
        listing = self.query_one("#attach-listing", Static)
        shown = self.query_one("#attach-file", Static)
        warning = self.query_one("#attach-warning", Static)
        self.chosen = None
        warning.update("")
        shown.remove_class("-error")
        _folder, _prefix, names = folder_entries(value)
        more = f"  … {len(names) - LISTED} more" if len(names) > LISTED else ""
        listing.update("  ".join(one_line(name, 40) for name in names[:LISTED]) + more)
        if not value.strip():
            shown.update("Nothing chosen." + (" Enter removes the attachment." if self.current else ""))
            return
        path = _expand(value.strip())
        if path.is_dir() or value.endswith("/"):
            shown.update("Type or complete a file name in this folder.")
            return
        if not path.exists() and names:  # still typing: say what Tab gives, not that it is missing
            shown.update(f"Tab completes: {one_line(names[0], 60)}")
            return
        try:
            file = local_file(path)
        except ValueError as error:
            shown.add_class("-error")
            shown.update(str(error))
            return
        self.chosen = file
        size = f"{file.size / 1000:,.0f} KB" if file.size >= 1000 else f"{file.size} bytes"
        shown.update(f"📎 {file.name} · {file.content_type} · {size}")
        notes = self.warnings(file)
        warning.update("⚠ " + " ".join(notes) if notes else "")

    def action_complete(self) -> None:
        box = self.query_one("#attach-path", Input)
        suggestion = box._suggestion  # Textual keeps the inline completion here (pinned version)
        if suggestion and suggestion != box.value:
            box.value = suggestion
            box.cursor_position = len(suggestion)
        else:
            self.focus_next()

    @on(Input.Submitted, "#attach-path")
    def _submitted(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            if self.current is not None:
                self.dismiss(AttachChoice(None))
            return
        self._describe(event.value)
        if self.chosen is not None:
            self.dismiss(AttachChoice(self.chosen))

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
