"""The list's views (Needs reply, Waiting on customer, Snoozed, Failed, Scheduled, All) as SQL.

Light on purpose, like `unread.py`: `sakari-tui unread --view needs-reply` counts through this
module with nothing but sqlite3 behind it. Snoozes and unread marks are keyed by (contact, sender
number), not by conversation: a text after a close opens a new conversation with the same contact
on the same number, and it keeps them (see `KEY_SQL`).
"""

from __future__ import annotations

import sqlite3
from enum import Enum


class View(str, Enum):
    """A view of the list; the value is what `triage.default_view` and `--view` take."""

    NEEDS_REPLY = "needs-reply"
    WAITING = "waiting"
    SNOOZED = "snoozed"
    FAILED = "failed"
    SCHEDULED = "scheduled"
    ALL = "all"

    @property
    def title(self) -> str:
        """As the list's title names it ("Inbox" for All: today's title is kept)."""
        return _TITLES[self]


_TITLES = {
    View.NEEDS_REPLY: "Needs reply",
    View.WAITING: "Waiting on customer",
    View.SNOOZED: "Snoozed",
    View.FAILED: "Failed",
    View.SCHEDULED: "Scheduled",
    View.ALL: "Inbox",
}

# Where a conversation's local triage state is kept: its contact (the conversation itself while
# it has none, a first text not on Sakari yet) and its sender number.
KEY_SQL = "COALESCE(c.contact_id, c.id)"
SNOOZE_JOIN = f"LEFT JOIN snoozes s ON s.contact_key = {KEY_SQL} AND s.sender_number = c.sender_number"
UNREAD_MARK_JOIN = f"LEFT JOIN unread_marks um ON um.contact_key = {KEY_SQL} AND um.sender_number = c.sender_number"

# The customer wrote after the snooze began (the conversation on screen, which may be the one that
# replaced the conversation snoozed). Only looked at where there is a snooze.
SNOOZE_REPLIED_SQL = (
    "(s.until IS NOT NULL AND EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id"
    " AND m.outgoing = 0 AND m.created_at > s.through))"
)

# The same words as sms/authors.py's (a test keeps them equal): that module imports the API models.
AUTO_WORDS = ("autorespon", "autoreply", "autoresponse", "keywordrespon", "officehours")
CAMPAIGN_WORDS = ("campaign", "broadcast", "blast", "bulk")


def _word_sql(path: str) -> str:
    # authors._word: lower case, separators dropped (the common ones: SQL has no isalnum).
    value = f"json_extract(c.last_by, '{path}')"
    for separator in ("-", "_", " ", ".", "/", ":"):
        value = f"replace({value}, '{separator}', '')"
    return f"lower(COALESCE({value}, ''))"


def _any_sql(word: str, parts: tuple[str, ...]) -> str:
    return "(" + " OR ".join(f"{word} LIKE '%{part}%'" for part in parts) + ")"


_SOURCE, _SUB_SOURCE = _word_sql("$.source"), _word_sql("$.subSource")
# authors.author_of: an auto-responder's text (its source, or else its subSource, says so); a
# campaign word in the source comes first. Only outgoing messages not sent here reach this.
AUTO_REPLY_SQL = (
    f"(c.last_by IS NOT NULL AND json_valid(c.last_by) AND json_type(c.last_by) = 'object' AND"
    f" ({_any_sql(_SOURCE, AUTO_WORDS)} OR (NOT {_any_sql(_SOURCE, CAMPAIGN_WORDS)}"
    f" AND {_any_sql(_SUB_SOURCE, AUTO_WORDS)})))"
)
# The customer's turn: their text is the last, or an auto-responder's (which answers nobody).
CUSTOMERS_TURN_SQL = f"(c.last_outgoing = 0 OR {AUTO_REPLY_SQL})"

# A contact who opted out waits for nobody: no reply may go (their STOP is often the last text).
OPTED_OUT_SQL = "EXISTS (SELECT 1 FROM contacts ko WHERE ko.id = c.contact_id AND ko.opted_out = 1)"

FAILED_STATES = ("failed", "unknown")
SCHEDULED_STATE = "scheduled"
"""The outbox state of a reply scheduled for later (send later, issue 14 part 3)."""


def snoozed_sql(now: float) -> str:
    """A snooze in force at `now` (an epoch time: a float, put in the text as a number)."""
    return f"(s.until IS NOT NULL AND s.until > {float(now)!r} AND NOT {SNOOZE_REPLIED_SQL})"


def view_where(view: View, now: float) -> str:
    """The condition a conversation `c` meets in `view` (with `SNOOZE_JOIN`); All's is its own."""
    awake = f"NOT {snoozed_sql(now)}"
    if view is View.NEEDS_REPLY:
        return f"c.closed = 0 AND {CUSTOMERS_TURN_SQL} AND {awake} AND NOT {OPTED_OUT_SQL}"
    if view is View.WAITING:
        return f"c.closed = 0 AND NOT {CUSTOMERS_TURN_SQL} AND {awake}"
    if view is View.SNOOZED:
        return f"c.closed = 0 AND {snoozed_sql(now)}"
    if view is View.FAILED:
        states = ", ".join(f"'{state}'" for state in FAILED_STATES)
        return f"c.id IN (SELECT conversation_id FROM outbox WHERE state IN ({states}))"
    if view is View.SCHEDULED:
        return f"c.id IN (SELECT conversation_id FROM outbox WHERE state = '{SCHEDULED_STATE}')"
    return "1=1"


def scheduled_conversation_ids(db: sqlite3.Connection) -> set[str]:
    """The conversations with a reply scheduled for later in the outbox (none until send later exists)."""
    return {row[0] for row in db.execute("SELECT conversation_id FROM outbox WHERE state = ?", (SCHEDULED_STATE,))}


def parse_view(value: str) -> View:
    """`value` ("needs-reply", "needs_reply", "Needs reply"…) as a view; ValueError naming the choices."""
    wanted = value.strip().lower().replace("_", "-").replace(" ", "-")
    for view in View:
        if wanted == view.value:
            return view
    choices = ", ".join(view.value for view in View)
    raise ValueError(f"{value!r} is not a view; use one of {choices}")
