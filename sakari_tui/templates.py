"""Filling Sakari message templates with a contact's details.

Sakari templates use Handlebars-style placeholders in three forms: `{{ firstName }}`,
`{{{firstName}}}` and `{{contact.firstName}}`. Our own small renderer (rather than a Mustache
library) because the inbox must know which placeholders it could not fill, to highlight and
name them before sending; SMS is plain text, so nothing is HTML-escaped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .api.models import ContactIdentifiers

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
