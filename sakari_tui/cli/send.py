"""`sakari-tui send`: one text through the outbox and every guard the app applies.

Refused (exit 3) as the app refuses: an opted-out contact; unfilled placeholders, a text over
`compose.confirm_over_segments`, the recipient's quiet hours and a colleague's answer since the
customer last wrote, unless `--yes` (quiet hours also give way to `--at`). The text goes into the
outbox on disk before any request, so a send killed after its POST is found again by the next
run's reconciliation (`outbox run`, or the app) instead of being sent twice. It waits for the
delivery state (`--no-wait` returns once Sakari has it) and prints the message id and status.
"""

from __future__ import annotations

import sys
from datetime import datetime, timezone

from .exits import API_ERROR, EXIT_CODES_HELP, OFFLINE, OK, REFUSED, UNKNOWN, USAGE, CommandError, from_api_error
from .jsonout import add_json_option, json_and_words, pick, print_json
from .send_later import schedule_send
from .send_wait import left_to_the_app, wait_for_delivery

FIELDS = ("id", "conversationId", "to", "sender", "status", "text", "localId", "sendAt")
NUMBER_CHARACTERS = frozenset("+0123456789()-. ")


def add_send_parser(commands) -> None:
    send = commands.add_parser(
        "send",
        help="send one text through the outbox, with the app's guards",
        description=(
            "Send a text to a number or into a conversation, through the same outbox and checks as the app. "
            "TEXT may be '-' to read it from standard input. A number may be written with spaces "
            "(--to +44 7700 900123): the words after --to that are only digits belong to it."
        ),
        epilog=f"JSON fields: {', '.join(FIELDS)}. {EXIT_CODES_HELP}",
    )
    target = send.add_mutually_exclusive_group(required=True)
    target.add_argument(
        "--to", metavar="NUMBER", help="the recipient's number (national numbers use ui.default_country)"
    )
    target.add_argument("--conversation", metavar="ID", help="reply into this conversation")
    send.add_argument("--sender", metavar="LABEL", help="send from this sender ([[senders]] label or number)")
    send.add_argument("--template", metavar="NAME", help="the text of this template, filled from the contact")
    send.add_argument("--var", action="append", default=[], metavar="KEY=VALUE", help="fill a placeholder (repeatable)")
    send.add_argument("--at", metavar="TIME", help="send later: 'tomorrow 9am', '2h', 'fri 14:00' or their-08:00")
    send.add_argument("--fold-gsm7", action="store_true", help="replace the characters that force UCS-2")
    send.add_argument("--yes", action="store_true", help="send despite the warnings a person would be asked about")
    send.add_argument("--no-wait", action="store_true", help="return once Sakari has it, without waiting for delivery")
    send.add_argument("--wait", type=float, default=60.0, metavar="SECONDS", help="how long to wait (default 60)")
    add_json_option(send, FIELDS)
    send.add_argument("words", nargs="*", metavar="TEXT", help="the text ('-' reads standard input)")


def split_number_and_text(to: str | None, words: list[str]) -> tuple[str | None, str | None]:
    """`--to +44 7700 900123 Hi`: the number's other words, then the text."""
    words = list(words)
    if to is not None:
        while words and words[0] and set(words[0]) <= NUMBER_CHARACTERS and any(ch.isdigit() for ch in words[0]):
            to += " " + words.pop(0)
    text = " ".join(words) if words else None
    return to, text


def run_send(args) -> int:
    import asyncio

    from .account import open_account, open_outbox_store

    fields, words = json_and_words(args.json, FIELDS, list(args.words))
    number, text = split_number_and_text(args.to, words)
    if text == "-":
        text = sys.stdin.read()
    if text is None and not args.template:
        raise CommandError(USAGE, "Nothing to send: give the text, '-' to read it from standard input, or --template.")
    if text is not None and args.template:
        raise CommandError(USAGE, "Give the text or --template, not both.")
    variables = {}
    for pair in args.var:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise CommandError(USAGE, f"--var {pair!r}: write it as KEY=VALUE.")
        variables[key.strip()] = value
    with open_account(demo=args.demo, seed=args.seed) as account:
        store, app_running = open_outbox_store(account, wait=min(args.wait, 10.0))
        try:
            result = asyncio.run(_send(account, store, args, number, text, variables, app_running))
        finally:
            store.close()
    if fields is not None:
        print_json(pick(result, fields))
    elif result.get("sendAt"):
        print(f"Scheduled {result['localId']} for {result['sendAt']} to {result['to']}.")
    else:
        print(f"{result['id']}  {result['status']}")
    return OK


async def _send(account, store, args, number, text, variables, app_running: bool = False) -> dict:
    from ..api import SakariError
    from ..sync import InboxEngine

    engine = InboxEngine(account.settings.sakari.make_client(), store)
    try:
        try:
            if not app_running:  # a running app keeps the store up to date itself
                await engine.sync_conversations()
            return await _guarded_send(engine, account.settings, args, number, text, variables, app_running)
        except SakariError as error:
            raise from_api_error(error) from None
    finally:
        await engine.client.aclose()


async def _target(engine, settings, args, number):
    """(conversation id or None, E.164 number, contact, sender number, group id)."""
    from ..senders import SenderBook
    from ..sms.phones import InvalidNumber, to_e164
    from .conversations import sender_number

    store = engine.store
    book = SenderBook(settings.senders, store.inbox.sender_numbers())
    sender = sender_number(args.sender, book) if args.sender else ""
    if args.conversation:
        conversation = store.inbox.conversation(args.conversation) or await engine.client.fetch_conversation(
            args.conversation
        )
        contact = conversation.contact
        e164 = contact.mobile.number if contact and contact.mobile else None
        own = conversation.phone_number.number if conversation.phone_number else ""
        if sender and own and sender != own:
            raise CommandError(
                USAGE, f"Conversation {args.conversation} is on {own}, not {sender}; leave out --sender."
            )
        if conversation.closed:
            raise CommandError(REFUSED, "This conversation is closed; send with --to to start a new one.")
        return conversation.id, e164, contact, own, None
    try:
        e164 = to_e164(number or "", settings.ui.default_country)
    except InvalidNumber as error:
        raise CommandError(USAGE, str(error)) from None
    rows = [
        row
        for row in store.inbox.rows(unread_first=False)
        if row.number == e164 and not row.closed and (not sender or row.sender_number == sender)
    ]
    if rows:
        conversation = store.inbox.conversation(rows[0].id)
        return rows[0].id, e164, conversation.contact if conversation else None, rows[0].sender_number, None
    contacts = await engine.client.fetch_all_contacts(mobile=e164, limit=5)
    contact = next((c for c in contacts.items if c.mobile and c.mobile.number == e164), None)
    return None, e164, contact, sender, book.group_id(sender) if sender else None


async def _template_text(engine, name: str, contact, variables) -> str:
    from ..sms.templates import contact_context, render

    templates = await engine.templates()
    chosen = next((t for t in templates if (t.name or "").strip().lower() == name.strip().lower()), None)
    if chosen is None:
        known = ", ".join(sorted(t.name or "" for t in templates)[:10]) or "none"
        raise CommandError(USAGE, f"No template named {name!r} (templates: {known}).")
    context = {**contact_context(contact), **variables}
    return render(chosen.template or "", context).text


async def _guarded_send(engine, settings, args, number, text, variables, app_running: bool = False) -> dict:
    from ..sms.guard import UnfilledWarning, check_reply
    from ..sms.segments import to_gsm7
    from ..sms.templates import render
    from ..store import SendState

    conversation_id, e164, contact, sender, group_id = await _target(engine, settings, args, number)
    if args.template:
        text = await _template_text(engine, args.template, contact, variables)
    elif variables:
        text = render(text or "", variables).text
    text = text or ""
    if args.fold_gsm7:
        text = to_gsm7(text).text
    opted_out = await _opted_out(engine, contact)
    now = _now()
    check = check_reply(
        text,
        number=e164,
        opted_out=opted_out,
        compose=settings.compose,
        now_utc=now,
        pressed_at=0.0,
        unfilled_warning=UnfilledWarning(text, 0.0) if args.yes else None,
    )
    if check.refused:
        code = USAGE if "empty" in check.refused else REFUSED
        raise CommandError(code, check.refused.replace("press Ctrl+S again to send as is", "add --yes to send as is"))
    if check.confirm and not args.yes and not args.at:
        raise CommandError(REFUSED, " ".join(check.confirm) + " Add --yes to send anyway, or --at to send later.")
    if conversation_id and settings.compose.collision_guard and not args.yes:
        await _refuse_if_answered(engine, conversation_id)
    if args.at:
        return schedule_send(engine, settings, args, conversation_id, e164, text, now)
    earlier = _same_send_pending(engine, conversation_id, e164, text, group_id)
    if earlier is not None:
        # A run killed after its POST left this row: look for it (never send it again by itself).
        entry = earlier
    elif conversation_id:
        entry = engine.queue_reply(conversation_id, text, keep_draft=True)  # the app's draft is another reply
    else:
        first, last = (contact.first_name, contact.last_name) if contact else (None, None)
        entry = engine.queue_new_conversation(
            e164, text, first_name=first, last_name=last, group_id=group_id, keep_draft=True
        )
    if app_running:
        return await left_to_the_app(engine, args, entry, e164, conversation_id, sender)
    message = await engine.deliver(entry.local_id)
    if message is None:
        left = engine.store.outbox.get(entry.local_id)
        reason = (left.error if left else None) or "Sakari did not take it."
        if left is None or left.state is SendState.FAILED:
            raise CommandError(API_ERROR, f"Not sent: {reason}")
        if left.state is SendState.UNKNOWN:
            raise CommandError(
                UNKNOWN, f"Unknown whether it was sent: {reason} It stays in the outbox; check before sending again."
            )
        raise CommandError(
            OFFLINE, f"Not sent yet: {reason} It waits in the outbox ('sakari-tui outbox run' sends it)."
        )
    status = message.status or "sent"
    if not args.no_wait:
        status = await wait_for_delivery(engine.client, message.id, status, args.wait)
    return {
        "id": message.id,
        "conversationId": message.conversation.id if message.conversation else conversation_id,
        "to": e164,
        "sender": message.phone_number or sender,
        "status": status,
        "text": message.message,
        "localId": entry.local_id,
        "sendAt": None,
    }


async def _opted_out(engine, contact) -> bool:
    """Whether the contact opted out, read from Sakari now (the local mark may be old or missing:
    the app records it when it opens the conversation). A contact that cannot be read is not
    texted unchecked: the API error (offline: 6) stops the send."""
    if contact is None or not contact.id:
        return False  # a number Sakari has no contact for: nobody has opted out yet
    fresh = await engine.client.fetch_contact(contact.id)
    return bool(fresh.opted_out) or engine.store.inbox.is_opted_out(contact.id)


def _now() -> datetime:
    """The present (a test sets it, to land in the recipient's night)."""
    return datetime.now(timezone.utc)


def _same_send_pending(engine, conversation_id, e164, text, group_id=None):
    """The outbox row an earlier run of this same send left (same recipient, same words, no
    attachment, same sender), while it may still be on its way (queued, being sent, or of unknown
    fate and still looked for): its fate is looked up instead of queueing a second copy. A row
    that failed, that the user must decide on, or that carries a file is never taken over."""
    from ..store import SendState

    for entry in engine.store.outbox.all():
        if (
            entry.text != text
            or entry.is_mms
            or entry.state not in (SendState.QUEUED, SendState.SENDING, SendState.UNKNOWN)
        ):
            continue
        if entry.state is SendState.UNKNOWN and engine.gave_up(entry):
            continue
        target = entry.target or {}
        if conversation_id and entry.conversation_id == conversation_id:
            return entry
        if not conversation_id and target.get("number") == e164 and target.get("groupId") == group_id:
            return entry
    return None


async def _refuse_if_answered(engine, conversation_id: str) -> None:
    """A person (a teammate, or a send from elsewhere) answered since the customer last wrote:
    another answer now would be a second one. Automatic texts (auto-replies, campaigns) do not count."""
    from ..sms.authors import AuthorKind
    from ..sms.collision import DraftBase

    messages, _pending = engine.thread(conversation_id, limit=50)
    inbound = [m for m in messages if not m.outgoing]
    base = DraftBase.of(inbound[-1:]) if inbound else DraftBase()
    check = await engine.check_collision(conversation_id, base)
    people = [
        a for a in check.arrivals if a.author.kind in (AuthorKind.PERSON, AuthorKind.TEAMMATE, AuthorKind.ELSEWHERE)
    ]
    if people:
        held = type(check)(arrivals=tuple(people), base=check.base)
        sentence = held.sentence(now=engine.client.server_time(), send_key="--yes", keep_key="leaving it")
        raise CommandError(REFUSED, sentence.replace("while you were writing", "since the customer last wrote"))
