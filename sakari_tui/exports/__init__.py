"""Exports of what the account holds, for records and scripts (the core of `thread show|export`).
No Textual, no rich, no CLI parsing here: commands call these and print what they return.

- `thread_fetch`: `fetch_whole_thread` reads every message of a conversation from the API
  (all pages, each message once, oldest first, `since` honoured), or raises
  `ThreadExportError` (one sentence) rather than return part of a thread.
- `thread`: `export_rows` (one dict per message, camelCase keys as the API's: `FIELDS`),
  `ThreadHeader` / `header_of` (the conversation an export is of).
- `thread_formats`: `format_text`, `format_csv`, `format_json`, `verify`, and `SHA256_NOTE`,
  what the JSON export's SHA-256 does and does not prove.
"""

from .thread import FIELDS, ExportedAttachment, ExportedMessage, ThreadHeader, export_rows, header_of
from .thread_fetch import MAX_PAGES, ThreadExportError, fetch_whole_thread
from .thread_formats import SHA256_NOTE, canonical_messages, format_csv, format_json, format_text, verify

__all__ = [
    "FIELDS",
    "MAX_PAGES",
    "SHA256_NOTE",
    "ExportedAttachment",
    "ExportedMessage",
    "ThreadExportError",
    "ThreadHeader",
    "canonical_messages",
    "export_rows",
    "fetch_whole_thread",
    "format_csv",
    "format_json",
    "format_text",
    "header_of",
    "verify",
]
