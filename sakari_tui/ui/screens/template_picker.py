"""Pick a template: type to filter by name or text, see it filled for this contact, Enter inserts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ...sms.templates import Rendered, render
from ...text import displayed_spans, for_display, one_line, sanitize
from ..widgets.inputs import SafeInput
from .dialog import Dialog

if TYPE_CHECKING:
    from ...api.models import Template


def rank_templates(templates: Iterable[Template], query: str) -> list[Template]:
    """The templates matching `query` (any case), best first: an exact name, then names that start
    with it, then names holding it, then texts holding it; in their given order within each rank.
    An empty query matches every template, in order."""
    needle = query.casefold().strip()
    if not needle:
        return list(templates)
    ranked: list[tuple[int, int, Template]] = []
    for position, template in enumerate(templates):
        name = (template.name or "").casefold().strip()
        if name == needle:
            rank = 0
        elif name.startswith(needle):
            rank = 1
        elif needle in name:
            rank = 2
        elif needle in (template.template or "").casefold():
            rank = 3
        else:
            continue
        ranked.append((rank, position, template))
    return [template for _, _, template in sorted(ranked, key=lambda entry: entry[:2])]


def preview_content(rendered: Rendered) -> Content:
    """The filled template as plain text, with unfilled placeholders highlighted."""
    text = sanitize(rendered.text)
    if len(text) != len(rendered.text):  # spans no longer line up after sanitising; show plainly
        return Content(for_display(text))
    content = Content(for_display(text))  # drawn in the form every terminal gives the same width
    for start, end in displayed_spans(text, rendered.missing_spans):
        content = content.stylize("bold black on yellow", start, end)
    return content


class TemplatePickerScreen(Dialog[str | None]):
    """Returns the filled-in template text, or None."""

    HELP = """
## Templates

Type to filter (names that match come first). The preview is filled from this contact.
**Enter** inserts the template into the reply, **Esc** cancels.
"""

    DEFAULT_CSS = """
    TemplatePickerScreen > .dialog {
        width: 90; max-width: 100%; height: 80%; padding: 0 1;
    }
    TemplatePickerScreen #template-list { height: 1fr; border: none; }
    TemplatePickerScreen #template-preview { height: auto; max-height: 10; border-top: solid $primary-muted; padding: 0 1; }
    TemplatePickerScreen #template-warning { color: $warning; height: auto; padding: 0 1; }
    TemplatePickerScreen #template-hint { height: 1; color: $text-muted; padding: 0 1; }
    /* 80×24: the whole height, and a shorter preview, so the list keeps most of it. */
    TemplatePickerScreen.-short > .dialog { height: 100%; }
    TemplatePickerScreen.-short #template-preview { max-height: 5; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="templates.cancel"),
        Binding("down", "move(1)", "Down", show=False, id="templates.down"),
        Binding("up", "move(-1)", "Up", show=False, id="templates.up"),
    ]

    def __init__(self, templates: list[Template], context: dict[str, str], contact_name: str) -> None:
        super().__init__()
        self.templates = templates
        self.context = context
        self.contact_name = contact_name
        self.shown: list[Template] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(
                Content.assemble(
                    Content.styled("Templates", "bold"), f" for {for_display(one_line(self.contact_name, 40))}"
                )
            )
            yield SafeInput(placeholder="Type to filter by name or text", id="template-filter")
            yield OptionList(id="template-list")
            yield Static(Content(""), id="template-preview")
            yield Static(Content(""), id="template-warning")
            yield Static(Content("↑↓ choose · Enter insert · Esc cancel"), id="template-hint")

    def on_mount(self) -> None:
        self._fill("")
        self.query_one("#template-filter", Input).focus()

    def _fill(self, query: str) -> None:
        self.shown = rank_templates(self.templates, query)
        options = self.query_one("#template-list", OptionList)
        options.clear_options()
        options.add_options(
            Option(
                Content.assemble(
                    Content.styled(for_display(one_line(t.name or "(unnamed)", 40)), "bold"),
                    "  ",
                    Content.styled(for_display(one_line(t.template, 200)), "dim"),
                )
            )
            for t in self.shown
        )
        if self.shown:
            options.highlighted = 0
            self._preview(0)  # no highlight event fires when the index was already 0
        else:
            self.query_one("#template-preview", Static).update(
                Content("No templates match." if self.templates else "This account has no templates yet.")
            )
            self._warn("")

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._preview(event.option_index)

    def _preview(self, index: int | None) -> None:
        if index is None or not (0 <= index < len(self.shown)):
            return
        rendered = render(self.shown[index].template or "", self.context)
        self.query_one("#template-preview", Static).update(preview_content(rendered))
        warning = ""
        if rendered.missing:
            names = one_line(", ".join(rendered.missing), 200)
            warning = f"Cannot fill {names} for this contact: it stays highlighted for you to edit before sending."
        self._warn(warning)

    def _warn(self, text: str) -> None:
        # Hidden when empty: on a short screen its blank row is one the list can use.
        warning = self.query_one("#template-warning", Static)
        warning.update(Content(text))
        warning.display = bool(text)

    def action_move(self, step: int) -> None:
        options = self.query_one("#template-list", OptionList)
        if self.shown:
            current = options.highlighted or 0
            options.highlighted = max(0, min(len(self.shown) - 1, current + step))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._choose(self.query_one("#template-list", OptionList).highlighted)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option_index)

    def _choose(self, index: int | None) -> None:
        if index is None or not (0 <= index < len(self.shown)):
            return
        self.dismiss(sanitize(render(self.shown[index].template or "", self.context).text))

    def action_cancel(self) -> None:
        self.dismiss(None)
