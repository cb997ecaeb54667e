"""A thread's rows (`thread.export_rows`) as a transcript to read, a CSV for a spreadsheet, or a JSON record.

Text and CSV are for people and their programs, so every string from the API goes through the one
sanitiser (`text.sanitize`/`one_line`): no control characters, no escape sequences, bidi overrides
shown as a placeholder; attachment names are `media.attachments.safe_name`s. A CSV cell that a
spreadsheet would run as a formula gets a leading apostrophe. JSON keeps every string as received
(escaped as JSON needs; characters that a terminal or a reader would act on are written as \\u
escapes, so printing the document is safe and `json.loads` still gives back the exact text).

What the JSON export's `sha256` proves
--------------------------------------
It is the SHA-256 of the `messages` array as canonical JSON (`canonical_messages`): recomputing it
shows that the messages were not changed after the export, provided the hash was kept where whoever
holds the file cannot rewrite it too. It does not prove that Sakari sent or received the messages,
that the export is complete, or who made it or when: there is no signature, and everything beside
`messages` (the header, `exportedAt`, `since`) is outside the hash. `SHA256_NOTE` says this for the README.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone, tzinfo
from typing import Any

from ..api.errors import describe
from ..media.attachments import attachment_from_media
from ..text import one_line, sanitize
from .thread import FIELDS, ThreadHeader, iso_utc

SHA256_NOTE = """\
The `sha256` field of a JSON export is the SHA-256 of its `messages` array written as canonical
JSON: keys sorted, no spaces, UTF-8 (in Python, `json.dumps(messages, sort_keys=True,
separators=(",", ":"), ensure_ascii=False).encode("utf-8")`), so anyone can recompute it.
A matching hash shows the messages were not changed after the export was made, as long as the
hash was kept somewhere the file's holder cannot rewrite (an email, a ticket, a commit): whoever
edits the messages can write a new hash too. It does not prove that Sakari sent or received these
messages: the file records what the Sakari API returned to this machine. It does not prove the
export is complete: the API may leave messages out, and `--since` leaves older ones out on purpose.
It does not prove who made the export or when: there is no signature, and everything beside
`messages` (the conversation header, `exportedAt`, `since`, `messageCount`) is outside the hash.
"""

_INDENT = "    "
_KEYWORD_NOTES = {
    "STOP": "⚑ STOP keyword: the contact opted out",
    "START": "⚑ START keyword: the contact opted back in",
    "HELP": "⚑ HELP keyword: the contact asked for help",
}
_LINE_LIMIT = 500  # ids, numbers, states: one line each, a hostile one cut short


def _line(value: Any) -> str:
    return one_line(value, _LINE_LIMIT) if isinstance(value, str) else ""


def _when(value: Any, tz: tzinfo) -> str:
    """A row's ISO time as "2026-11-30 12:00:00 UTC" in `tz`."""
    if not isinstance(value, str):
        return "time unknown"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return _line(value) or "time unknown"
    return _moment(moment, tz)


def _moment(moment: datetime, tz: tzinfo) -> str:
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)
    return aware.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S %Z")


def _attachment(entry: Any) -> Any:
    """The cleaned `media.attachments.Attachment` of a row's attachment dict (None if it carries nothing)."""
    if not isinstance(entry, Mapping):
        return None
    return attachment_from_media({"url": entry.get("url"), "type": entry.get("type"), "filename": entry.get("name")})


# --- text ------------------------------------------------------------------------------------


def _heading(header: ThreadHeader, count: int, tz: tzinfo) -> str:
    name, number, sender = _line(header.contact_name), _line(header.contact_number), _line(header.sender_number)
    first = f"Conversation {_line(header.conversation_id)}"
    if name:
        first += f" with {name}" + (f" ({number})" if number else "")
    elif number:
        first += f" with {number}"
    if sender:
        first += f" on {sender}"
    second = f"Exported {_moment(header.exported_at, tz)} · {count:,} message{'' if count == 1 else 's'}"
    if header.since is not None:
        second += f" since {_moment(header.since, tz)}"
    return f"{first}\n{second}"


def _block(row: Mapping[str, Any], customer: str, tz: tzinfo) -> str:
    who = customer if row.get("direction") == "in" else _line(row.get("sentBy")) or "someone"
    parts = [_when(row.get("createdAt"), tz), who, _line(row.get("status")) or "status unknown"]
    code, description = _line(row.get("errorCode")), _line(row.get("errorDescription"))
    if code or description:
        words = description or describe(code) or ""
        parts.append(f"{code}: {words}" if code and words else code or words)
    kind = _line(row.get("type"))
    if kind and kind.upper() != "SMS":
        parts.append(kind)
    lines = [" · ".join(parts)]
    text = sanitize(row.get("text") if isinstance(row.get("text"), str) else "")
    if text:
        lines.extend(_INDENT + line for line in text.split("\n"))
    for entry in row.get("attachments") or ():
        attachment = _attachment(entry)
        if attachment is not None:
            lines.append(_INDENT + attachment.line())
    note = _KEYWORD_NOTES.get(row.get("keyword"))  # type: ignore[arg-type]
    if note:
        lines.append(_INDENT + note)
    return "\n".join(lines)


def format_text(rows: Sequence[Mapping[str, Any]], header: ThreadHeader, *, tz: tzinfo = timezone.utc) -> str:
    """A readable transcript: the conversation, then one block per message (time, who, state,
    error, text, attachment lines, keyword events), blocks apart by a blank line; times in `tz`."""
    customer = _line(header.contact_name) or "customer"
    blocks = [_heading(header, len(rows), tz), *(_block(row, customer, tz) for row in rows)]
    return "\n\n".join(blocks) + "\n"


# --- csv -------------------------------------------------------------------------------------

# What makes Excel, LibreOffice or Google Sheets read a cell as a formula (OWASP "CSV injection"),
# with the full-width forms some locales accept. A leading apostrophe makes the cell plain text.
_FORMULA_FIRST = ("=", "+", "-", "@", "＝", "＋", "－", "＠")
_FORMULA_LEADS = ("\t", "\r", "\n")


def _guarded(cell: str) -> str:
    if cell.startswith(_FORMULA_LEADS) or cell.lstrip().startswith(_FORMULA_FIRST):
        return "'" + cell
    return cell


def _attachment_cell(entries: Any) -> str:
    lines = []
    for entry in entries or ():
        attachment = _attachment(entry)
        if attachment is None:
            continue
        parts = [attachment.name]
        if attachment.content_type:
            parts.append(f"({attachment.content_type})")
        if attachment.url:
            parts.append(attachment.url)
        lines.append(" ".join(parts))
    return "\n".join(lines)


def _cell(key: str, value: Any) -> str:
    if key == "attachments":
        return _guarded(_attachment_cell(value))
    if value is None:
        return ""
    return _guarded(sanitize(value if isinstance(value, str) else str(value)))


def format_csv(rows: Sequence[Mapping[str, Any]]) -> str:
    """A header row of `FIELDS`, then one row per message; several attachments share their cell,
    one per line. Lines end with "\\n" (write it in text mode and the platform's ending follows)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(FIELDS)
    for row in rows:
        writer.writerow([_cell(key, row.get(key)) for key in FIELDS])
    return out.getvalue()


# --- json ------------------------------------------------------------------------------------

# Characters json.dumps writes raw with ensure_ascii=False that a terminal or a reader acts on:
# DEL and C1 controls (U+009B is CSI), line/paragraph separators, bidi embeddings and overrides.
_ESCAPE_IN_JSON = re.compile(r"[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def canonical_messages(messages: Any) -> bytes:
    """The bytes `sha256` is taken of: `messages` as JSON with sorted keys, no spaces, UTF-8."""
    return json.dumps(messages, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def messages_sha256(messages: Any) -> str:
    """The hex SHA-256 of `canonical_messages(messages)`."""
    return hashlib.sha256(canonical_messages(messages)).hexdigest()


def format_json(rows: Sequence[Mapping[str, Any]], header: ThreadHeader) -> str:
    """The export as one JSON object: the conversation, when, how many, the messages, their SHA-256."""
    messages = [dict(row) for row in rows]
    document = {
        "conversation": header.to_dict(),
        "exportedAt": iso_utc(header.exported_at),
        "since": iso_utc(header.since),
        "messageCount": len(messages),
        "messages": messages,
        "sha256": messages_sha256(messages),
    }
    text = json.dumps(document, ensure_ascii=False, indent=2)
    # Only strings can hold these characters (the rest of JSON is ASCII), and a \\u escape of any
    # character is valid JSON: the document reads back the same.
    return _ESCAPE_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", text) + "\n"


def verify(document: str | bytes | Mapping[str, Any]) -> bool:
    """Whether a JSON export's `sha256` matches its `messages` (and `messageCount` their number).

    False for anything that is not such an export. See `SHA256_NOTE` for what a match proves.
    """
    try:
        if isinstance(document, bytes):
            document = document.decode("utf-8")
        if isinstance(document, str):
            document = json.loads(document)
    except ValueError:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        return False
    if not isinstance(document, Mapping):
        return False
    messages, digest = document.get("messages"), document.get("sha256")
    if not isinstance(messages, list) or not isinstance(digest, str):
        return False
    count = document.get("messageCount", len(messages))
    if count != len(messages):
        return False
    try:
        return messages_sha256(messages) == digest
    except (TypeError, ValueError):  # not JSON values, or a lone surrogate that UTF-8 cannot hold
        return False
