"""Per-recipient rendering of message templates, Sakari style.

Sakari's samples use `{{ firstName }}`, `{{{firstName}}}` and `{{{contact.firstName}}}`. The
simulator renders all three the same way (SMS is plain text, so nothing is HTML-escaped) over the
context `{firstName, lastName, email, mobile, <custom attributes>, attributes: {...},
contact: {the same}}`. A variable with no value renders as the empty string, as Mustache does.
"""

from __future__ import annotations

import re

from .records import ContactRecord

_PLACEHOLDER = re.compile(r"\{\{\{\s*([\w.\-]+)\s*\}\}\}|\{\{\s*([\w.\-]+)\s*\}\}")


def template_context(contact: ContactRecord) -> dict:
    """The variables a template can use for `contact`."""
    core = {
        "id": contact.id,
        "firstName": contact.first_name or "",
        "lastName": contact.last_name or "",
        "email": contact.email or "",
        "mobile": contact.mobile,
    }
    flat = {**contact.attributes, **core, "attributes": dict(contact.attributes)}
    return {**flat, "contact": dict(flat)}


def _lookup(context: dict, path: str) -> str:
    value: object = context
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return ""
        value = value[part]
    if value is None or isinstance(value, dict):
        return ""
    return str(value)


def render(template: str, contact: ContactRecord) -> str:
    """`template` with every placeholder filled from `contact` (missing values become empty)."""
    context = template_context(contact)
    return _PLACEHOLDER.sub(lambda match: _lookup(context, match.group(1) or match.group(2)), template)
