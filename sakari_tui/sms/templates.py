"""Filling Sakari message templates with a contact's details.

Sakari templates use Handlebars-style placeholders in three forms: `{{ firstName }}`,
`{{{firstName}}}` and `{{contact.firstName}}`. Our own small renderer (rather than a Mustache
library) because the inbox must know which placeholders it could not fill, to highlight and
name them before sending; SMS is plain text, so nothing is HTML-escaped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..api.models import ContactIdentifiers


PLACEHOLDER = re.compile(r"\{\{\{\s*([\w.\-]+)\s*\}\}\}|\{\{\s*([\w.\-]+)\s*\}\}")


@dataclass(frozen=True)
class Rendered:
    text: str
    missing: tuple[str, ...]
    """Names of placeholders left unfilled, in order of appearance, without repeats."""
    missing_spans: tuple[tuple[int, int], ...]
    """Where each unfilled placeholder stands in `text` (start, end), for highlighting."""


def contact_context(contact: ContactIdentifiers | None) -> dict[str, str]:
    """The variables a contact provides: core fields plus its custom attributes."""
    if contact is None:
        return {}
    values: dict[str, Any] = {
        "firstName": contact.first_name,
        "lastName": contact.last_name,
        "email": contact.email,
        "mobile": contact.mobile.number if contact.mobile else None,
        "phone": contact.mobile.number if contact.mobile else None,
    }
    attributes = getattr(contact, "attributes", None) or {}
    for key, value in attributes.items():
        values.setdefault(str(key), value)
        values[f"attributes.{key}"] = value
    return {key: str(value) for key, value in values.items() if value not in (None, "")}


def _lookup(name: str, context: Mapping[str, str]) -> str | None:
    if name in context:
        return context[name]
    if name.startswith("contact."):
        return _lookup(name.removeprefix("contact."), context)
    return None


def render(template: str, context: Mapping[str, str]) -> Rendered:
    """Fill every placeholder the context knows; leave the others exactly as written."""
    pieces: list[str] = []
    missing: list[str] = []
    spans: list[tuple[int, int]] = []
    position = 0
    length = 0
    for match in PLACEHOLDER.finditer(template):
        literal = template[position : match.start()]
        pieces.append(literal)
        length += len(literal)
        name = match.group(1) or match.group(2)
        value = _lookup(name, context)
        if value is None:
            value = match.group(0)
            spans.append((length, length + len(value)))
            if name not in missing:
                missing.append(name)
        pieces.append(value)
        length += len(value)
        position = match.end()
    pieces.append(template[position:])
    return Rendered("".join(pieces), tuple(missing), tuple(spans))


def unfilled(text: str) -> tuple[str, ...]:
    """Placeholders still present in a text about to be sent."""
    names: list[str] = []
    for match in PLACEHOLDER.finditer(text):
        name = match.group(1) or match.group(2)
        if name not in names:
            names.append(name)
    return tuple(names)


def _as_sent(text: str) -> str:
    """A text as a gateway may store it: NFC, LF line ends, no trailing blanks on lines or at the ends."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


def sent_text_matches(template: str, body: str | None, context: Mapping[str, str] | None = None) -> bool:
    """Whether `body`, as Sakari holds a message, can be the text we sent as `template`.

    Sakari fills placeholders itself (`Hi {{firstName}}` arrives as `Hi Sipho`) and may normalise
    line ends and trailing blanks. A plain text must match exactly after that normalisation; a
    text with placeholders matches when it does filled from `context`, or when its literal parts
    match in order with anything in each placeholder's place (Sakari's copy of the contact may
    differ from ours, and an unknown variable may be left empty).
    """
    if body is None:
        return False
    sent = _as_sent(body)
    if not PLACEHOLDER.search(template):
        return sent == _as_sent(template)
    if context and sent == _as_sent(render(template, context).text):
        return True
    # The literal parts, normalised as the whole text is (NUL cannot occur in an SMS body).
    # Blanks beside a placeholder are left to it: an empty value next to them may be trimmed away.
    literals = _as_sent("\x00".join(PLACEHOLDER.split(template)[::3])).split("\x00")
    last = len(literals) - 1
    literals = [part.lstrip() if i else part for i, part in enumerate(literals)]
    literals = [part.rstrip() if i < last else part for i, part in enumerate(literals)]
    pattern = "(?s)" + ".*?".join(re.escape(part) for part in literals)
    return re.fullmatch(pattern, sent) is not None


def same_sent_text(sent: str, body: str | None, template: str | None, context: Mapping[str, str] | None) -> bool:
    """Whether a message Sakari holds (`body`, and `template` when the answer keeps it) is the text
    we sent as `sent`: Sakari keeps the text as sent in `template` on some answers; the rendered
    body is always there (see `sent_text_matches`)."""
    return (template is not None and template == sent) or sent_text_matches(sent, body, context)
