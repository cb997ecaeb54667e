"""The columns of a contacts file: the API's names, the spellings people use for them, and where
custom attributes go.

Sakari's CSV import names its columns `country, firstName, lastName, email, mobile` followed by
attribute names (the spec's sample header). An exported file adds `id`, `tags` and `optedOut`.
"""

from __future__ import annotations

MOBILE = "mobile"
COUNTRY = "country"
TAGS = "tags"
ID = "id"
OPTED_OUT = "optedOut"

EXPORT_COLUMNS = (ID, "firstName", "lastName", MOBILE, COUNTRY, "email", TAGS, OPTED_OUT)
"""The first columns of an export, in order; each custom attribute follows as a column of its own."""

UPLOAD_COLUMNS = (MOBILE, COUNTRY, "firstName", "lastName", "email", TAGS)
"""The API's columns an import may send, in the order they are sent (attributes follow)."""

READ_ONLY_COLUMNS = (ID, OPTED_OUT)
"""Columns an export writes that an import does not send: Sakari assigns ids, and opting out is the
contact's own act (the app's "opted-out" mark travels in `tags`)."""

TAG_SEPARATOR = ";"
"""Tags share one cell, split on this (a comma would fight the CSV's own separator)."""

ATTRIBUTE_PREFIX = "attributes."
"""Prefix of an attribute column whose name would otherwise read as one of the API's columns."""

_SPELLINGS: dict[str, str] = {
    # What spreadsheets and other tools call the same columns; compared case-insensitively.
    "firstname": "firstName",
    "first_name": "firstName",
    "first name": "firstName",
    "lastname": "lastName",
    "last_name": "lastName",
    "last name": "lastName",
    "surname": "lastName",
    "email": "email",
    "e-mail": "email",
    "email address": "email",
    "mobile": MOBILE,
    "mobile number": MOBILE,
    "phone": MOBILE,
    "phone number": MOBILE,
    "number": MOBILE,
    "country": COUNTRY,
    "tags": TAGS,
    "id": ID,
    "optedout": OPTED_OUT,
    "opted out": OPTED_OUT,
}


def api_column(header: str) -> str | None:
    """The API column a header cell means ('First Name' -> 'firstName'), or None for an attribute."""
    return _SPELLINGS.get(" ".join(header.split()).casefold())


def attribute_of(header: str) -> str:
    """The attribute a header cell names: itself, without the prefix an export may have added."""
    name = header.strip()
    return name[len(ATTRIBUTE_PREFIX) :] if name.startswith(ATTRIBUTE_PREFIX) else name


def attribute_column(name: str) -> str:
    """The column an attribute is exported under: its name, prefixed when it would read as an API
    column (an attribute called 'Email') or as a prefixed one."""
    if api_column(name) is not None or name.startswith(ATTRIBUTE_PREFIX):
        return ATTRIBUTE_PREFIX + name
    return name
