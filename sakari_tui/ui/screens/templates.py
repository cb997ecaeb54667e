"""Manage the account's templates: list and filter, create, edit, delete, with a live preview
filled from a sample contact (unfilled placeholders highlighted).

This module is the screen (its layout, keys, the list and the preview); the changes it makes at
Sakari (editing, saving, deleting) are `template_changes.py`."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Input, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from ...api import SakariError
from ...sms.segments import segment_info
from ...sms.templates import contact_context, render
from ...text import one_line, sanitize
from ..format import segment_counter
from ..widgets.inputs import SafeInput, SafeTextArea
from .confirm import ConfirmScreen
from .dialog import Dialog
from .template_changes import TemplateChanges, template_label
from .template_picker import preview_content, rank_templates

if TYPE_CHECKING:
    from ...api.models import ContactIdentifiers, Template

log = logging.getLogger(__name__)

# What of a template's text fits on one line of the list (30 cells less border, padding, scrollbar).
SNIPPET = 24


class TemplateSource(Protocol):
    """Where templates come from and go to; `InboxEngine` is one."""

    async def templates(self) -> list[Template]: ...

    async def save_template(self, template_id: str | None, name: str, text: str) -> Template: ...

    async def delete_template(self, template_id: str) -> None: ...


class TemplatesScreen(TemplateChanges, Dialog[None]):
    """The template manager. `source` is the engine (or anything with its three template methods);
    `contacts` are sample contacts for the preview (e.g. those of the cached conversations, the
    open one first). Dismisses with None; saved changes are already at Sakari by then."""

    DEFAULT_CSS = """
    TemplatesScreen > #tpl-dialog {
        width: 100%; max-width: 120; height: 100%; max-height: 40;
        padding: 0 1;
    }
    TemplatesScreen #tpl-title { height: 1; }
    TemplatesScreen #tpl-body { height: 1fr; }
    TemplatesScreen #tpl-left { width: 30; height: 1fr; }
    TemplatesScreen #tpl-list { height: 1fr; border: round $primary-muted; scrollbar-size-vertical: 1; }
    TemplatesScreen #tpl-list:focus { border: round $accent; }
    TemplatesScreen #tpl-right { width: 1fr; height: 1fr; padding-left: 1; }
    TemplatesScreen #tpl-name, TemplatesScreen #tpl-text { display: none; }
    TemplatesScreen.-editing #tpl-name, TemplatesScreen.-editing #tpl-text { display: block; }
    TemplatesScreen #tpl-text { height: 1fr; min-height: 4; }
    TemplatesScreen #tpl-preview-title { height: 1; color: $text-muted; }
    TemplatesScreen #tpl-preview-scroll { height: 1fr; min-height: 3; border: round $primary-muted; padding: 0 1; }
    TemplatesScreen #tpl-preview { height: auto; }
    TemplatesScreen #tpl-counter { height: 1; color: $text-muted; }
    TemplatesScreen #tpl-warning { height: auto; color: $warning; }
    TemplatesScreen #tpl-status { height: auto; }
    TemplatesScreen #tpl-status.-error { color: $error; }
    TemplatesScreen #tpl-hint { height: 1; color: $text-muted; }
    """
    BINDINGS = [
        Binding("escape", "back", "Close", id="templates.close"),
        Binding("ctrl+s", "save", "Save", id="templates.save", priority=True),
        Binding("n", "new", "New", id="templates.new"),
        Binding("e", "edit", "Edit", id="templates.edit"),
        Binding("d", "delete", "Delete", id="templates.delete"),
        Binding("c,ctrl+right,ctrl+o", "cycle_contact(1)", "Next contact", id="templates.next_contact"),
        Binding("ctrl+left", "cycle_contact(-1)", "Previous contact", id="templates.previous_contact", show=False),
        Binding("slash", "filter", "Filter", id="templates.filter"),
        Binding("r", "reload", "Reload", id="templates.reload", show=False),
        Binding("down", "down", "Down", id="templates.down_to_list", show=False),
    ]

    def __init__(self, source: TemplateSource, contacts: Sequence[ContactIdentifiers] = ()) -> None:
        super().__init__()
        self.source = source
        self.contacts: list[ContactIdentifiers] = list(contacts)
        self.contact_index = 0
        self.templates: list[Template] = []
        self.shown: list[Template] = []
        self.loaded = False
        self.editing = False
        self.edit_id: str | None = None
        self.edit_original: tuple[str, str] = ("", "")
        self.saving = False
        self.deleting = False

    # --- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="tpl-dialog", classes="dialog"):
            yield Static(Content.styled("Templates", "bold"), id="tpl-title")
            with Horizontal(id="tpl-body"):
                with Vertical(id="tpl-left"):
                    yield SafeInput(placeholder="Filter (/)", id="tpl-filter")
                    yield OptionList(id="tpl-list")
                with Vertical(id="tpl-right"):
                    yield SafeInput(placeholder="Template name", id="tpl-name")
                    yield SafeTextArea(id="tpl-text", soft_wrap=True, tab_behavior="focus")
                    yield Static(Content(""), id="tpl-preview-title")
                    with VerticalScroll(id="tpl-preview-scroll"):
                        yield Static(Content(""), id="tpl-preview")
                    yield Static(Content(""), id="tpl-counter")
                    yield Static(Content(""), id="tpl-warning")
            yield Static(Content(""), id="tpl-status")
            yield Static(Content(""), id="tpl-hint")

    def on_mount(self) -> None:
        self.query_one("#tpl-list", OptionList).focus()
        self._render_hint()
        self._set_status("Loading templates…")
        self.refresh_preview()
        self.load()

    # --- loading and the list ----------------------------------------------------------------

    @work(group="templates-load", exclusive=True, exit_on_error=False)
    async def load(self) -> None:
        try:
            templates = await self.source.templates()
        except SakariError as error:
            self._set_status(
                f"Could not load the templates: {one_line(str(error), 240)} Press r to try again.", error=True
            )
            return
        except Exception as error:
            log.exception("loading templates failed")
            self._set_status(
                f"Could not load the templates ({type(error).__name__}); details in the log file.", error=True
            )
            return
        self.templates = templates
        self.loaded = True
        self._set_status("")
        self._fill()

    @property
    def template_list(self) -> OptionList:
        return self.query_one("#tpl-list", OptionList)

    def highlighted_template(self) -> Template | None:
        index = self.template_list.highlighted
        if index is None or not (0 <= index < len(self.shown)):
            return None
        return self.shown[index]

    def _fill(self, select_id: str | None = None) -> None:
        """Show the templates matching the filter, keeping (or moving to) a selection."""
        current = self.highlighted_template()
        keep = select_id or (current.id if current else None)
        query = self.query_one("#tpl-filter", Input).value
        needle = query.strip()
        self.shown = rank_templates(self.templates, query)  # ranked as the picker ranks them
        options = self.template_list
        options.clear_options()
        options.add_options(
            Option(
                Content.assemble(
                    Content.styled(template_label(t), "bold"),
                    "\n",
                    Content.styled(one_line(t.template, SNIPPET) or " ", "dim"),
                )
            )
            for t in self.shown
        )
        if self.shown:
            ids = [t.id for t in self.shown]
            options.highlighted = ids.index(keep) if keep in ids else 0
        count = f"{len(self.shown)} of {len(self.templates)}" if needle else str(len(self.templates))
        self.query_one("#tpl-title", Static).update(
            Content.assemble(Content.styled("Templates", "bold"), Content.styled(f"  {count}", "$foreground-muted"))
        )
        self.refresh_preview()

    @on(Input.Changed, "#tpl-filter")
    def _filter_changed(self) -> None:
        self._fill()

    @on(Input.Submitted, "#tpl-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.template_list.focus()

    @on(Input.Submitted, "#tpl-name")
    def _name_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#tpl-text", TextArea).focus()

    @on(OptionList.OptionHighlighted, "#tpl-list")
    def _highlighted(self) -> None:
        if not self.editing:
            self.refresh_preview()

    @on(OptionList.OptionSelected, "#tpl-list")
    def _selected(self) -> None:
        self.action_edit()

    @on(TextArea.Changed, "#tpl-text")
    def _text_changed(self) -> None:
        if self.editing:
            self.refresh_preview()

    # --- preview -----------------------------------------------------------------------------

    @property
    def sample_contact(self) -> ContactIdentifiers | None:
        return self.contacts[self.contact_index] if self.contacts else None

    def current_text(self) -> str | None:
        if self.editing:
            return self.query_one("#tpl-text", TextArea).text
        template = self.highlighted_template()
        return (template.template or "") if template else None

    def refresh_preview(self) -> None:
        """Fill the shown (or edited) template for the sample contact."""
        contact = self.sample_contact
        if contact is None:
            title = Content("Preview (no sample contact)")
        else:
            position = f"  {self.contact_index + 1}/{len(self.contacts)}" if len(self.contacts) > 1 else ""
            title = Content.assemble(
                "Preview for ", Content.styled(one_line(contact.display_name, 40), "bold"), position
            )
        self.query_one("#tpl-preview-title", Static).update(title)
        text = self.current_text()
        preview = self.query_one("#tpl-preview", Static)
        counter = self.query_one("#tpl-counter", Static)
        warning = self.query_one("#tpl-warning", Static)
        if text is None:
            empty = (
                "Loading…"
                if not self.loaded
                else ("No templates match." if self.templates else "No templates yet: press n to write one.")
            )
            preview.update(Content.styled(empty, "$foreground-muted"))
            counter.update(Content(""))
            warning.update(Content(""))
            return
        rendered = render(text, contact_context(contact))
        preview.update(preview_content(rendered))
        # Counted on what would be sent: the picker inserts the sanitised text (and the counter
        # names the characters that force UCS-2, which must not be raw controls).
        counter.update(Content(segment_counter(segment_info(sanitize(rendered.text)))))
        if rendered.missing:
            names = one_line(", ".join(rendered.missing), 120)
            who = one_line(contact.display_name, 40) if contact else "a contact"
            warning.update(Content(f"Not filled for {who}: {names} (highlighted)."))
        else:
            warning.update(Content(""))

    def action_cycle_contact(self, step: int) -> None:
        if len(self.contacts) < 2:
            self._set_status("No other sample contact: the preview uses the contacts of your conversations.")
            return
        self.contact_index = (self.contact_index + step) % len(self.contacts)
        self.refresh_preview()

    # --- which keys apply, and Esc ------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("new", "edit", "delete", "filter", "reload"):
            return not self.editing
        if action == "save":
            return self.editing
        return True

    def action_back(self) -> None:
        if self.saving or self.deleting:
            # Leaving now would cancel a request Sakari may already have carried out.
            self._set_status("Wait a moment: the change is on its way to Sakari.")
            return
        if self.editing:
            if self.dirty:
                self.app.push_screen(
                    ConfirmScreen("Discard your changes to this template?", yes="Discard", no="Keep editing"),
                    self._discard_answered,
                )
            else:
                self._end_edit(self.edit_id)
            return
        if self.focused is self.query_one("#tpl-filter"):
            self.template_list.focus()
            return
        self.dismiss(None)

    # --- small things ------------------------------------------------------------------------

    def action_filter(self) -> None:
        self.query_one("#tpl-filter", Input).focus()

    def action_down(self) -> None:
        focused = self.focused
        if focused is self.query_one("#tpl-filter"):
            self.template_list.focus()
        elif focused is self.query_one("#tpl-name"):
            self.query_one("#tpl-text").focus()

    def action_reload(self) -> None:
        self._set_status("Loading templates…")
        self.load()

    def _set_status(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#tpl-status", Static)
        status.update(Content(text))
        status.set_class(error, "-error")

    def _render_hint(self) -> None:
        if self.editing:
            hint = "Ctrl+S save · Ctrl+O next contact · Esc cancel"
        else:
            hint = "n new · e edit · d delete · c next contact · / filter · Esc close"
        self.query_one("#tpl-hint", Static).update(Content(hint))
