"""Contact writes that are safe when several people (or a CRM sync) edit the same contact.

Sakari's contact update is a PUT of the whole contact, with no version to check against. So a
write re-reads the contact right before the PUT and merges three ways (`merge_contact`): what the
user saw when they started (base), what they saved (mine) and what Sakari has now (theirs). After
the PUT it reads the contact again: whatever differs from what was sent was changed by someone
else in between (or dropped by the server), and is reported as lost. A change that lands between
our re-read and our PUT cannot be seen at all: the window is one round trip.

The opt-out mark (the `opted-out` tag and the `optedOutAt` attribute) is never dropped by an
edit, by anyone's: it records a request for no more texts, which only that contact can take back
(removing the tag in Sakari is the deliberate way to undo it, never a side effect of a save).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .. import api  # models by name, loaded at first use: not before the first frame
from ..api import SakariError
from ..store import Store
from ..text import one_line
from .events import ConversationsChanged, Event

if TYPE_CHECKING:
    from ..api import Contact, ContactRequest, SakariClient, Tag

log = logging.getLogger(__name__)

NAME_FIELDS = ("first_name", "last_name", "email")
_LABELS = {"first_name": "first name", "last_name": "last name", "email": "email", "tags": "tags"}
_ABSENT = object()


def field_label(name: str) -> str:
    """How a field is named in a sentence: "email", "first name", "attribute plan"."""
    if name.startswith("attributes."):
        return f"attribute {name.removeprefix('attributes.')}"
    return _LABELS.get(name, name)


def is_opt_out_tag(tag: Tag) -> bool:
    """The app's opt-out mark, in any case (as `Contact.marked_opted_out` reads it)."""
    return tag.tag.strip().casefold() == api.OPTED_OUT_TAG


# --- what the user asked for ------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactChanges:
    """The user's edit, relative to the contact they started from: None leaves a field as it is,
    "" clears it. `tags` is the whole list they want; `add_tags` adds to whatever is there;
    `attributes` sets these keys (added or changed)."""

    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    tags: Sequence[str] | None = None
    add_tags: Sequence[str] = ()
    attributes: Mapping[str, Any] | None = None

    def applied_to(self, base: Contact) -> Contact:
        """`base` with these changes made: the "mine" of a merge."""
        update: dict[str, Any] = {}
        for name in NAME_FIELDS:
            value = getattr(self, name)
            if value is not None:
                update[name] = value.strip()
        tags = list(base.tags or ())
        if self.tags is not None:
            known = {tag.tag: tag for tag in tags}
            tags = [known.get(name) or api.Tag(tag=name) for name in _clean_names(self.tags)]
        for name in _clean_names(self.add_tags):
            if not any(tag.tag.strip().casefold() == name.casefold() for tag in tags):
                tags.append(api.Tag(tag=name))
        update["tags"] = tags
        update["attributes"] = {**(base.attributes or {}), **(self.attributes or {})}
        return base.model_copy(update=update)


def _clean_names(names: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(name.strip() for name in names if name and name.strip()))


# --- the merge ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Conflict:
    """A field that both the user and someone else changed, to different values (the user's won).

    `field` is "first_name", "last_name", "email" or "attributes.<key>"; a value of None is an
    attribute that side removed."""

    field: str
    base: Any
    theirs: Any
    mine: Any


@dataclass(frozen=True)
class Merge:
    """What to PUT, and what the merge had to decide."""

    request: ContactRequest
    conflicts: tuple[Conflict, ...] = ()
    kept_opt_out: bool = False
    """The user removed the opt-out mark; it was kept."""


def _text(value: str | None) -> str:
    # Sakari stores a cleared field as absent: "" and None, and surrounding blanks, are the same.
    return (value or "").strip()


def merge_contact(base: Contact, mine: Contact, theirs: Contact) -> Merge:
    """The three-way merge: for each field, mine where the user changed it, else theirs."""
    conflicts: list[Conflict] = []
    fields: dict[str, str] = {}
    for name in NAME_FIELDS:
        was, wanted, now = _text(getattr(base, name)), _text(getattr(mine, name)), _text(getattr(theirs, name))
        fields[name] = wanted if wanted != was else now
        if wanted != was and now != was and now != wanted:
            conflicts.append(Conflict(name, base=was, theirs=now, mine=wanted))
    tags, kept_tag = _merge_tags(base.tags or [], mine.tags or [], theirs.tags or [])
    attributes, attribute_conflicts, kept_attribute = _merge_attributes(
        base.attributes or {}, mine.attributes or {}, theirs.attributes or {}
    )
    mobile = theirs.mobile or base.mobile
    request = api.ContactRequest(
        mobile=api.Mobile(number=mobile.number, country=mobile.country) if mobile else None,
        # "" (not None, which is left out of the body) so that a cleared field is cleared.
        **fields,
        attributes=attributes,
        tags=tags,
    )
    return Merge(request, tuple(conflicts + attribute_conflicts), kept_opt_out=kept_tag or kept_attribute)


def _merge_tags(base: list[Tag], mine: list[Tag], theirs: list[Tag]) -> tuple[list[Tag], bool]:
    base_names = {tag.tag for tag in base}
    mine_names = {tag.tag for tag in mine}
    removed = base_names - mine_names
    merged: dict[str, Tag] = {}
    for tag in theirs:
        if tag.tag not in removed or is_opt_out_tag(tag):
            merged.setdefault(tag.tag, tag)
    for tag in mine:
        if tag.tag in base_names or (is_opt_out_tag(tag) and any(map(is_opt_out_tag, merged.values()))):
            continue
        merged.setdefault(tag.tag, tag)
    result = list(merged.values())
    had_mark = next((tag for tag in (*theirs, *base) if is_opt_out_tag(tag)), None)
    if had_mark is not None and not any(is_opt_out_tag(tag) for tag in result):
        result.append(had_mark)  # someone else removed it meanwhile: it stays all the same
    kept = any(is_opt_out_tag(tag) for tag in base) and not any(is_opt_out_tag(tag) for tag in mine)
    return result, kept


def _merge_attributes(
    base: Mapping[str, Any], mine: Mapping[str, Any], theirs: Mapping[str, Any]
) -> tuple[dict[str, Any], list[Conflict], bool]:
    merged = dict(theirs)
    conflicts: list[Conflict] = []
    kept = False
    for key in dict.fromkeys([*base, *mine]):
        was, wanted, now = base.get(key, _ABSENT), mine.get(key, _ABSENT), theirs.get(key, _ABSENT)
        if wanted == was:
            continue
        if wanted is _ABSENT and key == api.OPTED_OUT_AT_ATTRIBUTE:
            kept = True
            continue
        if wanted is _ABSENT:
            merged.pop(key, None)
        else:
            merged[key] = wanted
        if now != was and now != wanted:
            conflicts.append(Conflict(f"attributes.{key}", base=_value(was), theirs=_value(now), mine=_value(wanted)))
    if api.OPTED_OUT_AT_ATTRIBUTE not in merged and api.OPTED_OUT_AT_ATTRIBUTE in base:
        merged[api.OPTED_OUT_AT_ATTRIBUTE] = base[api.OPTED_OUT_AT_ATTRIBUTE]
    return merged, conflicts, kept


def _value(value: Any) -> Any:
    return None if value is _ABSENT else value


# --- what went wrong after the PUT ------------------------------------------------------------------


@dataclass(frozen=True)
class LostChange:
    """A field we sent that reads differently right after the write: "email", "tags",
    "attributes.<key>"... `sent` and `now` are the values (tag names as tuples)."""

    field: str
    sent: Any
    now: Any


def lost_changes(sent: ContactRequest, now: Contact) -> tuple[LostChange, ...]:
    """What of `sent` the contact no longer has (tags compare as sets of names: order is the server's)."""
    lost = []
    for name in NAME_FIELDS:
        if _text(getattr(sent, name)) != _text(getattr(now, name)):
            lost.append(LostChange(name, _text(getattr(sent, name)), _text(getattr(now, name))))
    sent_tags = tuple(tag.tag for tag in sent.tags or ())
    now_tags = tuple(tag.tag for tag in now.tags or ())
    if set(sent_tags) != set(now_tags):
        lost.append(LostChange("tags", sent_tags, now_tags))
    # Only the keys we sent: an attribute someone added took nothing of ours.
    now_attributes = now.attributes or {}
    for key, value in (sent.attributes or {}).items():
        if now_attributes.get(key, _ABSENT) != value:
            lost.append(LostChange(f"attributes.{key}", value, _value(now_attributes.get(key, _ABSENT))))
    return tuple(lost)


# --- the write ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactWrite:
    """The outcome of a contact write."""

    contact: Contact
    """The contact as Sakari has it now (read again after the PUT)."""
    conflicts: tuple[Conflict, ...] = ()
    """Fields someone else changed too, where the user's value replaced theirs."""
    lost: tuple[LostChange, ...] = ()
    """Fields we sent that read differently right after: a change landed meanwhile."""
    changed_by: str | None = None
    """Who made the conflicting change, when Sakari names someone other than us."""
    kept_opt_out: bool = False
    """The edit removed the opt-out mark, and it was kept."""
    merge: Merge | None = field(default=None, repr=False, compare=False)


def actor_name(contact: Contact) -> str | None:
    """The first name (or name) of whoever last changed `contact`, as Sakari gives it."""
    actor = contact.updated.by if contact.updated else None
    if actor is None:
        return None
    return (actor.first_name or actor.name or "").strip() or None


def _actor_id(contact: Contact) -> tuple | None:
    actor = contact.updated.by if contact.updated else None
    return (actor.id, actor.first_name, actor.name) if actor else None


class ContactWriter:
    """Writes contacts through `client` and keeps the store (and the list rows) in step."""

    def __init__(self, client: SakariClient, store: Store, emit: Callable[[Event], None]) -> None:
        self.client = client
        self.store = store
        self.emit = emit

    async def write(self, contact_id: str, changes: ContactChanges, *, base: Contact | None = None) -> ContactWrite:
        """Re-read, merge `changes` (made against `base`, the contact as the user saw it; None:
        the contact as it is now), PUT, re-read. Raises `SakariError` when the read or the PUT
        fails; nothing is written then."""
        theirs = await self.client.fetch_contact(contact_id)
        base = base or theirs
        merge = merge_contact(base, changes.applied_to(base), theirs)
        answer = await self.client.update_contact(contact_id, merge.request)
        try:
            now = await self.client.fetch_contact(contact_id)
        except SakariError as error:
            # The write is done: a failed check is no reason to say it failed. The PUT's answer is
            # the best we know.
            log.warning("re-reading contact %s after writing it failed: %s", contact_id, error)
            now = answer
        if not now.id:
            now = now.model_copy(update={"id": contact_id})
        self._remember(now)
        return ContactWrite(
            contact=now,
            conflicts=merge.conflicts,
            lost=lost_changes(merge.request, now),
            changed_by=self._other_writer(theirs, answer) if merge.conflicts else None,
            kept_opt_out=merge.kept_opt_out,
            merge=merge,
        )

    @staticmethod
    def _other_writer(theirs: Contact, ours: Contact) -> str | None:
        # Sakari records our own write under our API identity: a change recorded under the same
        # one came from another program with our credentials, and naming it would name us.
        if _actor_id(theirs) is None or _actor_id(theirs) == _actor_id(ours):
            return None
        return actor_name(theirs)

    def _remember(self, contact: Contact) -> None:
        self.store.inbox.merge_contact(contact)
        # Every conversation of the contact, renamed or not: the opt-out mark shows in the rows too.
        conversations = self.store.inbox.update_contact_identity(contact)
        if conversations:
            self.emit(ConversationsChanged(tuple(conversations), ()))


# --- the sentence after saving ---------------------------------------------------------------------


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "empty"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return one_line(text, 40)


def _listed(labels: list[str]) -> str:
    labels = [f"the {label}" for label in labels]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


def saved_sentence(write: ContactWrite) -> str | None:
    """One plain sentence when a save replaced someone's change or lost one, else None.

    Contact values and names come from Sakari: they are sanitised and cut to one line here."""
    parts = []
    if write.conflicts:
        labels = [field_label(conflict.field) for conflict in write.conflicts]
        who = one_line(write.changed_by, 40) if write.changed_by else ""
        if who and len(write.conflicts) == 1:
            conflict = write.conflicts[0]
            values = f"{_shown(conflict.base)} → {_shown(conflict.theirs)}"
            parts.append(f"Saved; {who}'s change to {_listed(labels)} ({values}) was replaced by yours")
        elif who:
            parts.append(f"Saved; {who}'s changes to {_listed(labels)} were replaced by yours")
        else:
            kept = "yours was kept" if len(labels) == 1 else "yours were kept"
            parts.append(f"Saved; someone else changed {_listed(labels)} meanwhile: {kept}")
    if write.lost:
        labels = list(dict.fromkeys(field_label(lost.field) for lost in write.lost))
        again = f"{_listed(labels)} changed again on Sakari while saving: check the contact"
        parts.append(f"but {again}" if parts else f"Saved, but {again}")
    if not parts:
        return None
    return one_line(", ".join(parts) + ".", 400)
