"""The demo data set: deterministic per seed, fresh relative to the clock, and varied enough."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from sakari_tui.simulator import ManualClock, SimulatorConfig
from sakari_tui.simulator.records import MessageRecord
from sakari_tui.simulator.serialize import View, contact_json, conversation_json, message_json, template_json
from sakari_tui.simulator.state import SimulatorState

SCRIPTS = {
    "Japanese": r"[\u3040-\u30ff\u4e00-\u9fff]",
    "Arabic": r"[\u0600-\u06ff]",
    "Hebrew": r"[\u0590-\u05ff]",
    "Cyrillic": r"[\u0400-\u04ff]",
    "Greek": r"[\u0370-\u03ff]",
    "emoji": r"[\U0001F300-\U0001FAFF]",
}


HOSTILE_URL = "file:///etc/passwd"


def _snapshot(state: SimulatorState) -> dict:
    view = View()
    return {
        "contacts": [contact_json(c) for c in state.contacts.values()],
        "conversations": [conversation_json(state, c, view) for c in state.conversations.values()],
        "messages": [message_json(state, m, view) for m in state.messages.values()],
        "templates": [template_json(t) for t in state.templates.values()],
    }


def _state(seed: int = 1, start: float = 1_767_225_600.0) -> SimulatorState:
    return SimulatorState(SimulatorConfig(seed=seed, clock=ManualClock(start)))


def test_same_seed_gives_identical_data_and_another_seed_differs():
    assert _snapshot(_state(1)) == _snapshot(_state(1))
    assert _snapshot(_state(2)) != _snapshot(_state(1))


def test_times_are_relative_to_the_clock():
    early, late = _state(start=1_700_000_000.0), _state(start=1_800_000_000.0)
    shift = 100_000_000.0
    assert [m.created_at + shift for m in early.messages.values()] == pytest.approx(
        [m.created_at for m in late.messages.values()]
    )
    assert max(m.created_at for m in late.messages.values()) <= late.now()
    assert sum(late.now() - c.updated_at < 3600 for c in late.conversations.values()) >= 5


def test_the_demo_has_what_an_inbox_needs_to_show():
    state = _state()
    conversations = list(state.conversations.values())
    messages = list(state.messages.values())
    assert 60 <= len(conversations) <= 100
    assert sum(len(c.message_ids) >= 100 for c in conversations) >= 3
    assert 8 <= sum(bool(c.unread) for c in conversations) <= 30
    assert 10 <= sum(not c.is_open for c in conversations)
    texts = " ".join(m.text for m in messages) + " ".join(
        f"{c.first_name} {c.last_name}" for c in state.contacts.values()
    )
    for script, pattern in SCRIPTS.items():
        assert re.search(pattern, texts), script
    countries = Counter(c.country for c in state.contacts.values())
    assert {"US", "GB", "DE", "FR", "BR", "JP", "IN", "AU"} <= set(countries)
    assert all(re.fullmatch(r"\+[1-9]\d{7,14}", c.mobile) for c in state.contacts.values())
    assert len({c.mobile for c in state.contacts.values()}) == len(state.contacts)
    assert len(state.senders) == 2 and {c.sender_id for c in conversations} == {s.id for s in state.senders}


def test_delivery_states_opt_outs_and_media():
    state = _state()
    messages = list(state.messages.values())
    statuses = Counter(m.status for m in messages)
    assert {"received", "delivered", "sent", "undelivered", "error", "queued"} <= set(statuses)
    failed = [m for m in messages if m.status in ("undelivered", "error")]
    assert all(m.error and m.error["code"] in ("MSG-019", "MSG-033") for m in failed)
    blocked = [c for c in state.contacts.values() if c.blocked_at is not None]
    assert len(blocked) >= 3
    for contact in blocked:
        inbound = [m for m in messages if m.contact_id == contact.id and not m.outgoing]
        assert inbound[-1].text.strip().upper() in ("STOP", "UNSUBSCRIBE")
    assert any(c.opt_in_at is not None and c.blocked_at is None for c in state.contacts.values())
    mms = [m for m in messages if m.kind == "MMS"]
    assert {m.outgoing for m in mms} == {True, False}
    # Every demo MMS links to the simulator's files, except the one hostile attachment.
    served = [m for m in mms if m.media[0]["url"] != HOSTILE_URL]
    assert len(served) == len(mms) - 1 and all(m.media[0]["url"].startswith("/_sim/files/") for m in served)
    contacts_with_closed_and_open = {c.contact_id for c in state.conversations.values() if not c.is_open} & {
        c.contact_id for c in state.conversations.values() if c.is_open
    }
    assert contacts_with_closed_and_open


def test_templates_use_all_three_variable_styles_and_a_custom_attribute():
    templates = [t.template for t in _state().templates.values()]
    assert 6 <= len(templates) <= 10
    assert any("{{ firstName }}" in t for t in templates)
    assert any("{{{firstName}}}" in t for t in templates)
    assert any("{{contact.firstName}}" in t for t in templates)
    assert any("{{ orderNumber }}" in t for t in templates)


async def test_demo_media_links_are_served(demo):
    message = next(m for m in demo.state.messages.values() if m.kind == "MMS")
    data = (await demo.call("GET", f"/messages/{message.id}")).json()["data"]
    link = data["media"][0]["url"]
    assert link.startswith("http://sim.test/_sim/files/")
    image = await demo.client.get(link)
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG")


async def test_the_queued_demo_text_moves_on(demo):
    queued = next(m for m in demo.state.messages.values() if m.status == "queued")
    await demo.advance(3)
    assert demo.state.messages[queued.id].status in ("delivered", "undelivered", "error")


def _with_media(state: SimulatorState, predicate) -> MessageRecord:
    [message] = [m for m in state.messages.values() if any(predicate(item) for item in m.media)]
    return message


def _in_order(state: SimulatorState, conversation_id: str) -> bool:
    ids = state.conversations[conversation_id].message_ids
    times = [(state.messages[mid].created_at, state.messages[mid].seq) for mid in ids]
    return times == sorted(times, key=lambda t: t[0])


async def test_one_hostile_attachment_is_served_exactly_as_given(demo):
    state = demo.state
    hostile = _with_media(state, lambda item: item["url"] == HOSTILE_URL)
    photo = _with_media(state, lambda item: item["filename"] == "damaged-box.png")
    conversation = state.conversations[hostile.conversation_id]
    assert conversation.is_open and hostile.conversation_id != photo.conversation_id
    assert not hostile.outgoing and hostile.kind == "MMS" and hostile.read and "attached" in hostile.text
    assert _in_order(state, hostile.conversation_id)
    data = (await demo.call("GET", f"/messages/{hostile.id}")).json()["data"]
    first, second = data["media"]
    assert first["url"] == "file:///etc/passwd"
    assert first["filename"] == "../../.bashrc\n\x1b[31mrm -rf ~"
    assert (second["url"], second["name"]) == ("javascript:alert(document.cookie)", "invoice.pdf")
    # Before the last message: the inbox row (last message, unread, waiting) is as it was.
    assert hostile.id == conversation.message_ids[-2] and not conversation.unread


async def test_one_older_message_carries_a_large_file(demo):
    state = demo.state
    scan = _with_media(state, lambda item: item["filename"] == "warranty-scan.pdf")
    assert state.now() - scan.created_at > 86400 and _in_order(state, scan.conversation_id)
    data = (await demo.call("GET", f"/messages/{scan.id}")).json()["data"]
    [item] = data["media"]
    assert item["type"] == "application/pdf"
    served = await demo.client.get(item["url"])
    assert served.status_code == 200 and served.headers["content-type"] == "application/pdf"
    assert 2_000_000 <= int(served.headers["content-length"]) == len(served.content) <= 3_000_000
    assert served.content.startswith(b"%PDF-") and served.content.rstrip().endswith(b"%%EOF")
