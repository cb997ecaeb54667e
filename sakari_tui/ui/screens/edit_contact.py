"""Edit a contact's name, email and tags in a small form (Ctrl+S saves, Esc cancels)."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Input, Label, Static

from ...api.contact_marks import OPTED_OUT_TAG
from ...api.errors import SakariError
from ...sync.contact_writes import ContactChanges
from ...text import one_line, sanitize
from ..widgets.inputs import SafeInput
from .confirm import ConfirmScreen
from .dialog import Dialog

if TYPE_CHECKING:
    from ...api.models import Contact, ContactIdentifiers

log = logging.getLogger(__name__)

# Loose on purpose: one @, something before it, and a dot with something on both sides after it.
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
FIELD_LIMIT = 200
KEEPS_OPT_OUT = (
    f"The tag '{OPTED_OUT_TAG}' stays: it records that they asked for no texts (remove it in Sakari if "
    "they asked to hear from you again); Ctrl+S saves your other changes."
)


def email_problem(email: str) -> str | None:
    """Why `email` is not an address (one sentence), or None when it is one or is empty."""
    email = email.strip()
    if not email or EMAIL.fullmatch(email):
        return None
    return f"{one_line(email, 60)!r} is not an email address: it needs one @ and a domain such as example.com."


def split_tags(text: str) -> tuple[str, ...]:
    """Comma-separated tags, trimmed, without empty ones or repeats."""
    return tuple(dict.fromkeys(tag.strip() for tag in text.split(",") if tag.strip()))


def _is_opt_out(name: str) -> bool:
    return name.strip().casefold() == OPTED_OUT_TAG


@dataclass(frozen=True)
class ContactEdit:
    """What the person changed; None leaves a field as it was, "" clears it. `base` is the
    contact as the dialog opened with it: the save merges against it, so that what someone else
    changed meanwhile is kept."""

    contact_id: str
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    tags: tuple[str, ...] | None = None
    base: Contact | None = field(default=None, compare=False, repr=False)

    @property
    def changed(self) -> bool:
        return any(value is not None for value in (self.first_name, self.last_name, self.email, self.tags))

    @property
    def changes(self) -> ContactChanges:
        """For `InboxEngine.write_contact` (with `base`)."""
        return ContactChanges(first_name=self.first_name, last_name=self.last_name, email=self.email, tags=self.tags)

    def as_kwargs(self) -> dict[str, Any]:
        """Keywords for `InboxEngine.update_contact`."""
        return {
            "first_name": self.first_name,
            "last_name": self.last_name,
            "email": self.email,
            "tags": self.tags,
            "base": self.base,
        }


def as_base(contact: Contact | ContactIdentifiers) -> Contact:
    """The contact a dialog opened with, as a `Contact` (a conversation's copy has no tags or
    attributes: the merge then keeps all of Sakari's and adds what was typed)."""
    from ...api.models import Contact  # loaded by now: `contact` is one of the models

    if isinstance(contact, Contact):
        return contact
    return Contact.model_validate(contact.model_dump())


def _shown(value: str | None) -> str:
    # Inputs draw their value raw: untrusted text is made safe, and single-line, first.
    return one_line(value, FIELD_LIMIT)


class EditContactScreen(Dialog[ContactEdit | None]):
    """Returns a `ContactEdit` (only the fields that changed are set), or None when cancelled.

    With `save` (e.g. ``lambda edit: engine.update_contact(edit.contact_id, **edit.as_kwargs())``)
    the screen saves before closing and shows a refusal inline, keeping the form as typed;
    without it, the caller saves the returned edit.
    """

    HELP = """
## Edit contact

Change the name, email and tags; **Ctrl+S** saves them at Sakari, **Esc** cancels (asking first
when something changed).
"""

    DEFAULT_CSS = """
    EditContactScreen > .dialog {
        width: 64; max-width: 100%; height: auto; max-height: 100%;
        padding: 0 1;
    }
    EditContactScreen .field-row { height: 3; }
    EditContactScreen .field-row > Label { width: 12; padding-top: 1; }
    EditContactScreen .field-row > Input { width: 1fr; }
    EditContactScreen #contact-title { margin-bottom: 1; }
    EditContactScreen #contact-error { color: $error; height: auto; }
    EditContactScreen #contact-buttons { height: auto; align-horizontal: right; }
    EditContactScreen #contact-buttons Button { margin-left: 1; }
    EditContactScreen.-short #contact-title { margin-bottom: 0; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="contact.cancel"),
        Binding("ctrl+s", "submit", "Save", id="contact.save", priority=True),
    ]

    FIELDS = ("#contact-first", "#contact-last", "#contact-email", "#contact-tags")

    def __init__(
        self,
        contact: Contact | ContactIdentifiers,
        *,
        save: Callable[[ContactEdit], Awaitable[object]] | None = None,
    ) -> None:
        super().__init__()
        self.contact = contact
        self.save = save
        self.saving = False
        tags = getattr(contact, "tags", None) or []
        # The field shows tags made safe; typed back, each maps to the tag it shows.
        self.tag_names = {_shown(tag.tag): tag.tag for tag in tags}
        self.initial = {
            "#contact-first": _shown(contact.first_name),
            "#contact-last": _shown(contact.last_name),
            "#contact-email": _shown(contact.email),
            "#contact-tags": ", ".join(_shown(tag.tag) for tag in tags),
        }

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Static(
                Content.assemble(
                    Content.styled("Edit contact", "bold"),
                    "  ",
                    Content.styled(one_line(self.contact.display_name, 40), "$foreground-muted"),
                ),
                id="contact-title",
            )
            for label, selector, placeholder in (
                ("First name", "#contact-first", ""),
                ("Last name", "#contact-last", ""),
                ("Email", "#contact-email", "name@example.com (optional)"),
                ("Tags", "#contact-tags", "vip, wholesale (commas between)"),
            ):
                with Horizontal(classes="field-row"):
                    yield Label(Content(label))
                    yield SafeInput(self.initial[selector], placeholder=placeholder, id=selector[1:])
            with Vertical(classes="dialog-footer"):
                yield Static(Content(""), id="contact-error")
                with Horizontal(id="contact-buttons"):
                    yield Button("Cancel", id="contact-cancel")
                    yield Button("Save  ^s", id="contact-save", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#contact-first", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "contact-tags":
            self.action_submit()
        else:
            self.focus_next(Input)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "contact-save":
            self.action_submit()
        else:
            self.action_cancel()

    def _value(self, selector: str) -> str:
        return self.query_one(selector, Input).value

    def _error(self, text: str, focus: str | None = None) -> None:
        self.query_one("#contact-error", Static).update(Content(text))
        if focus:
            self.query_one(focus).focus()

    def build_edit(self) -> ContactEdit | None:
        """The edit as typed, or None (with the reason shown) when it cannot be saved."""
        email = self._value("#contact-email").strip()
        problem = email_problem(email)
        if problem:
            self._error(problem, "#contact-email")
            return None

        def changed(selector: str) -> str | None:
            value = self._value(selector)
            return None if value == self.initial[selector] else value.strip()

        tags_text = self._value("#contact-tags")
        tags = None
        if split_tags(tags_text) != split_tags(self.initial["#contact-tags"]):
            tags = tuple(self.tag_names.get(name, name) for name in split_tags(tags_text))
            if self._drops_opt_out(tags):
                return None
        return ContactEdit(
            self.contact.id or "",
            first_name=changed("#contact-first"),
            last_name=changed("#contact-last"),
            email=changed("#contact-email"),
            tags=tags,
            base=as_base(self.contact),
        )

    def _drops_opt_out(self, tags: tuple[str, ...]) -> bool:
        """When the typed tags leave out the opt-out mark the contact had: put it back, say why,
        and let the next Ctrl+S save the rest (the save would keep it anyway)."""
        marks = [real for real in self.tag_names.values() if _is_opt_out(real)]
        if not marks or any(_is_opt_out(name) for name in tags):
            return False
        box = self.query_one("#contact-tags", Input)
        box.value = ", ".join([*split_tags(box.value), _shown(marks[0])])
        self._error(KEEPS_OPT_OUT, "#contact-tags")
        return True

    def action_submit(self) -> None:
        if self.saving:
            return
        edit = self.build_edit()
        if edit is None:
            return
        if not edit.changed:
            self.dismiss(None)
            return
        if self.save is None:
            self.dismiss(edit)
            return
        self._error("Saving…")
        self.saving = True
        self._save(edit)

    @work(group="contact-edit", exclusive=True, exit_on_error=False)
    async def _save(self, edit: ContactEdit) -> None:
        assert self.save is not None
        try:
            await self.save(edit)
        except SakariError as error:
            self._error(f"Not saved: {one_line(str(error), 240)}")
            return
        except Exception as error:  # anything else: one sentence here, the details in the log
            log.exception("saving contact %s failed", edit.contact_id)
            self._error(f"Not saved: {one_line(sanitize(type(error).__name__), 60)} (details in the log file).")
            return
        finally:
            self.saving = False
        self.dismiss(edit)

    def typed(self) -> bool:
        """True when a field differs from what the contact had (Esc then asks before discarding)."""
        return any(self._value(selector) != initial for selector, initial in self.initial.items())

    def action_cancel(self) -> None:
        if self.saving:
            # Leaving now would cancel a request Sakari may already have carried out.
            self._error("Wait a moment: the change is on its way to Sakari.")
            return
        if not self.typed():
            self.dismiss(None)
            return
        self.app.push_screen(
            ConfirmScreen("Discard your changes to this contact?", yes="Discard", no="Keep editing"),
            lambda discard: self.dismiss(None) if discard else None,
        )
