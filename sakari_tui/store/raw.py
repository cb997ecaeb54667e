"""The API models as the cache keeps them: their JSON, a fingerprint of it, and reading it back.

The JSON is stored packed (store/packing.py); what is compared and read back is always its text,
so a row in the old plain format and one packed compare and read the same."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from typing import TYPE_CHECKING, TypeVar

from .db import store_damaged
from .packing import CONVERSATION_CONTEXT, PackingError, pack_json, row_context, unpack_json

if TYPE_CHECKING:  # the models (and pydantic) load with the first row read, not before the first frame
    from ..api.models import Actor, Contact, Conversation, Message


def json_fingerprint(raw: str) -> bytes:
    """12 bytes of hash: stored as a BLOB since migration 14 (it was 24 hex digits before)."""
    return hashlib.blake2b(raw.encode(), digest_size=12).digest()


def same_fingerprint(stored: object, fingerprint: bytes) -> bool:
    """A stored fingerprint, in either format, is `fingerprint`."""
    return stored == fingerprint or stored == fingerprint.hex()


def packed_conversation(
    raw: str, conversation_id: str, contact_id: str | None, last_id: str | None, last_text: str
) -> bytes:
    """A conversation's JSON as stored: packed against the columns of its row (packing.CONVERSATION_CONTEXT)."""
    return pack_json(raw, row_context(conversation_id, contact_id, last_id, last_text))


def conversation_text(row: sqlite3.Row, db: sqlite3.Connection) -> str:
    """The JSON text of a conversations row read with `raw` and packing.CONVERSATION_CONTEXT."""
    context = row_context(*(row[column] for column in CONVERSATION_CONTEXT))
    return _unpacked(row["raw"], db, context)


def message_text(raw: str | bytes, db: sqlite3.Connection) -> str:
    """The JSON text of a message's stored `raw`."""
    return _unpacked(raw, db, None)


def _unpacked(value: str | bytes, db: sqlite3.Connection, context: str | None) -> str:
    try:
        return unpack_json(value, context)
    except PackingError:
        raise store_damaged(getattr(db, "store_path", "(memory)")) from None


def dump_json(model: Conversation | Message | Contact | Actor) -> str:
    return _dumped(model.to_wire())


def _dumped(wire: object) -> str:
    return json.dumps(wire, sort_keys=True, ensure_ascii=False)


def dump_conversation(conversation: Conversation) -> tuple[str, str | None, str | None]:
    """`dump_json` of a conversation, of its last message and of that message's `created.by`
    (None for what it does not have), from one serialisation of the conversation.

    A nested model dumps as it does alone (`to_wire` has no per-model serialiser), so the
    parts of the conversation's wire form are the message's own; a merge writes all three.
    """
    wire = conversation.to_wire()
    last = wire.get("lastMessage") if conversation.last_message is not None else None
    by = last.get("created", {}).get("by") if last is not None else None
    return _dumped(wire), _dumped(last) if last is not None else None, _dumped(by) if by is not None else None


def created_by_json(message: Message | None) -> str | None:
    """A message's `created.by` as Sakari sent it (every field, known or not), for the columns
    that attribute messages (sms/authors.py); None when it has none."""
    by = message.created.by if message is not None and message.created is not None else None
    return dump_json(by) if by is not None else None


_Model = TypeVar("_Model", "Conversation", "Message", "Contact")


def load_json(model: type[_Model], raw: str | bytes, db: sqlite3.Connection) -> _Model:
    """A cached model from its raw JSON text (unpacked: `conversation_text`, `message_text`);
    StoreDamaged when that is not what we wrote.

    Only damage makes a row we wrote unreadable, and a ValidationError quotes the row's text (a
    contact's name and number) in its message: the one sentence of StoreDamaged never does.
    """
    from pydantic import ValidationError  # loaded already: `model` is one of pydantic's

    if isinstance(raw, bytes):  # a packed message (a conversation is unpacked with its row first)
        raw = message_text(raw, db)
    try:
        return model.model_validate_json(raw)
    except ValidationError:
        raise store_damaged(getattr(db, "store_path", "(memory)")) from None
