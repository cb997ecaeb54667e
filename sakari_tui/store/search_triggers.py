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
from .search_schema import _contact_triggers


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
