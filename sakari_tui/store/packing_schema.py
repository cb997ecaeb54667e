"""Migration 14: the cached JSON packed (store/packing.py), and the SQL that reads it either way.

The migration itself converts no row: a store of a million rows would keep the app from opening
for as long as that takes. It only makes every reader and trigger take both formats; rows are
packed as they are written, and the old ones by store/compaction.py, in small transactions
(the app in the background, `sakari-tui store compact` all at once), resumable from `compaction`.
"""

from __future__ import annotations

from .packing import conversation_json_sql, message_json_sql
from .search_schema import _contact_triggers


def stored_json_text(json_sql: str, raw: str, path: str) -> str:
    """SQL: a JSON field of a stored value (`raw`, read as text by `json_sql`) as text; '' when
    missing, and never an error for a plain row that is not JSON (as search_schema._json_text)."""
    return (
        f"COALESCE(CAST(json_extract(CASE WHEN typeof({raw}) = 'blob' THEN {json_sql}"
        f" WHEN json_valid({raw}) THEN {raw} END, '{path}') AS TEXT), '')"
    )


def _message_body(row: str) -> str:
    return stored_json_text(message_json_sql(row), f"{row}.raw", "$.message")


def _conversation_email(row: str) -> str:
    return stored_json_text(conversation_json_sql(row), f"{row}.raw", "$.contact.email")


def packing_migration() -> list[str]:
    """Migration 14: the search triggers that read `raw` read it in either format, and where the
    conversion of old rows has got to."""
    conversation_changed = (
        "old.id IS NOT new.id OR old.contact_name IS NOT new.contact_name OR old.contact_number IS NOT new.contact_number"
        f" OR {_conversation_email('old')} IS NOT {_conversation_email('new')}"
    )
    return [
        "DROP TRIGGER messages_search_ai",
        f"""CREATE TRIGGER messages_search_ai AFTER INSERT ON messages BEGIN
            INSERT INTO message_text (message_id, body) VALUES (new.id, {_message_body("new")});
        END""",
        "DROP TRIGGER messages_search_au",
        f"""CREATE TRIGGER messages_search_au AFTER UPDATE OF id, raw ON messages
            WHEN old.id IS NOT new.id OR {_message_body("old")} IS NOT {_message_body("new")}
        BEGIN
            UPDATE message_text SET message_id = new.id, body = {_message_body("new")}
            WHERE message_id = old.id;
        END""",
        "DROP TRIGGER conversations_search_ai",
        "DROP TRIGGER conversations_search_ad",
        "DROP TRIGGER conversations_search_au",
        *_contact_triggers("conversations", "conversation", conversation_changed, _conversation_email("new")),
        # How far store/compaction.py has packed each table's old rows (by rowid), and when it
        # found none left (done_at): the conversion resumes there after a restart or a kill.
        """CREATE TABLE compaction (
            table_name TEXT PRIMARY KEY,
            through INTEGER NOT NULL DEFAULT 0,
            done_at REAL
        )""",
    ]
