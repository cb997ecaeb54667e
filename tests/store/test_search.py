"""Full-text search: the FTS5 indexes of migration 6, their triggers, safe queries and snippets."""

import sqlite3
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sakari_tui.api import Contact, Message
from sakari_tui.store import SearchHit, Store
from sakari_tui.store.db import SCHEMA_VERSION, SEARCH_TOKENIZER
from sakari_tui.store.search import SNIPPET_WIDTH, SearchQuery, message_snippet

from ..support.factories import NOW, conversation
from ..support.old_store import old_store


@pytest.fixture
def store():
    s = Store(":memory:")
    yield s
    s.close()


def message(mid, text, *, minutes_ago=0, outgoing=False, status=None, cid="a"):
    return Message.model_validate(
        {
            "id": mid,
            "message": text,
            "outgoing": outgoing,
            "status": status or ("delivered" if outgoing else "received"),
            "created": {"at": (NOW - timedelta(minutes=minutes_ago)).isoformat()},
            "conversation": {"id": cid},
        }
    )


def marked(hit: SearchHit) -> list[str]:
    """The snippet's highlighted pieces."""
    return [hit.snippet.text[start:end] for start, end in hit.snippet.spans]


def index_is_exact(db: sqlite3.Connection) -> bool:
    """Each FTS index holds exactly the words of its content table, and the content tables mirror
    the cached rows: compared with indexes built afresh from the cached tables."""
    expected_messages = {
        (row[0], row[1] or "")
        for row in db.execute(
            "SELECT id, CASE WHEN json_valid(sakari_json(raw)) THEN json_extract(sakari_json(raw), '$.message') END"
            " FROM messages"
        )
    }
    if set(map(tuple, db.execute("SELECT message_id, body FROM message_text"))) != expected_messages:
        return False
    expected_contacts = {
        ("conversation", row[0], row[1], row[2])
        for row in db.execute("SELECT id, contact_name, contact_number FROM conversations")
    } | {
        ("contact", row[0], " ".join(p for p in (row[1], row[2]) if p), row[3] or "")
        for row in db.execute(
            "SELECT id, json_extract(raw, '$.firstName'), json_extract(raw, '$.lastName'), json_extract(raw, '$.mobile.number') FROM contacts"
        )
    }
    if set(map(tuple, db.execute("SELECT source, source_id, name, number FROM contact_text"))) != expected_contacts:
        return False
    for fts, content, columns in (
        ("message_fts", "message_text", "body"),
        ("contact_fts", "contact_text", "name, email, digits"),
    ):
        db.execute("DROP TABLE IF EXISTS temp.reference")
        db.execute(f"CREATE VIRTUAL TABLE temp.reference USING fts5({columns}, tokenize='{SEARCH_TOKENIZER}')")
        db.execute(f"INSERT INTO temp.reference (rowid, {columns}) SELECT docid, {columns} FROM {content}")
        db.execute("DROP TABLE IF EXISTS temp.actual_words")
        db.execute("DROP TABLE IF EXISTS temp.reference_words")
        db.execute(f"CREATE VIRTUAL TABLE temp.actual_words USING fts5vocab(main, {fts}, instance)")
        db.execute("CREATE VIRTUAL TABLE temp.reference_words USING fts5vocab(temp, reference, instance)")
        actual = sorted(map(tuple, db.execute("SELECT term, doc, col, offset FROM temp.actual_words")))
        reference = sorted(map(tuple, db.execute("SELECT term, doc, col, offset FROM temp.reference_words")))
        if actual != reference:
            return False
    return True


def test_finds_messages_and_contacts_contacts_first(store):
    store.inbox.merge_conversations(
        [
            conversation(
                "a", name="Zofia Nowak", number="+48601234567", text="Is the blue parcel coming?", minutes_ago=5
            ),
            conversation(
                "b", name="Ji-woo Park", number="+821012345678", text="Thanks, parcel received", minutes_ago=1
            ),
        ]
    )
    store.inbox.merge_messages(
        "a",
        [
            message("a-old", "Where is my parcel?", minutes_ago=60, cid="a"),
            message("a-out", "Your parcel ships today", minutes_ago=30, outgoing=True, cid="a"),
        ],
    )
    hits = store.search.search("parcel")
    assert [h.kind for h in hits] == ["message"] * 4
    assert [h.message_id for h in hits] == ["m-b-1", "m-a-5", "a-out", "a-old"]  # newest first
    first = hits[0]
    assert (first.conversation_id, first.name, first.number, first.outgoing) == (
        "b",
        "Ji-woo Park",
        "+821012345678",
        False,
    )
    assert first.created_at == NOW - timedelta(minutes=1)
    assert hits[2].outgoing is True
    assert marked(first) == ["parcel"]

    people = store.search.search("nowak")
    assert len(people) == 1
    contact = people[0]
    assert (contact.kind, contact.conversation_id, contact.message_id, contact.outgoing) == ("contact", "a", None, None)
    assert contact.name == "Zofia Nowak" and contact.contact_id == "k-a"
    assert contact.created_at == NOW - timedelta(minutes=5)
    assert marked(contact) == ["Nowak"]

    store.inbox.merge_conversations(
        [conversation("c", name="Parcel Express", number="+15550000001", text="hi", minutes_ago=90)]
    )
    mixed = store.search.search("parcel")
    assert [h.kind for h in mixed] == ["contact"] + ["message"] * 4 and mixed[0].conversation_id == "c"


def test_prefix_on_the_last_word_whole_words_before_it(store):
    store.inbox.merge_conversations([conversation("a", text="Appointment confirmed for Tuesday")])
    assert [marked(h) for h in store.search.search("appoint")] == [["Appoint"]]
    assert store.search.search("appointment conf")
    assert marked(store.search.search("appointment conf")[0]) == ["Appointment", "conf"]
    assert store.search.search("appoint conf") == []  # only the last word is a prefix
    assert store.search.search("confirmed tues")  # words in any order
    assert store.search.search("confirmed wednesday") == []  # every word must match


def test_case_and_diacritics_are_ignored_both_ways(store):
    store.inbox.merge_conversations(
        [
            conversation("a", name="José Álvarez", text="Le café était fermé"),
            conversation("b", name="Jose Alvarez", number="+15551230002", text="Cafe closed", minutes_ago=1),
        ]
    )
    assert {h.conversation_id for h in store.search.search("jose") if h.kind == "contact"} == {"a", "b"}
    assert {h.conversation_id for h in store.search.search("JOSÉ") if h.kind == "contact"} == {"a", "b"}
    assert {h.conversation_id for h in store.search.search("cafe") if h.kind == "message"} == {"a", "b"}
    hit = next(h for h in store.search.search("ferme") if h.kind == "message")
    assert marked(hit) == ["fermé"]
    decomposed = "Cafe\u0301"  # an accent as a combining mark, as some phones send it
    store.inbox.merge_messages("a", [message("nfd", f"{decomposed} au lait", cid="a")])
    assert marked(next(h for h in store.search.search("cafe") if h.message_id == "nfd")) == [decomposed]


def test_contacts_by_number_digits_anywhere_and_email(store):
    store.inbox.merge_conversations([conversation("a", name="Ana Silva", number="+14155550123", contact_id="k1")])
    store.inbox.merge_contact(
        Contact.model_validate(
            {
                "id": "k1",
                "firstName": "Ana",
                "lastName": "Silva",
                "email": "ana.silva@example.com",
                "mobile": {"number": "+14155550123"},
            }
        )
    )
    for query in ("0123", "4155550123", "+1 415", "(415) 555-01", "555 0123"):
        hits = store.search.search(query)
        assert [(h.kind, h.conversation_id) for h in hits] == [("contact", "a")], query
    assert marked(store.search.search("(415) 555-01")[0]) == ["41555501"]
    assert marked(store.search.search("0123")[0]) == ["0123"]
    by_email = store.search.search("example")
    assert [(h.kind, h.conversation_id, h.contact_id) for h in by_email] == [("contact", "a", "k1")]
    assert "ana.silva@example.com" in by_email[0].snippet.text and marked(by_email[0]) == ["example"]
    assert store.search.search("9999") == []


def test_a_cached_contact_without_a_conversation_is_found(store):
    store.inbox.merge_contact(
        Contact.model_validate(
            {"id": "k9", "firstName": "Lone", "lastName": "Wolf", "mobile": {"number": "+15550009999"}}
        )
    )
    [hit] = store.search.search("wolf")
    assert (hit.kind, hit.conversation_id, hit.contact_id, hit.name, hit.number) == (
        "contact",
        None,
        "k9",
        "Lone Wolf",
        "+15550009999",
    )


def test_status_updates_text_edits_and_deletes_keep_the_index_exact(store):
    store.inbox.merge_conversations([conversation("a", text="first words", message_id="m1", outgoing=True)])
    store.inbox.merge_messages("a", [message("m2", "second thoughts", cid="a")])
    assert index_is_exact(store.db)
    # The API reports a new status: the message is upserted with the same text.
    store.inbox.merge_messages("a", [message("m1", "first words", outgoing=True, status="delivered", cid="a")])
    assert [h.message_id for h in store.search.search("first")] == ["m1"] and index_is_exact(store.db)
    # The text itself changes (a scheduled message edited, say).
    store.inbox.merge_messages("a", [message("m2", "changed entirely", cid="a")])
    assert store.search.search("thoughts") == [] and [h.message_id for h in store.search.search("entirely")] == ["m2"]
    assert index_is_exact(store.db)
    # A renamed contact and a new number.
    store.inbox.merge_conversations(
        [
            conversation(
                "a", name="Renamed Person", number="+15559990000", text="first words", message_id="m1", outgoing=True
            )
        ]
    )
    assert store.search.search("ana") == [] and store.search.search("renamed")[0].conversation_id == "a"
    assert store.search.search("9990000")[0].conversation_id == "a" and store.search.search("1230001") == []
    store.inbox.merge_contact(Contact.model_validate({"id": "k-a", "firstName": "Kept", "email": "old@oldmail.com"}))
    store.inbox.merge_contact(Contact.model_validate({"id": "k-a", "firstName": "Kept", "email": "new@newmail.org"}))
    assert store.search.search("oldmail") == [] and store.search.search("newmail")[0].conversation_id == "a"
    assert index_is_exact(store.db)
    # Deletes (nothing in the app deletes yet; the triggers must still be right when it does).
    store.db.execute("DELETE FROM messages WHERE id = 'm2'")
    store.db.execute("DELETE FROM contacts WHERE id = 'k-a'")
    assert store.search.search("entirely") == [] and store.search.search("newmail") == []
    assert index_is_exact(store.db)
    store.db.execute("DELETE FROM conversations WHERE id = 'a'")
    assert store.search.search("renamed") == [] and index_is_exact(store.db)


def test_opt_out_keyword_stub_contact_and_odd_rows_do_not_break_merges(store):
    # An inbound STOP writes a stub contact ({"id": …}); a message without text; a row that is not JSON.
    store.inbox.merge_conversations([conversation("a", text="STOP", contact_id="k1")])
    store.inbox.merge_messages("a", [Message.model_validate({"id": "media-only", "conversation": {"id": "a"}})])
    store.db.execute(
        "INSERT INTO messages (id, conversation_id, created_at, raw) VALUES ('bad', 'a', '0000', 'not json')"
    )
    assert index_is_exact(store.db)
    assert [h.message_id for h in store.search.search("stop")] == ["m-a-0"]


HOSTILE = [
    '"',
    '""',
    "'",
    "*",
    "**",
    "AND",
    "OR",
    "NOT",
    "a AND",
    "NEAR(",
    "NEAR(a b, 2)",
    "col:x",
    "body:x",
    "-",
    "^",
    "^start",
    "a OR",
    '"unbalanced',
    "unbalanced'",
    "(",
    ")",
    "()",
    "{a b}: c",
    "a + b",
    "\\",
    "%",
    "_",
    "\x00",
    "\x1b[31m",
    "\u0301",
    "\ue000",
    "🙂",
    "\ud800",
    "a" * 5000,
    "word " * 200,
    "   ",
    "",
    "\n\t",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_never_raise(store, query):
    store.inbox.merge_conversations([conversation("a", text="AND OR NOT NEAR col x body start word")])
    hits = store.search.search(query)
    assert isinstance(hits, list)


def test_operator_words_are_searched_as_words(store):
    store.inbox.merge_conversations(
        [conversation("a", text="black AND white"), conversation("b", text="black or white", minutes_ago=1)]
    )
    assert {h.conversation_id for h in store.search.search("and")} == {"a"}
    assert {h.conversation_id for h in store.search.search("black OR")} == {"b"}
    assert {h.conversation_id for h in store.search.search("col:black")} == set()
    assert SearchQuery.parse('NEAR("a" b').match == '"NEAR" AND "a" AND "b"*'


def test_any_text_is_a_safe_query():
    # One store for every example: a search only reads, and building a store (its schema and
    # index) for each of 300 examples was most of this test's 4 s.
    store = Store(":memory:")
    store.inbox.merge_conversations([conversation("a", text="some words here 123")])

    @settings(max_examples=300, deadline=None)
    @given(st.text())
    def search_for(query):
        store.search.search(query)

    try:
        search_for()
    finally:
        store.close()


def test_empty_and_whitespace_queries_return_nothing(store):
    store.inbox.merge_conversations([conversation("a")])
    assert store.search.search("") == [] and store.search.search("   \t\n") == [] and store.search.search("?!") == []


def test_limit_is_honoured(store):
    store.inbox.merge_conversations(
        [
            conversation(f"c{i}", name=f"Hello Person{i}", number=f"+1555000{i:04d}", text="hello there", minutes_ago=i)
            for i in range(30)
        ]
    )
    assert len(store.search.search("hello", limit=10)) == 10
    hits = store.search.search("hello", limit=45)
    assert [h.kind for h in hits] == ["contact"] * 30 + ["message"] * 15
    assert [h.conversation_id for h in hits[:30]] == [f"c{i}" for i in range(30)]  # most recent conversation first
    assert store.search.search("hello", limit=0) == []


def test_snippet_spans_line_up_and_long_text_is_cut_around_the_match(store):
    long = (
        "Lorem ipsum dolor sit amet " * 10
        + "the tracking number is ZX-99 for your parcel"
        + " consectetur adipiscing" * 10
    )
    store.inbox.merge_conversations([conversation("a", text=long)])
    [hit] = store.search.search("tracking parc")
    text = hit.snippet.text
    assert len(text) <= SNIPPET_WIDTH and text.startswith("…") and text.endswith("…")
    assert marked(hit) == ["tracking", "parc"]
    assert "\n" not in text


def test_snippet_is_sanitised_before_its_spans_are_found(store):
    hostile = "x\x1b]52;c;ZXZpbA==\x07 [@click=app.quit]click[/] me\u202e\r\nnext line café"
    store.inbox.merge_conversations([conversation("a", text=hostile, name="[b]Boss[/b]\x1b[2J")])
    [hit] = [h for h in store.search.search("cafe") if h.kind == "message"]
    assert "\x1b" not in hit.snippet.text and "\x07" not in hit.snippet.text and "\u202e" not in hit.snippet.text
    assert "\n" not in hit.snippet.text and "\r" not in hit.snippet.text
    assert "[@click=app.quit]click[/]" in hit.snippet.text  # kept as text: the screen renders it plainly
    assert marked(hit) == ["café"]
    assert hit.name == "[b]Boss[/b][2J"
    [contact] = [h for h in store.search.search("boss") if h.kind == "contact"]
    assert marked(contact) == ["Boss"]


def test_message_snippet_handles_matches_anywhere():
    terms = SearchQuery.parse("end").terms
    text = "word " * 40 + "the end"
    snippet = message_snippet(text, terms, width=30)
    assert len(snippet.text) <= 30 and snippet.text.endswith("the end")
    assert [snippet.text[s:e] for s, e in snippet.spans] == ["end"]
    start = message_snippet("end " + "word " * 40, terms, width=30)
    assert start.spans[0] == (0, 3) and start.text.endswith("…")
    assert message_snippet("", terms).text == "" and message_snippet(None, terms).spans == ()


def test_migration_backfills_a_store_cached_before_search_existed(tmp_path):
    path = tmp_path / "old.sqlite3"

    def fill(cache):
        cache.merge_conversations(
            [
                conversation("a", name="Zofia Nowak", text="Wann öffnet ihr morgen?", contact_id="k1"),
                conversation("b", name="Ji-woo Park", number="+821012345678", text="hello", minutes_ago=3),
            ]
        )
        cache.merge_messages("a", [message("older", "Ich hätte gern einen Termin", minutes_ago=50, cid="a")])
        cache.merge_contact(
            Contact.model_validate({"id": "k1", "firstName": "Zofia", "lastName": "Nowak", "email": "zofia@example.pl"})
        )

    old_store(path, 5, fill)

    store = Store(path)
    try:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert [h.message_id for h in store.search.search("offnet")] == ["m-a-0"]
        assert [h.message_id for h in store.search.search("termin")] == ["older"]
        assert [(h.kind, h.conversation_id) for h in store.search.search("example")] == [("contact", "a")]
        assert [(h.kind, h.conversation_id) for h in store.search.search("12345678")] == [("contact", "b")]
        assert index_is_exact(store.db)
        # And the triggers work from then on.
        store.inbox.merge_messages("b", [message("new", "Neue Nachricht", cid="b")])
        assert [h.message_id for h in store.search.search("nachricht")] == ["new"]
        assert index_is_exact(store.db)
    finally:
        store.close()


def test_a_file_store_searches_on_its_own_read_only_connection(tmp_path):
    from sakari_tui.store import Store

    store = Store(tmp_path / "s.sqlite3")
    store.inbox.merge_conversations([conversation("c1", text="parcel arrived")])
    # An unfinished write on the app's connection is not what a search sees.
    store.db.execute("BEGIN")
    store.db.execute("UPDATE messages SET raw = json_set(sakari_json(raw), '$.message', 'parcel lost')")
    hits = store.search.search("lost")
    store.db.execute("ROLLBACK")
    assert hits == [] and store.search.db is not store.db
    assert [hit.kind for hit in store.search.search("arrived")] == ["message"]
    store.close()
