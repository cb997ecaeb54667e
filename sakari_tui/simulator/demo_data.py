"""The deterministic demo account: ~80 conversations, templates, campaigns and a few media files.

Same seed and same clock start -> identical data (ids included). Times are relative to the
clock's "now" at creation, so the demo always looks fresh: a few conversations from minutes ago,
more from today, the rest spread over the last six weeks.

The mix covers what an inbox must show: names and texts in many scripts (Japanese, Arabic,
Hebrew, Cyrillic, Greek, Devanagari), emoji, three long threads (100+ messages), unread and
closed conversations, contacts who texted STOP (and one who came back with START), a contact
with parallel conversations on both Sakari numbers, every delivery state including undelivered
and error with an embedded error, MMS in both directions (among them a hostile attachment and a
2.5 MB one: demo_attachments), and one text still on its way.

It is a team's inbox: Alex answers most conversations and Jordan some (from the Hub, named in
`created.by`), and the Sales Group's auto-responder answered the first text of each Sales
conversation of the last two weeks (it was switched on then).

Who is in it (people, roles, templates, campaigns) is `demo_cast.py`; this module builds it.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .config import SenderNumber
from .conversations import (
    CARRIER_ERROR,
    UNDELIVERED_ERROR,
    add_message,
    close_conversation,
    conversation_for,
    mark_read,
    queue_outgoing,
)
from .demo_attachments import add_attachments
from .demo_cast import (
    AGENT,
    BOTH_NUMBERS,
    CAME_BACK,
    CAMPAIGNS,
    CLOSED_THEN_NEW,
    EUROPE,
    JORDAN,
    LONG_THREADS,
    NUMBER_SHAPES,
    OPTED_OUT,
    PERSONAS,
    TEMPLATES,
)
from .demo_text import PhraseBank, phrases
from .files import store_file, tiny_png
from .messaging import apply_keywords
from .pictures import picture_png
from .records import Actor, CampaignRecord, ContactRecord, ConversationRecord, TemplateRecord, autoresponder_actor

if TYPE_CHECKING:
    from .state import SimulatorState

MINUTE, HOUR, DAY = 60.0, 3600.0, 86400.0
# How long ago the Sales auto-responder was switched on, and Jordan's share of the conversations.
AUTO_REPLIES_FOR = 14 * DAY
JORDANS_SHARE = 0.35


@dataclass
class _Plan:
    """One conversation to build."""

    contact: ContactRecord
    sender: SenderNumber
    end: float
    length: int
    closed: bool = False
    unread: bool = False
    opt_out_word: str | None = None
    came_back: bool = False
    agent: Actor = field(default_factory=lambda: AGENT)
    auto_reply: bool = False


def _ascii(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if ch.isascii() and (ch.isalnum() or ch in ".-"))


def _unique_number(rng: random.Random, country: str, taken: set[str]) -> str:
    prefixes, digits = NUMBER_SHAPES[country]
    while True:
        number = rng.choice(prefixes) + "".join(rng.choice("0123456789") for _ in range(digits))
        if number.startswith("+1") and number[8:10] != "01":
            number = number[:8] + "01" + number[10:]  # keep US/CA numbers in 555-0100..0199
        if number not in taken:
            taken.add(number)
            return number


def _make_contacts(state: SimulatorState, rng: random.Random, now: float) -> list[ContactRecord]:
    taken = {sender.number for sender in state.senders}
    contacts = []
    for first, last, country, language in PERSONAS:
        created = now - rng.uniform(50, 400) * DAY
        contact = ContactRecord(
            id=state.ids.new(),
            mobile=_unique_number(rng, country, taken),
            country=country,
            created_at=created,
            updated_at=created,
            first_name=first,
            last_name=last,
            created_by=AGENT if first else None,
            updated_by=AGENT if first else None,
        )
        if first:
            contact.attributes = {
                "language": language,
                "orderNumber": str(rng.randint(4000, 9999)),
                "plan": rng.choice(("Basic", "Basic", "Pro")),
            }
            ascii_name = f"{_ascii(first)}.{_ascii(last or '')}".lower().strip(".")
            if rng.random() < 0.8 and _ascii(first) and _ascii(last or ""):
                contact.email = f"{ascii_name}@example.com"
            contact.tags = [
                {"tag": tag, "visible": True}
                for tag, chance in (("newsletter", 0.4), ("vip", 0.12), ("wholesale", 0.06))
                if rng.random() < chance
            ]
        else:
            contact.attributes = {"language": language}
        state.contacts[contact.id] = contact
        state.contact_ids_by_mobile[contact.mobile] = contact.id
        contacts.append(contact)
    return contacts


def _end_offsets(rng: random.Random, count: int) -> list[float]:
    """Seconds before now of each conversation's last message, most recent first."""
    offsets = [rng.uniform(1, 55) * MINUTE for _ in range(8)]
    offsets += [rng.uniform(1, 20) * HOUR for _ in range(12)]
    offsets += [rng.uniform(1, 42) * DAY for _ in range(max(0, count - 20))]
    return sorted(offsets[:count])


def _plans(state: SimulatorState, rng: random.Random, contacts: list[ContactRecord], now: float) -> list[_Plan]:
    us, uk = state.senders[0], state.senders[-1]
    plans: list[_Plan] = []
    for contact in contacts:
        name = (contact.first_name, contact.last_name)
        sender = uk if contact.country in EUROPE else us
        length = LONG_THREADS.get(name, rng.choice((2, 3, 4, 5, 6, 8, 10, 12)))
        came_back = name == CAME_BACK
        opt_out_word = "STOP" if came_back else OPTED_OUT.get(name)
        plans.append(_Plan(contact, sender, 0.0, length, opt_out_word=opt_out_word, came_back=came_back))
        if name in BOTH_NUMBERS:
            plans.append(_Plan(contact, us if sender is uk else uk, 0.0, rng.choice((3, 4, 6))))
    rng.shuffle(plans)
    for plan, offset in zip(plans, _end_offsets(rng, len(plans)), strict=True):
        plan.end = now - offset
        # Older conversations are often closed; recent ones that end with the customer are unread.
        plan.closed = offset > 2 * DAY and rng.random() < 0.3
        plan.unread = offset < 20 * HOUR and rng.random() < 0.65
    return plans


def _lines(rng: random.Random, bank: PhraseBank, length: int) -> list[tuple[bool, str]]:
    """(outgoing, text) pairs: the customer opens, then the two sides take turns, now and then twice."""
    lines: list[tuple[bool, str]] = [(False, rng.choice(bank.openers))]
    while len(lines) < length:
        outgoing = not lines[-1][0] if rng.random() < 0.8 else lines[-1][0]
        pool = bank.agent if outgoing else bank.customer
        text = rng.choice(pool)
        if text == lines[-1][1]:
            text = pool[(pool.index(text) + 1) % len(pool)]
        lines.append((outgoing, text))
    return lines


def _times(rng: random.Random, end: float, count: int) -> list[float]:
    """Ascending message times ending at `end`: short gaps inside a session, long ones between."""
    times = [end]
    for index in range(count - 1):
        gap = rng.uniform(3, 36) * HOUR if index % 8 == 7 else rng.uniform(0.3, 14) * MINUTE
        times.append(times[-1] - gap)
    return times[::-1]


def _build(state: SimulatorState, rng: random.Random, plan: _Plan, statuses: list[str]) -> ConversationRecord:
    bank = phrases(plan.contact.attributes.get("language"))
    lines = _lines(rng, bank, plan.length)
    if plan.unread and lines[-1][0]:
        lines.append((False, rng.choice(bank.customer)))
    if plan.opt_out_word:
        lines.append((False, plan.opt_out_word))
        if plan.came_back:
            lines += [(False, "START"), (True, rng.choice(bank.agent))]
    times = _times(rng, plan.end, len(lines))
    conversation = conversation_for(state, plan.contact, plan.sender.id, times[0])
    for index, ((outgoing, text), at) in enumerate(zip(lines, times, strict=True)):
        if outgoing:
            add_message(
                state,
                conversation,
                text=text,
                outgoing=True,
                status="delivered",
                at=at,
                template=text,
                created_by=plan.agent,
            )
        else:
            apply_keywords(state, plan.contact, text, at)
            add_message(state, conversation, text=text, outgoing=False, status="received", at=at)
        if index == 0 and plan.auto_reply:
            _add_auto_reply(state, conversation, at + state.config.auto_reply_delay)
    _settle_reads(state, conversation, plan.unread)
    _assign_statuses(state, conversation, statuses)
    if plan.closed:
        close_conversation(state, conversation, plan.end + rng.uniform(10 * MINUTE, 6 * HOUR))
    return conversation


def _add_auto_reply(state: SimulatorState, conversation: ConversationRecord, at: float) -> None:
    sender = state.sender(conversation.sender_id)
    text = state.config.auto_reply_text
    by = autoresponder_actor(sender.group_id, sender.group_name)
    add_message(state, conversation, text=text, outgoing=True, status="delivered", at=at, template=text, created_by=by)


def _staff(state: SimulatorState, team: random.Random, plan: _Plan, now: float) -> _Plan:
    """Who answers the conversation (the long-running customers are Alex's), and whether the
    auto-responder was on when it opened."""
    long_thread = (plan.contact.first_name, plan.contact.last_name) in LONG_THREADS
    plan.agent = JORDAN if team.random() < JORDANS_SHARE and not long_thread else AGENT
    plan.auto_reply = (
        state.config.auto_responder
        and plan.sender.group_id == state.config.auto_responder_group
        and now - plan.end < AUTO_REPLIES_FOR
    )
    return plan


def _owner(state: SimulatorState, conversation: ConversationRecord) -> Actor:
    """The colleague who answered the conversation in the Hub (Alex if nobody has yet)."""
    hub = (state.messages[mid].created_by or {} for mid in reversed(conversation.message_ids))
    return next((by for by in hub if by.get("source") == "hub"), AGENT)


def _settle_reads(state: SimulatorState, conversation: ConversationRecord, unread: bool) -> None:
    """Only the customer's texts after the agent's last reply stay unread, and only if planned."""
    last_out = max(
        (index for index, mid in enumerate(conversation.message_ids) if state.messages[mid].outgoing), default=-1
    )
    trailing = set(conversation.message_ids[last_out + 1 :]) if unread else set()
    mark_read(state, conversation)
    for message_id in conversation.message_ids:
        if message_id in trailing:
            state.messages[message_id].read = False
            conversation.unread.append(message_id)


def _assign_statuses(state: SimulatorState, conversation: ConversationRecord, statuses: list[str]) -> None:
    """Give the conversation's last text, if outgoing, the next special status in line."""
    last_out = state.messages[conversation.message_ids[-1]]
    if not last_out.outgoing or not statuses:
        return
    last_out.status = statuses.pop(0)
    last_out.error = {"undelivered": UNDELIVERED_ERROR, "error": CARRIER_ERROR}.get(last_out.status)
    last_out.error = dict(last_out.error) if last_out.error else None


def _load_templates(state: SimulatorState, rng: random.Random, now: float) -> None:
    for name, text, kind in TEMPLATES:
        created = now - rng.uniform(30, 200) * DAY
        template = TemplateRecord(
            id=state.ids.new(),
            name=name,
            template=text,
            type=kind,
            created_at=created,
            updated_at=created,
            created_by=AGENT,
        )
        state.templates[template.id] = template


def _load_campaigns(state: SimulatorState, rng: random.Random, now: float) -> None:
    for name, template, tags in CAMPAIGNS:
        created = now - rng.uniform(5, 60) * DAY
        campaign = CampaignRecord(
            id=state.ids.new(),
            created_at=created,
            updated_at=created,
            created_by=AGENT,
            fields={
                "name": name,
                "template": template,
                "trigger": {"code": "M"},
                "filters": {"tags": tags, "attributes": [], "contacts": []},
                "reporting": {"when": "NoReport"},
            },
        )
        state.campaigns[campaign.id] = campaign


def _add_media(state: SimulatorState, rng: random.Random, conversations: list[ConversationRecord], now: float) -> None:
    """An MMS each way: the agent sends a store map, a customer sends a photo of a damaged box; then
    a hostile attachment and a large one (see demo_attachments)."""
    store_map = store_file(state, tiny_png(64, 48, (46, 125, 50)), "store-map.png", "image/png", now - 2 * DAY)
    photo = store_file(state, picture_png("parcel"), "damaged-box.png", "image/png", now - DAY)
    candidates = [
        conversation
        for conversation in conversations
        if conversation.is_open and state.contacts[conversation.contact_id].blocked_at is None
    ]
    outgoing_to, inbound_from = candidates[4], candidates[9]
    for conversation, file, outgoing, text in (
        (outgoing_to, store_map, True, "Here's the map to our new store 🗺️"),
        (inbound_from, photo, False, "This is how the box arrived 😞"),
    ):
        at = state.messages[conversation.message_ids[-1]].created_at + rng.uniform(1, 5) * MINUTE
        media = [{"url": file.path, "type": file.content_type, "filename": file.filename, "name": file.filename}]
        add_message(
            state,
            conversation,
            text=text,
            outgoing=outgoing,
            kind="MMS",
            media=media,
            status="delivered" if outgoing else "received",
            at=min(at, now - 1),
            template=text if outgoing else None,
            created_by=_owner(state, conversation) if outgoing else None,
        )
        if not outgoing and len(conversation.unread) == 1:
            mark_read(state, conversation)  # it was not an unread conversation
    add_attachments(state, candidates, {outgoing_to.id, inbound_from.id}, now)


def load_demo_data(state: SimulatorState) -> None:
    """Fill an empty state with the demo account for `state.config.seed`."""
    rng = random.Random(f"demo-{state.config.seed}")
    # The team's part draws from its own generator, so the rest of the story stays as it was.
    team = random.Random(f"demo-team-{state.config.seed}")
    now = state.now()
    with state.lock:
        _load_templates(state, rng, now)
        _load_campaigns(state, rng, now)
        contacts = _make_contacts(state, rng, now)
        plans = _plans(state, rng, contacts, now)
        # Special delivery states for the last outgoing text of a handful of conversations.
        statuses = ["undelivered", "sent", "error", "undelivered", "sent"]
        by_recency: list[ConversationRecord] = []
        for plan in sorted(plans, key=lambda plan: plan.end):
            name = (plan.contact.first_name, plan.contact.last_name)
            if name in CLOSED_THEN_NEW:
                old_end = plan.end - rng.uniform(3, 20) * DAY
                old = _Plan(plan.contact, plan.sender, old_end, rng.choice((3, 5, 7)), closed=True)
                _build(state, rng, _staff(state, team, old, now), [])
            by_recency.append(
                _build(state, rng, _staff(state, team, plan, now), statuses if rng.random() < 0.25 else [])
            )
        by_recency.sort(key=lambda conversation: conversation.updated_at, reverse=True)
        _add_media(state, rng, by_recency, now)
        # One text is still on its way when the demo starts, so statuses visibly move.
        newest = next(
            conversation
            for conversation in by_recency
            if conversation.is_open and state.contacts[conversation.contact_id].blocked_at is None
        )
        contact = state.contacts[newest.contact_id]
        text = phrases(contact.attributes.get("language")).agent[0]
        queue_outgoing(state, contact, newest.sender_id, text, now, template=text, created_by=_owner(state, newest))
