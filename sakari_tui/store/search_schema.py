"""The schema of the search indexes (migration 6): FTS5 tables over cached messages and contacts,
and the triggers that keep them exact. Kept apart from db.py: it is most of the schema's text."""

from __future__ import annotations

from collections.abc import Callable

SEARCH_TOKENIZER = "unicode61 remove_diacritics 2"
# A phone number is at most 15 digits (E.164).
_MAX_DIGITS = 15


def _json_text(raw: str, path: str) -> str:
    """SQL: a JSON field of `raw` as text; '' when missing, and never an error for a row that is not JSON."""
    return f"COALESCE(CASE WHEN json_valid({raw}) THEN CAST(json_extract({raw}, '{path}') AS TEXT) END, '')"


def _digits(number: str) -> str:
    """SQL: a phone number without its punctuation (E.164 numbers carry only the '+')."""
    expression = f"COALESCE({number}, '')"
    for mark in "+ -().":
        expression = f"replace({expression}, '{mark}', '')"
    return expression


def _suffixes(digits: str) -> str:
    """SQL: every suffix of `digits`, space-separated: '15551230001 5551230001 … 1'.

    A prefix query on these tokens is a substring search on the number, so the last four digits
    or the national number without its country code find the contact.
    """
    return "trim(" + " || ' ' || ".join(f"substr({digits}, {i})" for i in range(1, _MAX_DIGITS + 1)) + ")"


def _contact_doc(
    source: str, row: str, from_clause: str = "", conversation_email: str | None = None, *, once: bool = False
) -> str:
    """SQL: a SELECT of the contact_text columns for a conversation's or a contact's `row`;
    `conversation_email` the SQL of a conversation's email (migration 14's reads packed rows).

    `once` (migration 15): the inner SELECT is DISTINCT, which SQLite does not flatten into the
    outer one; flattened, the digits' expression is copied into each of the 15 suffixes and
    worked out 15 times. The documents are the same either way."""
    if source == "conversation":
        name, email, number = (
            f"{row}.contact_name",
            conversation_email or _json_text(f"{row}.raw", "$.contact.email"),
            f"{row}.contact_number",
        )
    else:
        first, last = _json_text(f"{row}.raw", "$.firstName"), _json_text(f"{row}.raw", "$.lastName")
        name, email, number = (
            f"trim({first} || ' ' || {last})",
            _json_text(f"{row}.raw", "$.email"),
            _json_text(f"{row}.raw", "$.mobile.number"),
        )
    return (
        f"SELECT '{source}', id, name, email, number, {_suffixes('d')} FROM ("
        f"SELECT {'DISTINCT ' if once else ''}{row}.id AS id, COALESCE({name}, '') AS name, {email} AS email, COALESCE({number}, '') AS number,"
        f" {_digits(number)} AS d {from_clause})"
    )


CONTACT_TEXT_COLUMNS = "source, source_id, name, email, number, digits"


FTS_INDEXES = (
    ("message_text", "message_fts", ("body",)),
    ("contact_text", "contact_fts", ("name", "email", "digits")),
)
"""Migration 6's search indexes: (content table, its external-content FTS5 table, the indexed
columns); a document's FTS rowid is its content row's `docid`."""


def _fts_sync_triggers(
    content: str, fts: str, key: str, columns: tuple[str, ...], *, unless: Callable[[str], str] | None = None
) -> list[str]:
    """The triggers that keep an external-content FTS5 table exactly in step with its content table.
    `unless(row)`: SQL under which that row ("new" or "old") is not in the index, so it is neither
    added nor deleted (search_backlog.py)."""
    names = ", ".join(columns)

    def row_of(row: str, *first: str) -> str:
        listed = ", ".join((*first, *(f"{row}.{c}" for c in (key, *columns))))
        return f"VALUES ({listed})" if unless is None else f"SELECT {listed} WHERE NOT {unless(row)}"

    delete_command = "'delete'"
    delete = f"INSERT INTO {fts} ({fts}, rowid, {names}) {row_of('old', delete_command)};"
    insert = f"INSERT INTO {fts} (rowid, {names}) {row_of('new')};"
    return [
        f"CREATE TRIGGER {content}_ai AFTER INSERT ON {content} BEGIN {insert} END",
        f"CREATE TRIGGER {content}_ad AFTER DELETE ON {content} BEGIN {delete} END",
        f"CREATE TRIGGER {content}_au AFTER UPDATE OF {names} ON {content} BEGIN {delete} {insert} END",
    ]


def _search_migration() -> list[str]:
    """Migration 6: FTS5 indexes of message text and of contacts' names, emails and numbers.

    Each index is an external-content FTS5 table over a small table of its own (message_text,
    contact_text) whose INTEGER PRIMARY KEY is the FTS rowid: a VACUUM may renumber the rowids
    of `messages`, `conversations` and `contacts` (their keys are TEXT), never these.
    Triggers on the cached tables keep these current, so cache.py's merges need no change;
    a message upserted for a status change leaves the index alone unless its text changed.

    Tokenizer: unicode61 with diacritics removed ('jose' finds 'José'), searched by words and
    word prefixes. trigram would find any substring, but in this SQLite cannot ignore diacritics,
    needs three characters before it finds anything, and makes the index several times larger.
    The cost: unicode61 keeps a run of Chinese or Japanese characters as one word, so such text
    is found from its start only.
    Numbers are indexed as all their digit suffixes, so digits find a number wherever they are in it.
    """

    def message_body(row: str) -> str:
        return _json_text(f"{row}.raw", "$.message")

    conversation_changed = (
        "old.id IS NOT new.id OR old.contact_name IS NOT new.contact_name OR old.contact_number IS NOT new.contact_number"
        f" OR {_json_text('old.raw', '$.contact.email')} IS NOT {_json_text('new.raw', '$.contact.email')}"
    )
    contact_changed = "old.id IS NOT new.id OR old.raw IS NOT new.raw"
    return [
        # Messages.
        "CREATE TABLE message_text (docid INTEGER PRIMARY KEY, message_id TEXT UNIQUE, body TEXT NOT NULL)",
        f"""CREATE VIRTUAL TABLE message_fts USING fts5(body, content='message_text', content_rowid='docid',
            tokenize='{SEARCH_TOKENIZER}')""",
        f"INSERT INTO message_text (message_id, body) SELECT m.id, {message_body('m')} FROM messages m",
        "INSERT INTO message_fts (message_fts) VALUES ('rebuild')",
        *_fts_sync_triggers("message_text", "message_fts", "docid", ("body",)),
        f"""CREATE TRIGGER messages_search_ai AFTER INSERT ON messages BEGIN
            INSERT INTO message_text (message_id, body) VALUES (new.id, {message_body("new")});
        END""",
        """CREATE TRIGGER messages_search_ad AFTER DELETE ON messages BEGIN
            DELETE FROM message_text WHERE message_id = old.id;
        END""",
        f"""CREATE TRIGGER messages_search_au AFTER UPDATE OF id, raw ON messages
            WHEN old.id IS NOT new.id OR {message_body("old")} IS NOT {message_body("new")}
        BEGIN
            UPDATE message_text SET message_id = new.id, body = {message_body("new")}
            WHERE message_id = old.id;
        END""",
        # Contacts: one document per conversation (its contact's name, email and number) and one per
        # cached contact (name, email, number); search.py folds the two into one hit, finding a
        # contact's conversation by contact_id.
        "CREATE INDEX conversations_by_contact ON conversations(contact_id)",
        """CREATE TABLE contact_text (
            docid INTEGER PRIMARY KEY,
            source TEXT NOT NULL,
            source_id TEXT,
            name TEXT NOT NULL,
            email TEXT NOT NULL,
            number TEXT NOT NULL,
            digits TEXT NOT NULL,
            UNIQUE (source, source_id)
        )""",
        f"""CREATE VIRTUAL TABLE contact_fts USING fts5(name, email, digits, content='contact_text',
            content_rowid='docid', tokenize='{SEARCH_TOKENIZER}')""",
        f"INSERT INTO contact_text ({CONTACT_TEXT_COLUMNS}) {_contact_doc('conversation', 'c', 'FROM conversations c')}",
        f"INSERT INTO contact_text ({CONTACT_TEXT_COLUMNS}) {_contact_doc('contact', 'k', 'FROM contacts k')}",
        "INSERT INTO contact_fts (contact_fts) VALUES ('rebuild')",
        *_fts_sync_triggers("contact_text", "contact_fts", "docid", ("name", "email", "digits")),
        *_contact_triggers("conversations", "conversation", conversation_changed),
        *_contact_triggers("contacts", "contact", contact_changed),
    ]


def _contact_triggers(
    table: str, source: str, changed: str, conversation_email: str | None = None, *, once: bool = False
) -> list[str]:
    """Triggers that keep the documents of `table`'s rows in contact_text (an update replaces one);
    `once` as in `_contact_doc`."""
    remove = f"DELETE FROM contact_text WHERE source = '{source}' AND source_id = old.id;"
    doc = _contact_doc(source, "new", conversation_email=conversation_email, once=once)
    insert = f"INSERT INTO contact_text ({CONTACT_TEXT_COLUMNS}) {doc};"
    return [
        f"CREATE TRIGGER {table}_search_ai AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER {table}_search_ad AFTER DELETE ON {table} BEGIN {remove} END",
        f"CREATE TRIGGER {table}_search_au AFTER UPDATE ON {table} WHEN {changed} BEGIN {remove} {insert} END",
    ]
