"""Full-text search over the cached messages and contacts (the FTS5 indexes of migration 6).

What a person types is never handed to FTS5 as a query: it is cut into words, each word is
quoted (so `AND`, `NEAR(`, `col:x`, `*`, `^` and stray quotes are only text), the words are
ANDed and the last one is matched as a prefix, since the person may still be typing it. A query
of digits and phone punctuation ('(415) 555-01') is also tried as one run of digits, which finds
numbers wherever those digits are in them.

Snippets are plain, sanitised text; the matched words are given as offsets into it, never as
markup, so the screen can highlight them without parsing anything that came from the API.
"""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from ..media.attachments import attachment_from_media, media_summary
from ..sms.authors import Author, author_of, parse_created_by
from ..text import sanitize
from .times import parse_iso

MAX_WORDS = 16
SNIPPET_WIDTH = 100
"""Longest snippet, in characters (ellipses included)."""
SNIPPET_BEFORE = 24
"""Characters of context kept before the first match when a text has to be cut."""

_PHONE_LIKE = re.compile(r"[+\d\s().\-]+")
# Letters, digits, marks and private-use characters make words. unicode61 splits some scripts at
# spacing marks too, but a quoted word it splits is read as a phrase, which matches the same text.
_WORD_CATEGORIES = ("L", "N", "M")
Span = tuple[int, int]


@dataclass(frozen=True)
class Snippet:
    """Plain text around a match, and where the matches are in it."""

    text: str
    spans: tuple[Span, ...] = ()
    """(start, end) offsets into `text`, sorted and not overlapping."""


@dataclass(frozen=True)
class SearchHit:
    """One search result: a message, or a contact (and the conversation with them, if cached)."""

    kind: Literal["message", "contact"]
    conversation_id: str | None
    """None only for a cached contact with no cached conversation."""
    message_id: str | None
    """None for contact hits."""
    name: str
    """The contact's name, '' when only the number is known."""
    number: str
    created_at: datetime | None
    """When the message was sent or received; for a contact, the conversation's last activity."""
    outgoing: bool | None
    """None for contact hits."""
    snippet: Snippet
    contact_id: str | None = None
    author: Author | None = None
    """Who wrote a message hit (None for contact hits)."""
    attachments: str = ""
    """What a message hit carries, e.g. "📷 photo" ('' for none, and for contact hits)."""


@dataclass(frozen=True)
class Term:
    text: str
    """Folded (lower case, no diacritics), as the index compares words."""
    prefix: bool


@dataclass(frozen=True)
class SearchQuery:
    """A person's query turned into words; `match` is the FTS5 query, safe whatever they typed."""

    words: tuple[str, ...]
    digits: str | None = None
    """The query as one run of digits, when it looks like (part of) a phone number."""

    @classmethod
    def parse(cls, text: str) -> SearchQuery:
        words = tuple(text[start:end] for start, end in _words(text or ""))[:MAX_WORDS]
        digits = None
        stripped = (text or "").strip()
        if len(words) > 1 and _PHONE_LIKE.fullmatch(stripped):
            digits = "".join(ch for ch in stripped if ch.isdigit())[:32]
        return cls(words, digits)

    @property
    def match(self) -> str | None:
        """The FTS5 query, or None when there is nothing to search for."""
        if not self.words:
            return None
        # Words hold only letters, digits and marks, so no quote can end a string early.
        quoted = [f'"{word}"' for word in self.words]
        quoted[-1] += "*"
        expression = " AND ".join(quoted)
        if self.digits:
            expression = f'("{self.digits}"*) OR ({expression})'
        return expression

    @property
    def terms(self) -> tuple[Term, ...]:
        """What to highlight: whole words, except the last (and the digits), which may be prefixes."""
        last = len(self.words) - 1
        terms = [Term(_fold(word), index == last) for index, word in enumerate(self.words)]
        if self.digits:
            terms.append(Term(self.digits, True))
        return tuple(term for term in terms if term.text)


class Search:
    """Searches one store's database; see the module docstring for how a query is read."""

    def __init__(self, connection: sqlite3.Connection | Callable[[], sqlite3.Connection]) -> None:
        # A callable gives the connection when the first search runs (see Store.reader).
        self._connection = connection

    @property
    def db(self) -> sqlite3.Connection:
        if not isinstance(self._connection, sqlite3.Connection):
            self._connection = self._connection()
        return self._connection

    def search(self, query: str, limit: int = 100) -> list[SearchHit]:
        """Contacts first (most recent conversation first), then messages, newest first; at most `limit`."""
        parsed = SearchQuery.parse(query)
        match = parsed.match
        if match is None or limit < 1:
            return []
        contacts = self._contacts(match, parsed, limit)
        return contacts + self._messages(match, parsed, limit - len(contacts))

    def _contacts(self, match: str, query: SearchQuery, limit: int) -> list[SearchHit]:
        # A conversation's document and its contact's document may both match: at most two rows
        # per conversation, so twice the limit is enough to fill it after folding them together.
        rows = self.db.execute(
            """SELECT h.source, h.source_id, h.name, h.email, h.number, h.conversation_id,
                      c.contact_id, c.contact_name, c.contact_number, c.last_at
               FROM (
                   SELECT t.source, t.source_id, t.name, t.email, t.number,
                          CASE t.source WHEN 'conversation' THEN t.source_id ELSE (
                              SELECT c2.id FROM conversations c2 WHERE c2.contact_id = t.source_id
                              ORDER BY c2.last_at DESC, c2.id DESC LIMIT 1) END AS conversation_id
                   FROM contact_fts JOIN contact_text t ON t.docid = contact_fts.rowid
                   WHERE contact_fts MATCH ?
               ) h LEFT JOIN conversations c ON c.id = h.conversation_id
               WHERE h.source = 'contact' OR c.id IS NOT NULL
               ORDER BY c.last_at IS NULL, c.last_at DESC, c.id DESC, h.source DESC
               LIMIT ?""",
            (match, limit * 2),
        ).fetchall()
        hits: list[SearchHit] = []
        seen: set[tuple[str, str]] = set()
        terms = query.terms
        for row in rows:
            conversation_id = row["conversation_id"]
            key = ("conversation", conversation_id) if conversation_id else ("contact", row["source_id"])
            if key in seen:
                continue
            seen.add(key)
            number = (row["contact_number"] or row["number"]) if conversation_id else row["number"]
            name = _name(row["contact_name"] if conversation_id else row["name"], number)
            contact_id = row["contact_id"] if conversation_id else row["source_id"]
            hits.append(
                SearchHit(
                    kind="contact",
                    conversation_id=conversation_id,
                    message_id=None,
                    name=name,
                    number=_one_line(number),
                    created_at=parse_iso(row["last_at"]),
                    outgoing=None,
                    snippet=contact_snippet(_name(row["name"], row["number"]), row["number"], row["email"], terms),
                    contact_id=contact_id,
                )
            )
            if len(hits) == limit:
                break
        return hits

    def _messages(self, match: str, query: SearchQuery, limit: int) -> list[SearchHit]:
        if limit < 1:
            return []
        rows = self.db.execute(
            """SELECT m.id, m.conversation_id, m.created_at, m.outgoing, t.body,
                      c.contact_id, c.contact_name, c.contact_number, m.created_by,
                      sh.message_id IS NOT NULL AS sent_here, json_extract(sakari_json(m.raw), '$.media') AS media
               FROM message_fts JOIN message_text t ON t.docid = message_fts.rowid
               JOIN messages m ON m.id = t.message_id
               LEFT JOIN conversations c ON c.id = m.conversation_id
               LEFT JOIN sent_here sh ON sh.message_id = m.id
               WHERE message_fts MATCH ?
               ORDER BY m.created_at DESC, m.id DESC LIMIT ?""",
            (match, limit),
        ).fetchall()
        terms = query.terms
        return [
            SearchHit(
                kind="message",
                conversation_id=row["conversation_id"],
                message_id=row["id"],
                name=_name(row["contact_name"], row["contact_number"]),
                number=_one_line(row["contact_number"]),
                created_at=parse_iso(row["created_at"]),
                outgoing=bool(row["outgoing"]),
                snippet=message_snippet(row["body"], terms),
                contact_id=row["contact_id"],
                author=author_of(
                    bool(row["outgoing"]), parse_created_by(row["created_by"]), sent_here=bool(row["sent_here"])
                ),
                attachments=_attachments(row["media"]),
            )
            for row in rows
        ]


def _attachments(media_json: str | None) -> str:
    """'📷 photo' for a message's raw `media` list (odd JSON: '')."""
    if not media_json:
        return ""
    try:
        items = json.loads(media_json)
    except ValueError:
        return ""
    if not isinstance(items, list):
        return ""
    found = [a for a in (attachment_from_media(item) for item in items if isinstance(item, dict)) if a is not None]
    return media_summary(found)


# --- snippets --------------------------------------------------------------------------------


def message_snippet(body: str | None, terms: tuple[Term, ...], width: int = SNIPPET_WIDTH) -> Snippet:
    """The message on one line, cut to `width` around its first match, with the matches' spans."""
    text = _one_line(body)
    return _window(text, word_spans(text, terms), width)


def contact_snippet(name: str | None, number: str | None, email: str | None, terms: tuple[Term, ...]) -> Snippet:
    """'Name · +15551230001 · email' with the matched words and digits marked."""
    parts: list[str] = []
    spans: list[Span] = []
    for part, find in ((name, word_spans), (number, digit_spans), (email, word_spans)):
        text = _one_line(part)
        if not text:
            continue
        offset = sum(len(p) for p in parts) + 3 * len(parts)
        spans += [(offset + start, offset + end) for start, end in find(text, terms)]
        parts.append(text)
    text = " · ".join(parts)
    return _window(text, _merged(spans), SNIPPET_WIDTH)


def word_spans(text: str, terms: tuple[Term, ...]) -> list[Span]:
    """Where the words of `text` match the terms, as the index compares them (case and accents ignored)."""
    spans: list[Span] = []
    for start, end in _words(text):
        folded = [_fold(ch) for ch in text[start:end]]
        word = "".join(folded)
        for term in terms:
            if word == term.text:
                spans.append((start, end))
                break
            if term.prefix and word.startswith(term.text):
                length, stop = 0, start
                while length < len(term.text):
                    length += len(folded[stop - start])
                    stop += 1
                while stop < end and not folded[stop - start]:  # marks that belong to the last letter
                    stop += 1
                spans.append((start, stop))
                break
    return spans


def digit_spans(text: str, terms: tuple[Term, ...]) -> list[Span]:
    """Where runs of digits from the terms occur in a phone number, ignoring its punctuation."""
    positions = [index for index, ch in enumerate(text) if ch.isdigit()]
    digits = "".join(text[index] for index in positions)
    spans: list[Span] = []
    for term in terms:
        if not term.text.isdigit():
            continue
        found = digits.find(term.text)
        if found >= 0:
            spans.append((positions[found], positions[found + len(term.text) - 1] + 1))
    return _merged(spans)


def _window(text: str, spans: list[Span], width: int) -> Snippet:
    """`text` cut to at most `width` characters, keeping the first match and some context before it."""
    if len(text) <= width:
        return Snippet(text, tuple(spans))
    first = spans[0][0] if spans else 0
    start = max(0, first - SNIPPET_BEFORE)
    if start > 0:
        space = text.find(" ", start, first)
        if space >= 0:  # begin at a word
            start = space + 1
    lead = "…" if start > 0 else ""
    end = start + width - len(lead)
    tail = ""
    if end < len(text):
        end -= 1
        tail = "…"
        space = text.rfind(" ", start, end)
        if space > start + width // 2:  # end at a word
            end = space
    shown = lead + text[start:end].rstrip() + tail
    shift = len(lead) - start
    limit = len(shown) - len(tail)
    kept = [(max(s + shift, len(lead)), min(e + shift, limit)) for s, e in spans]
    return Snippet(shown, tuple((s, e) for s, e in kept if s < e))


def _merged(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


# --- words -----------------------------------------------------------------------------------


def _is_word_char(ch: str) -> bool:
    category = unicodedata.category(ch)
    return category[0] in _WORD_CATEGORIES or category == "Co"


def _words(text: str) -> list[Span]:
    """The (start, end) of each word, as the unicode61 tokenizer splits text."""
    spans: list[Span] = []
    start = None
    for index, ch in enumerate(text):
        if _is_word_char(ch):
            if start is None:
                start = index
        elif start is not None:
            spans.append((start, index))
            start = None
    if start is not None:
        spans.append((start, len(text)))
    return spans


def _fold(text: str) -> str:
    """Lower case without diacritics (close to unicode61's remove_diacritics 2)."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _one_line(text: str | None) -> str:
    return " ".join(sanitize(text).split())


def _name(name: str | None, number: str | None) -> str:
    # The cached contact_name falls back to the number when the contact has no name.
    name = _one_line(name)
    return "" if name == _one_line(number) else name
