"""The changes the template manager makes at Sakari: writing a new template or editing one (Ctrl+S
saves it, Esc asks before throwing an edit away) and deleting one once confirmed. Each change
goes to Sakari in a worker, and the list follows once Sakari has answered."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from textual import work
from textual.widgets import Input, TextArea

from ...api import SakariError
from ...text import one_line, sanitize
from .confirm import ConfirmScreen

if TYPE_CHECKING:
    from ...api.models import Template
    from .templates import TemplateSource

# The screen's logger, so that these lines read as they did when the flow was part of it.
log = logging.getLogger(f"{__package__}.templates")

NAME_LIMIT = 200


def template_label(template: Template) -> str:
    return one_line(template.name, 60) or "(unnamed)"


class TemplateChanges:
    """Editing, saving and deleting, for `TemplatesScreen` (mixed into it): works on the screen's
    name and text fields, its list (`_fill`), its preview and its status line."""

    source: TemplateSource
    templates: list[Template]
    editing: bool
    edit_id: str | None
    edit_original: tuple[str, str]
    saving: bool
    deleting: bool

    # --- editing -----------------------------------------------------------------------------

    def _set_editing(self, editing: bool) -> None:
        self.editing = editing
        self.set_class(editing, "-editing")
        self.template_list.disabled = editing
        self.query_one("#tpl-filter", Input).disabled = editing
        self._render_hint()
        self.refresh_bindings()

    def _begin_edit(self, template: Template | None) -> None:
        self.edit_id = template.id if template else None
        name = one_line(template.name, NAME_LIMIT) if template else ""
        text = sanitize(template.template) if template else ""
        self.edit_original = (name, text)
        self.query_one("#tpl-name", Input).value = name
        area = self.query_one("#tpl-text", TextArea)
        area.load_text(text)
        area.move_cursor(area.document.end)
        self._set_editing(True)
        self._set_status("")
        self.refresh_preview()
        self.query_one("#tpl-name" if template is None else "#tpl-text").focus()

    def action_new(self) -> None:
        self._begin_edit(None)

    def action_edit(self) -> None:
        if self.editing:
            return
        template = self.highlighted_template()
        if template is None:
            self._set_status("No template selected: press n to write a new one.")
            return
        if not template.id:
            self._set_status("This template has no id, so it cannot be changed here.", error=True)
            return
        self._begin_edit(template)

    @property
    def dirty(self) -> bool:
        typed = (self.query_one("#tpl-name", Input).value, self.query_one("#tpl-text", TextArea).text)
        return self.editing and typed != self.edit_original

    def _end_edit(self, select_id: str | None = None) -> None:
        self._set_editing(False)
        self.template_list.focus()
        self._fill(select_id)

    def action_save(self) -> None:
        if not self.editing or self.saving:
            return
        name = self.query_one("#tpl-name", Input).value.strip()
        text = self.query_one("#tpl-text", TextArea).text
        if not name:
            self._set_status("Give the template a name.", error=True)
            self.query_one("#tpl-name").focus()
            return
        if not text.strip():
            self._set_status("Write the template's text: an empty template cannot be saved.", error=True)
            self.query_one("#tpl-text").focus()
            return
        self.saving = True
        self._set_status("Saving…")
        self._save(self.edit_id, name, text)

    @work(group="templates-save", exclusive=True, exit_on_error=False)
    async def _save(self, template_id: str | None, name: str, text: str) -> None:
        try:
            saved = await self.source.save_template(template_id, name, text)
        except SakariError as error:
            self._set_status(
                f"Not saved: {one_line(str(error), 240)} Your edit is kept; Ctrl+S tries again.", error=True
            )
            return
        except Exception as error:
            log.exception("saving template failed")
            self._set_status(
                f"Not saved ({type(error).__name__}); your edit is kept. Details in the log file.", error=True
            )
            return
        finally:
            self.saving = False
        if saved.id and any(t.id == saved.id for t in self.templates):
            self.templates = [saved if t.id == saved.id else t for t in self.templates]
        else:
            self.templates.append(saved)
        self._end_edit(saved.id)
        self._set_status(f"Saved “{template_label(saved)}”.")

    def _discard_answered(self, discard: bool | None) -> None:
        if discard:
            self._set_status("Changes discarded.")
            self._end_edit(self.edit_id)

    # --- deleting ----------------------------------------------------------------------------

    def action_delete(self) -> None:
        template = self.highlighted_template()
        if template is None or not template.id:
            self._set_status("No template selected to delete.")
            return
        self.app.push_screen(
            ConfirmScreen(f"Delete the template “{template_label(template)}”? This cannot be undone.", yes="Delete"),
            lambda yes: self._delete(template) if yes else None,
        )

    @work(group="templates-delete", exclusive=True, exit_on_error=False)
    async def _delete(self, template: Template) -> None:
        self._set_status(f"Deleting “{template_label(template)}”…")
        self.deleting = True
        try:
            await self.source.delete_template(template.id or "")
        except SakariError as error:
            self._set_status(f"Not deleted: {one_line(str(error), 240)}", error=True)
            return
        except Exception as error:
            log.exception("deleting template failed")
            self._set_status(f"Not deleted ({type(error).__name__}); details in the log file.", error=True)
            return
        finally:
            self.deleting = False
        self.templates = [t for t in self.templates if t.id != template.id]
        self._fill()
        self._set_status(f"Deleted “{template_label(template)}”.")
