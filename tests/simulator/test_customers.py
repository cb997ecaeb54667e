"""Simulated customers on a manual clock: replies to delivered texts, new conversations, the toggle."""

from __future__ import annotations

from sakari_tui.simulator.customers import MAX_CATCH_UP

ANN = "+14155550142"


async def _deliver_many(sim, count: int) -> list[str]:
    numbers = [f"+1415555{n:04d}" for n in range(100, 100 + count)]
    response = await sim.send(contacts=[{"mobile": {"number": n}} for n in numbers], template="How was your visit?")
    assert response.status_code == 200
    await sim.advance(3)  # delivered
    return numbers


async def test_customers_reply_within_the_delay_window_after_delivery(make_sim, clock):
    sim = await make_sim(customers=True, reply_probability=1.0, new_conversation_every=(10_000, 10_001))
    numbers = await _deliver_many(sim, 5)
    assert not [m for m in sim.state.messages.values() if not m.outgoing]
    await sim.advance(1.99)
    assert not [m for m in sim.state.messages.values() if not m.outgoing]
    await sim.advance(6.01)
    replies = [m for m in sim.state.messages.values() if not m.outgoing]
    assert len(replies) == 5
    assert {sim.state.contacts[m.contact_id].mobile for m in replies} == set(numbers)
    assert all(m.status == "received" and not m.read and m.text for m in replies)
    for reply in replies:
        sent = next(m for m in sim.state.messages.values() if m.outgoing and m.contact_id == reply.contact_id)
        assert 2 <= reply.created_at - sent.updated_at <= 8
        assert reply.conversation_id == sent.conversation_id


async def test_replies_come_in_the_contacts_language(make_sim):
    sim = await make_sim(customers=True, reply_probability=1.0, new_conversation_every=(10_000, 10_001))
    await sim.call("POST", "/contacts", json={"mobile": {"number": ANN}, "attributes": {"language": "ja"}})
    await sim.send(contacts=[{"mobile": {"number": ANN}}], template="ご注文ありがとうございます")
    await sim.advance(20)
    reply = next(m for m in sim.state.messages.values() if not m.outgoing)
    assert reply.text in ("ありがとうございます！", "了解です", "よろしくお願いします🙏", "わかりました！")


async def test_customers_start_new_conversations_now_and_then(make_sim):
    sim = await make_sim(customers=True, demo_data=True, new_conversation_every=(20, 60))
    before = len([m for m in sim.state.messages.values() if not m.outgoing])
    await sim.advance(19.9)
    assert len([m for m in sim.state.messages.values() if not m.outgoing]) == before
    for _ in range(10):
        await sim.advance(60)
    started = len([m for m in sim.state.messages.values() if not m.outgoing]) - before
    assert 600 / 60 <= started <= 620 / 20 + 1
    top = (await sim.call("GET", "/conversations", params={"limit": 1})).json()["data"][0]
    assert top["lastMessage"]["outgoing"] is False and top["unread"]


async def test_customers_are_off_by_default_and_can_be_toggled(make_sim):
    sim = await make_sim(reply_probability=1.0, new_conversation_every=(1, 2))
    await _deliver_many(sim, 3)
    await sim.advance(120)
    assert not [m for m in sim.state.messages.values() if not m.outgoing]
    response = await sim.client.put("/_sim/customers", json={"enabled": True})
    assert response.json()["data"] == {"enabled": True}
    await sim.advance(3)
    assert [m for m in sim.state.messages.values() if not m.outgoing]


async def test_turning_customers_off_cancels_planned_replies(make_sim):
    sim = await make_sim(customers=True, reply_probability=1.0, new_conversation_every=(10_000, 10_001))
    await _deliver_many(sim, 3)
    sim.state.set_customers(False)
    await sim.advance(60)
    assert not [m for m in sim.state.messages.values() if not m.outgoing]


async def test_opted_out_contacts_never_reply(make_sim):
    sim = await make_sim(customers=True, reply_probability=1.0, new_conversation_every=(10_000, 10_001))
    await sim.send(contacts=[{"mobile": {"number": ANN}}], template="hi")
    await sim.advance(3)
    sim.inbound(ANN, "STOP")
    await sim.advance(60)
    assert [m.text for m in sim.state.messages.values() if not m.outgoing] == ["STOP"]


async def test_a_long_pause_replays_only_a_few_minutes_of_new_conversations(make_sim):
    sim = await make_sim(customers=True, demo_data=True, new_conversation_every=(20, 60))
    before = len(sim.state.conversations)
    await sim.advance(8 * 3600)
    assert len(sim.state.conversations) - before <= MAX_CATCH_UP / 20 + 2
