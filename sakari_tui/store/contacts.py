"""The cached contacts: their opt-out state (kept current by inbound STOP and START before the
next fetch) and the names their conversations show."""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING

from ..sms.keywords import is_opt_in_keyword, is_opt_out_keyword
from .db import store_damaged
from .raw import conversation_text, dump_json, json_fingerprint, load_json, packed_conversation

if TYPE_CHECKING:
    from ..api.models import Contact


class CachedContacts:
    """The contacts part of `InboxCache`."""

    db: sqlite3.Connection

    def merge_contact(self, contact: Contact) -> None:
        if not contact.id:
            return
        with self.db:
            self.db.execute(
                """INSERT INTO contacts (id, opted_out, raw) VALUES (?, ?, ?)
                   ON CONFLICT(id) DO UPDATE SET opted_out = excluded.opted_out, raw = excluded.raw""",
                (contact.id, int(contact.opted_out), dump_json(contact)),
            )

    def contact(self, contact_id: str) -> Contact | None:
        from ..api.models import Contact

        row = self.db.execute("SELECT raw FROM contacts WHERE id = ?", (contact_id,)).fetchone()
        return load_json(Contact, row["raw"], self.db) if row else None

    def is_opted_out(self, contact_id: str | None) -> bool:
        if not contact_id:
            return False
        row = self.db.execute("SELECT opted_out FROM contacts WHERE id = ?", (contact_id,)).fetchone()
        return bool(row and row[0])

    def _note_keyword(self, contact_id: str, text: str | None) -> bool:
        """Record an inbound STOP or START before we next fetch the contact; True when the state changed."""
        if is_opt_out_keyword(text):
            state = 1
        elif is_opt_in_keyword(text):
            cached = self.contact(contact_id)
            if cached is not None and cached.marked_opted_out:
                # Marked opted out in this app: that mark stands until someone removes the tag,
                # or the next fetch of the contact would flip it back (replies allowed meanwhile).
                return False
            state = 0
        else:
            return False
        before = self.is_opted_out(contact_id)
        self.db.execute(
            """INSERT INTO contacts (id, opted_out, raw) VALUES (?, ?, ?)
               ON CONFLICT(id) DO UPDATE SET opted_out = excluded.opted_out""",
            (contact_id, state, json.dumps({"id": contact_id})),
        )
        return before != bool(state)

    def update_contact_identity(self, contact: Contact) -> list[str]:
        """Put a contact's edited name and email into its cached conversations (list rows and
        headers read them from there); returns the ids of all the contact's conversations, whose
        rows may show differently now (a new name, or the contact's opt-out state).

        The fingerprint follows the new copy, so a later sync that brings the same change from the
        server finds nothing new, and one that brings something else still replaces it.
        """
        from ..api.models import Conversation

        if not contact.id:
            return []
        ids: list[str] = []
        names = {"firstName": contact.first_name, "lastName": contact.last_name, "email": contact.email}
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            rows = self.db.execute(
                "SELECT id, raw, contact_id, last_message_id, last_text FROM conversations WHERE contact_id = ?",
                (contact.id,),
            ).fetchall()
            for row in rows:
                before = conversation_text(row, self.db)
                try:
                    data = json.loads(before)
                except ValueError:  # see raw.load_json
                    raise store_damaged(getattr(self.db, "store_path", "(memory)")) from None
                embedded = [data.setdefault("contact", {"id": contact.id})]
                last = data.get("lastMessage")
                if (
                    isinstance(last, dict)
                    and isinstance(last.get("contact"), dict)
                    and last["contact"].get("id") == contact.id
                ):
                    embedded.append(last["contact"])
                for identity in embedded:
                    for key, value in names.items():
                        if value:
                            identity[key] = value
                        else:
                            identity.pop(key, None)
                conversation = Conversation.model_validate(data)
                raw = dump_json(conversation)
                ids.append(row["id"])
                if raw == before:
                    continue
                name = conversation.contact.display_name if conversation.contact else ""
                # Packed against the row's own columns, which this update leaves as they are.
                packed = packed_conversation(
                    raw, row["id"], row["contact_id"], row["last_message_id"], row["last_text"]
                )
                self.db.execute(
                    "UPDATE conversations SET contact_name = ?, raw = ?, fingerprint = ? WHERE id = ?",
                    (name, packed, json_fingerprint(raw), row["id"]),
                )
        return ids
