"""`sakari-tui conversations list`: the inbox's views from the local store, for scripts.

The same rows, in the same order, as the app's list in that view; `--sync` polls Sakari first
(one walk of the conversations, as the app's first poll), else what the store has is printed.
"""

from __future__ import annotations

import time

from .exits import EXIT_CODES_HELP, OK, USAGE, CommandError, from_api_error
from .jsonout import add_json_option, chosen_fields, pick, print_json

FIELDS = (
    "id",
    "contact",
    "number",
    "contactId",
    "sender",
    "senderNumber",
    "unread",
    "waiting",
    "waitingSeconds",
    "lastText",
    "lastAt",
    "lastDirection",
    "lastBy",
    "closed",
    "optedOut",
    "snoozedUntil",
)
VIEWS = ("needs-reply", "waiting", "snoozed", "failed", "scheduled", "all")


def add_conversations_parser(commands) -> None:
    conversations = commands.add_parser(
        "conversations", help="list conversations from the local store, as the app's views show them"
    )
    sub = conversations.add_subparsers(dest="conversations_command", metavar="SUBCOMMAND", required=True)
    listing = sub.add_parser(
        "list",
        help="the conversations of a view (default all), newest first as in the app",
        description="The conversations of one of the app's views, from the local store (--sync polls Sakari first).",
        epilog=f"JSON fields: {', '.join(FIELDS)}. {EXIT_CODES_HELP}",
    )
    listing.add_argument("--view", choices=VIEWS, default="all", help="which view (default all)")
    listing.add_argument("--sender", metavar="LABEL", help="only this sender: its label in [[senders]], or its number")
    listing.add_argument("--limit", type=int, default=0, metavar="N", help="at most N conversations (default all)")
    listing.add_argument("--sync", action="store_true", help="poll Sakari first")
    add_json_option(listing, FIELDS)


def sender_number(label: str | None, book) -> str:
    """The number `--sender` names (a [[senders]] label, case-insensitively, or a number)."""
    if not label:
        return ""
    wanted = label.strip().lower()
    for sender in book:
        if (sender.label or "").lower() == wanted or sender.number == label.strip():
            return sender.number
    known = ", ".join(s.label or s.number for s in book) or "none known yet"
    raise CommandError(USAGE, f"--sender {label!r} is not one of this account's senders ({known}).")


def row_fields(row, book, now: float) -> dict:
    from ..store.unread import wait_words
    from ..text import one_line

    last_at = row.last_at.timestamp() if row.last_at else None
    waiting = (now - last_at) if (last_at is not None and not row.last_outgoing and not row.closed) else None
    return {
        "id": row.id,
        "contact": one_line(row.name, 200) or row.number,
        "number": row.number,
        "contactId": row.contact_id,
        "sender": book.short(row.sender_number) if row.sender_number else "",
        "senderNumber": row.sender_number,
        "unread": row.unread,
        "waiting": wait_words(waiting) if waiting is not None else None,
        "waitingSeconds": int(waiting) if waiting is not None else None,
        "lastText": row.last_text,
        "lastAt": row.last_at.isoformat() if row.last_at else None,
        "lastDirection": "out" if row.last_outgoing else "in",
        "lastBy": row.last_author.label if row.last_outgoing else "customer",
        "closed": row.closed,
        "optedOut": row.opted_out,
        "snoozedUntil": row.snooze.until if row.snooze else None,
    }


def run_conversations(args) -> int:
    import asyncio

    from .account import open_account, open_store

    fields = chosen_fields(args.json, FIELDS)
    if args.limit < 0:
        raise CommandError(USAGE, "--limit must be 0 (all) or more.")
    with open_account(demo=args.demo, seed=args.seed) as account:
        store = open_store(account, write=args.sync or account.demo)
        try:
            if args.sync or account.demo:
                asyncio.run(_sync(account, store))
            return _print(account, store, args, fields)
        finally:
            store.close()


async def _sync(account, store) -> None:
    from ..api import SakariError
    from ..sync import InboxEngine

    engine = InboxEngine(account.settings.sakari.make_client(), store)
    try:
        await engine.sync_conversations(full=True)
    except SakariError as error:
        raise from_api_error(error) from None
    finally:
        await engine.client.aclose()


def _print(account, store, args, fields) -> int:
    from ..senders import SenderBook
    from ..text import one_line

    book = SenderBook(account.settings.senders, store.inbox.sender_numbers())
    now = time.time()
    rows = store.inbox.rows(view=args.view, sender=sender_number(args.sender, book), unread_first=False, now=now)
    if args.limit:
        rows = rows[: args.limit]
    items = [row_fields(row, book, now) for row in rows]
    if fields is not None:
        print_json([pick(item, fields) for item in items])
        return OK
    for item in items:
        waited = f"  waiting {item['waiting']}" if item["waiting"] and args.view in ("needs-reply", "all") else ""
        flags = " ".join(
            flag
            for flag, on in (("unread", item["unread"]), ("closed", item["closed"]), ("opted-out", item["optedOut"]))
            if on
        )
        print(f"{item['id']}  {one_line(item['contact'], 40)}  {item['sender']}{waited}  {flags}".rstrip())
        print(f"    {one_line(item['lastText'], 100)}")
    if not items:
        print(f"No conversations in the {args.view} view.")
    return OK
