"""How the cache keeps the API's JSON small on disk: deflate with a preset dictionary of the
API's own structure, behind a one-byte tag saying which format the value is in.

A cached message is ~600 bytes of JSON and a conversation ~1,250, most of it the same keys in
the same order in every row (`raw.dump_json` sorts them). Deflate alone cannot find those
repeats in a row of a few hundred bytes; primed with a dictionary of that structure it writes
each repeat as a short back-reference, and only the values are left. The text reads back
byte for byte: nothing the API sent is lost, and no field is normalised away.

A conversation's JSON also repeats columns of its own row (its ids and the last text, which the
list reads without the JSON): it is packed against those too, so each is kept once. Such a value
is read together with those columns (`CONVERSATION_CONTEXT`), so whatever writes one of them
writes the value packed anew with it (cache.py and contacts.py write them in one statement).
A trigger cannot check that: a value packed against its row may come out byte for byte the same
when only those columns changed (the JSON refers to them rather than repeating them).

A stored value is either TEXT (the plain JSON the store wrote before migration 14, still read
everywhere) or a BLOB: a tag byte, then the deflate stream for that tag's dictionary. SQL reads
either through `sakari_json(raw, …)`, registered on every store connection.
"""

from __future__ import annotations

import zlib

# --- frozen formats -----------------------------------------------------------------------
# A tag and its dictionary are FROZEN once shipped: every packed row on every user's disk was
# written with them and can only be read with exactly the same bytes. Never edit _DICTIONARY_1
# (not even a space). A better dictionary is a new tag with a new constant, read alongside;
# stores keep their old rows readable, and new writes use the newest tag.
TAG_DEFLATE_1 = 0x01
"""Deflate against _DICTIONARY_1 (messages)."""
TAG_DEFLATE_1_IN_ROW = 0x02
"""Deflate against _DICTIONARY_1 followed by the row's context (`row_context`): conversations,
whose JSON repeats their id, contact id, last message id and the last text, columns of their
own row (the listing reads them without the JSON). Read only together with those columns."""
_NEWEST, _NEWEST_IN_ROW = TAG_DEFLATE_1, TAG_DEFLATE_1_IN_ROW

# Built only from the structure of the API's JSON as `raw.dump_json` writes it (sorted keys,
# ", " and ": " separators): keys, nesting, and values the API itself defines (booleans, message
# statuses and types, the US country code). Never from any account's or the bench's own texts,
# names or numbers: those would fit one data set and no other. Deflate finds a match cheapest
# near the end of the dictionary, so the fragments every row has come last.
_DICTIONARY_1 = (
    b'"error": {"code": "", "description": "", "message": ""}, '
    b'"by": {"email": "", "firstName": "", "id": "", "lastName": "", "name": ""}}, '
    b'"closedAt": "20", "sendAt": "20", "verified": "20", "valid": true, "lineType": "mobile", '
    b'"media": [{"filename": "", "name": "", "type": "image/jpeg", "url": "https://"}], '
    b'"status": "undelivered", "status": "error", "status": "queued", "status": "sent", '
    b'"status": "received", "type": "MMS", "read": false, "outgoing": false, "price": 0.0, '
    b'"group": {"id": "", "name": ""}, "unread": [], "closed": false, "closed": true, '
    b'"phoneNumber": {"active": true, "country": "US", "group": {"id": "", "name": ""}, "id": "", '
    b'"number": "+1'
    b'"}, "unread": [], "updated": {"at": "20'
    b'{"closed": false, "contact": {"email": "", "firstName": "'
    b'", "lastMessage": {"contact": {"firstName": "'
    b'", "id": "'
    b'", "lastName": "'
    b'", "mobile": {"country": "US", "number": "+1'
    b'"}}, "conversation": {"id": "'
    b'"}, "created": {"at": "20'
    b'Z"}, "id": "'
    b'", "media": [], "message": "'
    b'", "outgoing": true, "phoneNumber": "+1'
    b'", "price": 0.0, "read": true, "segments": 1.0, "status": "delivered", "template": "'
    b'", "type": "SMS", "updated": {"at": "20'
)

_DICTIONARIES = {TAG_DEFLATE_1: _DICTIONARY_1, TAG_DEFLATE_1_IN_ROW: _DICTIONARY_1}
# Compression settings are not part of the format (an inflater reads any level and window), so
# they may change freely: these are the quickest for rows of a few hundred bytes (a small
# memLevel saves most of the time, allocating the compressor's state) at the smallest size.
_LEVEL, _WINDOW, _MEM_LEVEL = 9, -15, 4
_MAX_DICTIONARY = 32 * 1024  # deflate's window: only the last 32 KiB of a dictionary can be referred to


class PackingError(ValueError):
    """A stored value that is not in any format this version wrote (a damaged store)."""


def row_context(*parts: str | None) -> str:
    """The context a row's JSON is packed against: other columns of the same row (None as ''),
    one a line. Frozen with TAG_DEFLATE_1_IN_ROW, as CONVERSATION_CONTEXT's order is."""
    return "\n".join(part or "" for part in parts)


def _dictionary(tag: int, context: str | None) -> bytes:
    dictionary = _DICTIONARIES[tag]
    if tag == TAG_DEFLATE_1_IN_ROW:
        if context is None:
            raise PackingError("packed against its row, read without it")
        dictionary = (dictionary + context.encode())[-_MAX_DICTIONARY:]
    return dictionary


def pack_json(text: str, context: str | None = None) -> bytes:
    """`text` (JSON, as `raw.dump_json` writes it) in the newest packed format; with `context`
    (`row_context` of other columns of its row), packed against those too."""
    tag = _NEWEST if context is None else _NEWEST_IN_ROW
    packer = zlib.compressobj(
        _LEVEL, zlib.DEFLATED, _WINDOW, _MEM_LEVEL, zlib.Z_DEFAULT_STRATEGY, _dictionary(tag, context)
    )
    return bytes((tag,)) + packer.compress(text.encode()) + packer.flush()


def unpack_json(value: str | bytes, context: str | None = None) -> str:
    """The JSON text of a stored value: a plain TEXT value as it is (the format before migration
    14), a packed one unpacked (`context` as it was packed with). PackingError for an unknown tag,
    a missing context, or a stream that does not inflate."""
    if isinstance(value, str):
        return value
    if not value or value[0] not in _DICTIONARIES:
        raise PackingError("unknown format")
    unpacker = zlib.decompressobj(-15, _dictionary(value[0], context))
    try:
        data = unpacker.decompress(value[1:]) + unpacker.flush()
        if not unpacker.eof or unpacker.unused_data:
            raise PackingError("truncated or trailing data")
        return data.decode()
    except (zlib.error, UnicodeDecodeError):
        raise PackingError("does not unpack") from None


# --- in SQL --------------------------------------------------------------------------------

CONVERSATION_CONTEXT = ("id", "contact_id", "last_message_id", "last_text")
"""The columns a conversation's JSON is packed against, in this order (frozen with the tag).
An UPDATE that sets any of them must set `raw` too, packed against the new values."""


def sql_json(value: object, *context: str | None) -> str | None:
    """`sakari_json(raw [, context columns…])`, on every store connection: the JSON text of a
    stored value in either format (NULL for NULL). Raises PackingError on damage, which the
    connection reports as StoreDamaged (connection.classify_error)."""
    if value is None or isinstance(value, str):
        return value
    if not isinstance(value, bytes):
        raise PackingError("not a stored JSON value")
    return unpack_json(value, row_context(*context) if context else None)


def conversation_json_sql(row: str = "") -> str:
    """SQL: the JSON text of a conversation's `raw`; `row` is the table's name or alias ('' for none)."""
    prefix = f"{row}." if row else ""
    return f"sakari_json({', '.join(prefix + column for column in ('raw', *CONVERSATION_CONTEXT))})"


def message_json_sql(row: str = "") -> str:
    """SQL: the JSON text of a message's `raw` (messages are packed without context)."""
    return f"sakari_json({row + '.' if row else ''}raw)"
