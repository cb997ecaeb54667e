"""The API models as the cache keeps them: their JSON, a fingerprint of it, and reading it back."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from typing import TypeVar

from pydantic import ValidationError

from ..api.models import Contact, Conversation, Message
from .db import store_damaged


def json_fingerprint(raw: str) -> str:
    return hashlib.blake2b(raw.encode(), digest_size=12).hexdigest()


def dump_json(model: Conversation | Message | Contact) -> str:
    return json.dumps(model.to_wire(), sort_keys=True, ensure_ascii=False)


def created_by_json(message: Message | None) -> str | None:
    """A message's `created.by` as Sakari sent it (every field, known or not), for the columns
    that attribute messages (sms/authors.py); None when it has none."""
    by = message.created.by if message is not None and message.created is not None else None
    return json.dumps(by.to_wire(), sort_keys=True, ensure_ascii=False) if by is not None else None


_Model = TypeVar("_Model", Conversation, Message, Contact)


def load_json(model: type[_Model], raw: str | bytes, db: sqlite3.Connection) -> _Model:
    """A cached model from its raw JSON; StoreDamaged when that is not what we wrote.

    Only damage makes a row we wrote unreadable, and a ValidationError quotes the row's text (a
    contact's name and number) in its message: the one sentence of StoreDamaged never does.
    """
    try:
        return model.model_validate_json(raw)
    except ValidationError:
        raise store_damaged(getattr(db, "store_path", "(memory)")) from None
