"""Contacts as rows (camelCase keys, as the API names them), written as CSV or JSON.

JSON keeps every value exactly as Sakari sent it (a record, and `json.dumps` escapes what a
terminal would act on). CSV is for spreadsheets: every cell is sanitised and guarded against
formulas (see `cells`), so an export of hostile contact names is safe to open.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from typing import Any

from ..api.models import Contact
from .cells import csv_text, guarded
from .columns import EXPORT_COLUMNS, TAG_SEPARATOR, attribute_column

# json.dumps escapes C0 controls itself; these it would write raw with ensure_ascii=False: DEL and
# C1 (a terminal may act on them), bidi controls (text that reads as something else), and lone
# surrogates (which cannot even be encoded as UTF-8).
_ESCAPE_IN_JSON = re.compile(r"[\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def contact_row(contact: Contact) -> dict[str, Any]:
    """One contact as a row: the API's fields, then each custom attribute under a key of its own."""
    mobile = contact.mobile
    row: dict[str, Any] = {
        "id": contact.id,
        "firstName": contact.first_name,
        "lastName": contact.last_name,
        "mobile": mobile.number if mobile else None,
        "country": mobile.country if mobile else None,
        "email": contact.email,
        "tags": [tag.tag for tag in contact.tags or ()],
        "optedOut": contact.opted_out,
    }
    for name, value in (contact.attributes or {}).items():
        row[attribute_column(name)] = value
    return row


def contacts_rows(contacts: Iterable[Contact]) -> list[dict[str, Any]]:
    """Rows for `format_contacts_csv` / `format_contacts_json`, in the order given."""
    return [contact_row(contact) for contact in contacts]


def attribute_names(contacts: Iterable[Contact]) -> set[str]:
    """The custom attributes the contacts carry: the closest to "the account's attributes" the API
    offers (it has no call that lists them; one no contact uses yet is missing)."""
    return {name for contact in contacts for name in contact.attributes or {}}


def _columns(rows: list[dict[str, Any]]) -> list[str]:
    columns = dict.fromkeys(EXPORT_COLUMNS)
    for row in rows:
        columns.update(dict.fromkeys(row))
    return list(columns)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return guarded(TAG_SEPARATOR.join(csv_text(item) for item in value))
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return guarded(csv_text(str(value)))


def format_contacts_csv(rows: list[dict[str, Any]]) -> str:
    """The rows as CSV (a header, then one line per contact); safe to open in a spreadsheet.

    Tags share one cell, separated by ';'. An attribute missing from a contact is an empty cell.
    """
    columns = _columns(rows)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([guarded(csv_text(column)) for column in columns])
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in columns])
    return out.getvalue()


def format_contacts_json(rows: list[dict[str, Any]]) -> str:
    """The rows as a JSON array: every value as received (`json.loads` gives it back unchanged),
    and nothing in the text that a terminal printing it would act on."""
    text = json.dumps(rows, ensure_ascii=False, indent=2, default=str)
    return _ESCAPE_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", text) + "\n"
