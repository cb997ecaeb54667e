"""`sakari-tui thread show|export ID`: a whole conversation, paged from the API, as a readable
transcript (`show`, the default text) or a record (`export`: `--format json` carries a SHA-256 of
its messages, see the README for what that proves; `csv` one row per message).

Every message with its delivery state, error code, sender number, who sent each reply (only
this machine's own sends are "You"), attachments, and STOP/START events. It reads the store
only to know which replies were sent here, so it works alongside a running app.
"""

from __future__ import annotations

import sys

from .exits import EXIT_CODES_HELP, OK, USAGE, CommandError, from_api_error

FORMATS = ("text", "json", "csv")
# exports.thread.FIELDS, written out: the parser is built for every command, `unread` included,
# which must not load pydantic (a test keeps the two equal).
MESSAGE_FIELDS = (
    "id",
    "createdAt",
    "direction",
    "text",
    "status",
    "errorCode",
    "errorDescription",
    "from",
    "to",
    "senderNumber",
    "sentBy",
    "keyword",
    "type",
    "attachments",
)


def add_thread_parser(commands) -> None:
    thread = commands.add_parser("thread", help="print or export a whole conversation (paged from Sakari)")
    sub = thread.add_subparsers(dest="thread_command", metavar="SUBCOMMAND", required=True)
    for name, help_text, default in (
        ("show", "print the conversation as a transcript", "text"),
        ("export", "write the conversation as a record (json with a SHA-256, csv, or text)", "json"),
    ):
        command = sub.add_parser(
            name,
            help=help_text,
            description=f"{help_text[0].upper()}{help_text[1:]}: every message, oldest first.",
            epilog=f"JSON message fields: {', '.join(MESSAGE_FIELDS)}. {EXIT_CODES_HELP}",
        )
        command.add_argument("conversation", metavar="ID", help="the conversation's id (see conversations list)")
        command.add_argument("--format", choices=FORMATS, default=default, help=f"default {default}")
        command.add_argument("--since", metavar="DATE", help="only messages from this date or time on (ISO 8601)")
        command.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of standard output")


def parse_since(text: str | None):
    from datetime import datetime

    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(
            USAGE, f"--since {text!r} is not a date; write it like 2026-11-30 or 2026-11-30T14:00."
        ) from None
    return moment if moment.tzinfo else moment.astimezone()


def run_thread(args) -> int:
    import asyncio

    from .account import open_account, open_store

    since = parse_since(args.since)
    with open_account(demo=args.demo, seed=args.seed) as account:
        # The store only says which replies were sent from here ("You"); without one, none were.
        store = open_store(account, write=account.demo) if account.demo or account.store_path.is_file() else None
        try:
            document = asyncio.run(_export(account, store, args.conversation, args.format, since))
        finally:
            if store is not None:
                store.close()
    if args.output:
        _write(args.output, document)
    else:
        sys.stdout.write(document if document.endswith("\n") else document + "\n")
    return OK


async def _export(account, store, conversation_id: str, fmt: str, since) -> str:
    from ..api import NotFound, SakariError
    from ..exports import export_rows, fetch_whole_thread, format_csv, format_json, format_text, header_of

    client = account.settings.sakari.make_client()
    try:
        try:
            conversation = await client.fetch_conversation(conversation_id)
            messages = await fetch_whole_thread(client, conversation_id, since=since)
        except NotFound:
            raise CommandError(USAGE, f"No conversation {conversation_id!r} on this account.") from None
        except SakariError as error:
            raise from_api_error(error) from None
    finally:
        await client.aclose()
    header = header_of(conversation, since=since)
    rows = export_rows(
        messages,
        sent_here=store.inbox.sent_here(m.id for m in messages if m.id) if store is not None else set(),
        conversation_number=header.contact_number,
        sender_number=header.sender_number,
    )
    if fmt == "json":
        return format_json(rows, header)
    if fmt == "csv":
        return format_csv(rows)
    return format_text(rows, header)


def _write(path: str, document: str) -> None:
    """Written whole or not at all (atomic_file.py); private, as mkstemp made it before."""
    from pathlib import Path

    from ..atomic_file import write_whole

    target = Path(path).expanduser()
    try:
        write_whole(target, document.encode("utf-8"), mode=0o600, prefix=".sakari-export-")
    except OSError as error:
        raise CommandError(USAGE, f"Cannot write {target}: {error.strerror or error}.") from None
