"""Conversations: order, fetch, close, unread, Sakari's one-open-conversation rule, opt-out keywords."""

from __future__ import annotations

from .spec import validate_response

ANN = "+14155550142"


async def test_list_is_sorted_by_latest_activity_newest_first(demo):
    body = (await demo.call("GET", "/conversations", params={"limit": 100})).json()
    stamps = [item["updated"]["at"] for item in body["data"]]
    assert stamps == sorted(stamps, reverse=True)
    assert all(item["lastMessage"]["created"]["at"] == item["updated"]["at"] for item in body["data"])


async def test_new_inbound_text_moves_its_conversation_to_the_top(demo, clock):
    last = (await demo.call("GET", "/conversations", params={"offset": 50, "limit": 1})).json()["data"][0]
    clock.advance(5)
    demo.inbound(last["contact"]["mobile"]["number"], "Any news?", to=last["phoneNumber"]["number"])
    top = (await demo.call("GET", "/conversations", params={"limit": 1})).json()["data"][0]
    assert top["contact"]["id"] == last["contact"]["id"]
    assert top["lastMessage"]["message"] == "Any news?"


async def test_fetch_and_unknown_id(sim):
    sim.inbound(ANN, "Hello?")
    conversation = next(iter(sim.state.conversations.values()))
    response = await sim.call("GET", f"/conversations/{conversation.id}")
    validate_response("conversations.fetch", response)
    assert response.json()["data"]["id"] == conversation.id
    missing = await sim.call("GET", "/conversations/nope")
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "CONV-001")
    assert (await sim.call("PUT", "/conversations/nope/close")).json()["error"]["code"] == "CONV-001"


async def test_unread_lists_unread_inbound_ids_until_a_reply(sim):
    first = sim.inbound(ANN, "Hello?")
    second = sim.inbound(ANN, "Anyone there?")
    conversation = (await sim.call("GET", "/conversations")).json()["data"][0]
    assert conversation["unread"] == [first, second]
    messages = (await sim.call("GET", "/messages", params={"conversationId": conversation["id"]})).json()["data"]
    assert [m["read"] for m in messages] == [False, False]
    await sim.send(conversations=[conversation["id"]], template="Yes, hi!")
    conversation = (await sim.call("GET", f"/conversations/{conversation['id']}")).json()["data"]
    assert conversation["unread"] == []
    messages = (await sim.call("GET", "/messages", params={"conversationId": conversation["id"]})).json()["data"]
    assert all(m["read"] for m in messages)


async def test_close_sets_closed_and_clears_unread(sim):
    sim.inbound(ANN, "Thanks, all sorted")
    conversation_id = next(iter(sim.state.conversations))
    response = await sim.call("PUT", f"/conversations/{conversation_id}/close")
    validate_response("conversations.close", response)
    data = response.json()["data"]
    assert data["closed"] is True and data["unread"] == []
    again = await sim.call("PUT", f"/conversations/{conversation_id}/close")
    assert again.status_code == 200 and again.json()["data"]["closed"] is True


async def test_closed_as_timestamp_emits_the_docs_drift(make_sim, clock):
    sim = await make_sim(closed_as_timestamp=True)
    sim.inbound(ANN, "hi")
    conversation_id = next(iter(sim.state.conversations))
    assert (await sim.call("GET", f"/conversations/{conversation_id}")).json()["data"]["closed"] is None
    closed = (await sim.call("PUT", f"/conversations/{conversation_id}/close")).json()["data"]["closed"]
    assert closed == "2026-01-01T00:00:00.000Z"


async def test_inbound_to_a_closed_conversation_opens_a_new_one(sim, clock):
    sim.inbound(ANN, "First question")
    old_id = next(iter(sim.state.conversations))
    await sim.call("PUT", f"/conversations/{old_id}/close")
    clock.advance(60)
    sim.inbound(ANN, "Another question")
    listed = (await sim.call("GET", "/conversations")).json()["data"]
    assert len(listed) == 2
    assert listed[0]["id"] != old_id and listed[0]["closed"] is False
    assert listed[1]["id"] == old_id and listed[1]["closed"] is True
    assert listed[0]["contact"]["id"] == listed[1]["contact"]["id"]


async def test_one_open_conversation_per_contact_and_sender_but_parallel_across_senders(sim):
    us, uk = sim.config.senders[0].number, sim.config.senders[1].number
    sim.inbound(ANN, "to the US number", to=us)
    sim.inbound(ANN, "again to the US number", to=us)
    sim.inbound(ANN, "to the UK number", to=uk)
    listed = (await sim.call("GET", "/conversations")).json()["data"]
    assert sorted(item["phoneNumber"]["number"] for item in listed) == sorted([us, uk])


async def test_stop_keywords_opt_out_and_start_opts_back_in(sim):
    for keyword in ("  stop ", "Unsubscribe", "OPT-OUT", "quit"):
        number = f"+1415555{abs(hash(keyword)) % 10000:04d}"
        sim.inbound(number, keyword)
        contact = sim.state.contact_by_mobile(number)
        assert contact.blocked_at is not None, keyword
    sim.inbound(ANN, "stop that please")  # not the whole message: not a keyword
    assert sim.state.contact_by_mobile(ANN).blocked_at is None
    sim.inbound(ANN, "STOP")
    contact_id = sim.state.contact_by_mobile(ANN).id
    blocked = (await sim.call("GET", f"/contacts/{contact_id}")).json()["data"]
    assert blocked["blocked"] == "2026-01-01T00:00:00.000Z"
    sim.inbound(ANN, "start")
    back = (await sim.call("GET", f"/contacts/{contact_id}")).json()["data"]
    assert "blocked" not in back and back["optIn"] == "2026-01-01T00:00:00.000Z"
