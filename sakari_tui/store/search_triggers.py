"""Migration 15: the search triggers of migrations 6 and 14 with less work per row, the same
documents (a sync's first walk of 100,000 conversations runs them 200,000 times).

- A contact document's number suffixes work out the number's digits once, not once per suffix
  (`search_schema._contact_doc`'s `once`).
- An update that leaves a row's stored JSON as it was skips unpacking it twice to compare the
  indexed text: a merge rewrites a conversation's last message when only the conversation
  changed (its unread count, say), with the same bytes. A message is packed without context, so
  the same bytes are the same text; a conversation's JSON is packed against columns of its row
  (packing.CONVERSATION_CONTEXT), so there the same bytes count only with those columns the same.
"""

from __future__ import annotations

from .packing import CONVERSATION_CONTEXT
from .packing_schema import _conversation_email, _message_body
from .search_schema import CONTACT_TEXT_COLUMNS, _contact_doc, _contact_triggers


def _conversation_json_changed() -> str:
    return " OR ".join(f"old.{column} IS NOT new.{column}" for column in ("raw", *CONVERSATION_CONTEXT))


def search_triggers_migration() -> list[str]:
    """Migration 15: the triggers that build contact documents and compare messages' text, replaced."""
    conversation_changed = (
        "old.id IS NOT new.id OR old.contact_name IS NOT new.contact_name OR old.contact_number IS NOT new.contact_number"
        f" OR (({_conversation_json_changed()}) AND {_conversation_email('old')} IS NOT {_conversation_email('new')})"
    )
    contact_changed = "old.id IS NOT new.id OR old.raw IS NOT new.raw"
    return [
        "DROP TRIGGER messages_search_au",
        f"""CREATE TRIGGER messages_search_au AFTER UPDATE OF id, raw ON messages
            WHEN old.id IS NOT new.id OR (old.raw IS NOT new.raw AND {_message_body("old")} IS NOT {_message_body("new")})
        BEGIN
            UPDATE message_text SET message_id = new.id, body = {_message_body("new")}
            WHERE message_id = old.id;
        END""",
        *(
            f"DROP TRIGGER {table}_search_{event}"
            for table in ("conversations", "contacts")
            for event in ("ai", "ad", "au")
        ),
        *_contact_triggers(
            "conversations", "conversation", conversation_changed, _conversation_email("new"), once=True
        ),
        *_contact_triggers("contacts", "contact", contact_changed, once=True),
    ]


# --- migration 17: a sync's new rows bring their own documents --------------------------------
#
# The insert triggers built a new row's document from its stored JSON, which is packed: SQLite
# called back into Python (packing.sql_json) to unpack what the merge had packed a moment before,
# two calls a conversation, each taking the GIL from the event loop in the middle of the page's
# SQL (13-23 ms of a page's 40 in a first sync). A page merge knows the text already: it writes
# the documents of the rows it adds (MESSAGE_DOCUMENT, CONVERSATION_DOCUMENT) just before them,
# and the triggers add one only for a row that has none, so every other writer (a thread's
# messages, the outbox) still gets its documents from the triggers, as before.

MESSAGE_DOCUMENT = (
    "INSERT INTO message_text (message_id, body) VALUES (?, COALESCE(?, '')) ON CONFLICT(message_id) DO NOTHING"
)
"""A new message's document: (id, its text)."""

CONVERSATION_DOCUMENT = (
    f"INSERT INTO contact_text ({CONTACT_TEXT_COLUMNS}) "
    + _contact_doc(
        "conversation",
        "p",
        "FROM (SELECT :id AS id, :name AS contact_name, :number AS contact_number) p",
        "COALESCE(:email, '')",
        once=True,
    )
    # WHERE true: an INSERT … SELECT needs one before its ON CONFLICT (SQLite's parser).
    + " WHERE true ON CONFLICT(source, source_id) DO NOTHING"
)
"""A new conversation's contact document, from the columns its row gets: id, name (contact_name),
number (contact_number), and its contact's email; the same SQL as the trigger's (`_contact_doc`)."""


def merge_documents_migration() -> list[str]:
    """Migration 17: the insert triggers of messages and conversations skip a row whose document
    the merge wrote already."""
    triggers = _contact_triggers("conversations", "conversation", "", _conversation_email("new"), once=True)
    (conversation_ai,) = (sql for sql in triggers if sql.startswith("CREATE TRIGGER conversations_search_ai "))
    unguarded = "AFTER INSERT ON conversations BEGIN"
    assert unguarded in conversation_ai
    return [
        "DROP TRIGGER messages_search_ai",
        f"""CREATE TRIGGER messages_search_ai AFTER INSERT ON messages
            WHEN NOT EXISTS (SELECT 1 FROM message_text WHERE message_id = new.id)
        BEGIN
            INSERT INTO message_text (message_id, body) VALUES (new.id, {_message_body("new")});
        END""",
        "DROP TRIGGER conversations_search_ai",
        conversation_ai.replace(
            unguarded,
            "AFTER INSERT ON conversations"
            " WHEN NOT EXISTS (SELECT 1 FROM contact_text WHERE source = 'conversation' AND source_id = new.id)"
            " BEGIN",
        ),
    ]
