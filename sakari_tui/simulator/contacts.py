"""Contact rules: validation, create-or-merge by mobile number, updates, removal, filters, CSV import
(one contact per row; a refused row is an `errors` entry with the reason, the others still go).

A mobile number identifies a contact: creating a contact whose number already exists merges into
it, as `mergeStrategy` says (the spec names the strategies but not their meaning, so we define):

- `append` (the default): given names/email overwrite, given attributes are added or replace
  same-named ones, given tags are added;
- `core`: only the core fields (names, email, country) are taken; attributes and tags are kept;
- `remove`: the contact becomes exactly what was sent: attributes and tags not given are removed.
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from .errors import ApiError
from .phones import InvalidNumber, normalise
from .records import Actor, ContactRecord
from .serialize import contact_json
from .webhooks import queue_contact_event

if TYPE_CHECKING:
    from .state import SimulatorState

MERGE_STRATEGIES = ("append", "core", "remove")
_CORE_FIELDS = ("first_name", "last_name", "email")
_CSV_CORE_COLUMNS = {
    "firstname": "firstName",
    "first_name": "firstName",
    "first name": "firstName",
    "lastname": "lastName",
    "last_name": "lastName",
    "last name": "lastName",
    "email": "email",
    "mobile": "mobile",
    "phone": "mobile",
    "number": "mobile",
    "country": "country",
    "tags": "tags",
}


def _optional_str(body: dict, key: str) -> str | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ApiError(400, "REQ-001", f"'{key}' must be a string")
    return value.strip() or None


def parse_contact_fields(body: object) -> dict:
    """The fields of a `ContactRequest` body that were given, in record-attribute names."""
    if not isinstance(body, dict):
        raise ApiError(400, "REQ-001", "A contact must be a JSON object")
    fields: dict = {}
    for key, name in (("firstName", "first_name"), ("lastName", "last_name"), ("email", "email")):
        if key in body:
            fields[name] = _optional_str(body, key)
    if "mobile" in body:
        mobile = body["mobile"]
        if isinstance(mobile, str):
            mobile = {"number": mobile}
        if not isinstance(mobile, dict):
            raise ApiError(400, "REQ-001", "'mobile' must be an object {number, country}")
        fields["mobile"] = (mobile.get("number"), mobile.get("country"))
    if "attributes" in body:
        if not isinstance(body["attributes"], dict):
            raise ApiError(400, "REQ-001", "'attributes' must be an object")
        fields["attributes"] = dict(body["attributes"])
    if "tags" in body:
        fields["tags"] = _parse_tags(body["tags"])
    return fields


def _parse_tags(tags: object) -> list[dict]:
    if not isinstance(tags, list):
        raise ApiError(400, "REQ-001", "'tags' must be a list")
    parsed = []
    for tag in tags:
        if isinstance(tag, str):
            tag = {"tag": tag}
        if not isinstance(tag, dict) or not isinstance(tag.get("tag"), str):
            raise ApiError(400, "REQ-001", "each tag must be {tag, visible}")
        parsed.append({"tag": tag["tag"], "visible": bool(tag.get("visible", True))})
    return parsed


def normalise_mobile(state: SimulatorState, mobile: tuple[object, object] | None) -> tuple[str, str]:
    """(E.164, country) of a given mobile, or ApiError 400 CONT-001."""
    number, country = mobile if mobile else (None, None)
    if not isinstance(number, str) or not number.strip():
        raise ApiError(400, "CONT-001", "Mobile number is required")
    try:
        return normalise(number, country if isinstance(country, str) else None, state.config.default_country)
    except InvalidNumber as exc:
        raise ApiError(400, "CONT-001", f"Invalid mobile number: {exc}") from None


def _merge_tags(existing: list[dict], added: list[dict]) -> list[dict]:
    names = {tag["tag"] for tag in existing}
    return existing + [tag for tag in added if tag["tag"] not in names]


def _apply(contact: ContactRecord, fields: dict, strategy: str) -> None:
    for name in _CORE_FIELDS:
        if name in fields and (strategy == "remove" or fields[name] is not None):
            setattr(contact, name, fields[name])
    if strategy == "append":
        contact.attributes.update(fields.get("attributes", {}))
        contact.tags = _merge_tags(contact.tags, fields.get("tags", []))
    elif strategy == "remove":
        contact.attributes = dict(fields.get("attributes", {}))
        contact.tags = list(fields.get("tags", []))


def create_or_merge(
    state: SimulatorState, fields: dict, strategy: str | None, at: float, actor: Actor | None
) -> tuple[ContactRecord, bool]:
    """Create a contact, or merge into the one with the same mobile; returns (contact, created)."""
    mobile, country = normalise_mobile(state, fields.get("mobile"))
    existing = state.contact_by_mobile(mobile)
    if existing is not None:
        _apply(existing, fields, strategy or "append")
        existing.country = country or existing.country
        existing.updated_at, existing.updated_by = at, actor
        queue_contact_event(state, "contact-updated", existing, at)
        return existing, False
    contact = ContactRecord(
        id=state.ids.new(),
        mobile=mobile,
        country=country,
        created_at=at,
        updated_at=at,
        created_by=actor,
        updated_by=actor,
    )
    _apply(contact, fields, "remove")
    state.contacts[contact.id] = contact
    state.contact_ids_by_mobile[mobile] = contact.id
    queue_contact_event(state, "contact-created", contact, at)
    return contact, True


def update_contact(state: SimulatorState, contact: ContactRecord, fields: dict, at: float, actor: Actor | None) -> None:
    """PUT semantics: every given field replaces the stored one (attributes and tags wholesale)."""
    if "mobile" in fields:
        mobile, country = normalise_mobile(state, fields["mobile"])
        other = state.contact_by_mobile(mobile)
        if other is not None and other.id != contact.id:
            raise ApiError(409, "CONT-003", "Another contact already has this mobile number")
        state.contact_ids_by_mobile.pop(contact.mobile, None)
        contact.mobile, contact.country = mobile, country
        state.contact_ids_by_mobile[mobile] = contact.id
    for name in _CORE_FIELDS:
        if name in fields:
            setattr(contact, name, fields[name])
    if "attributes" in fields:
        contact.attributes = fields["attributes"]
    if "tags" in fields:
        contact.tags = fields["tags"]
    contact.updated_at, contact.updated_by = at, actor
    queue_contact_event(state, "contact-updated", contact, at)


def remove_contact(state: SimulatorState, contact: ContactRecord, at: float) -> None:
    """Remove a contact; its conversations keep the history (a soft delete)."""
    contact.removed = True
    contact.updated_at = at
    if state.contact_ids_by_mobile.get(contact.mobile) == contact.id:
        del state.contact_ids_by_mobile[contact.mobile]
    queue_contact_event(state, "contact-removed", contact, at)


def _contains(value: str | None, needle: str) -> bool:
    return needle.casefold() in (value or "").casefold()


def filter_contacts(state: SimulatorState, query: dict[str, str]) -> list[ContactRecord]:
    """Live contacts matching every given filter ("or part of"), newest first.

    `tags` is comma-separated and a contact must carry all of them; `mobile` matches digits.
    """
    first, last, email = query.get("firstName"), query.get("lastName"), query.get("email")
    mobile_digits = "".join(ch for ch in query.get("mobile", "") if ch.isdigit())
    wanted_tags = {tag.strip().casefold() for tag in query.get("tags", "").split(",") if tag.strip()}
    found = []
    for contact in state.contacts.values():
        if contact.removed:
            continue
        if first and not _contains(contact.first_name, first):
            continue
        if last and not _contains(contact.last_name, last):
            continue
        if email and not _contains(contact.email, email):
            continue
        if mobile_digits and mobile_digits not in contact.mobile:
            continue
        if wanted_tags and not wanted_tags <= {tag["tag"].casefold() for tag in contact.tags}:
            continue
        found.append(contact)
    return sorted(found, key=lambda contact: (contact.created_at, contact.id), reverse=True)


def import_csv(state: SimulatorState, text: str, strategy: str | None, at: float, actor: Actor | None) -> dict:
    """Create or merge one contact per CSV row; the `ContactUploadResponse.data` object."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if not reader.fieldnames:
        raise ApiError(400, "REQ-001", "The CSV upload has no header row")
    contacts, errors, inserted, updated = [], [], 0, 0
    for row in reader:
        body: dict = {"attributes": {}}
        mobile: dict = {}
        # DictReader files the values past the header's last column under None: a comma left
        # unquoted in a value. Refuse the row rather than import it with its columns shifted.
        extra: list[str] = row.pop(None, None) or []
        for column, value in row.items():
            if value is None or not value.strip():
                continue
            key = _CSV_CORE_COLUMNS.get(column.strip().casefold())
            if key == "mobile":
                mobile["number"] = value
            elif key == "country":
                mobile["country"] = value.strip()
            elif key == "tags":
                body["tags"] = [tag.strip() for tag in value.split(";") if tag.strip()]
            elif key:
                body[key] = value
            else:
                body["attributes"][column.strip()] = value.strip()
        body["mobile"] = mobile
        try:
            if any(value.strip() for value in extra):
                columns = len(reader.fieldnames)
                raise ApiError(
                    400, "REQ-001", f"The row has {columns + len(extra)} values but the header has {columns} columns"
                )
            contact, created = create_or_merge(state, parse_contact_fields(body), strategy, at, actor)
        except ApiError as exc:
            identifiers = {key: body[key] for key in ("firstName", "lastName", "email", "mobile") if key in body}
            errors.append({**identifiers, "error": {"code": exc.code, "description": exc.message}, "valid": False})
            continue
        inserted += created
        updated += not created
        contacts.append(contact_json(contact))
    return {
        "contacts": contacts,
        "errors": errors,
        "submitted": inserted + updated + len(errors),
        "inserted": inserted,
        "updated": updated,
        "success": inserted + updated,
    }
