"""Sending, listing and fetching messages; per-recipient errors; statuses advancing over time."""

from __future__ import annotations

import pytest

from .spec import validate_response

ANN = "+14155550142"
BEN = "+447700900456"


async def _contact(sim, number=ANN, **fields) -> dict:
    response = await sim.call("POST", "/contacts", json={"mobile": {"number": number}, **fields})
    assert response.status_code == 201, response.text
    return response.json()["data"][0]


async def test_send_to_a_new_number_creates_contact_and_conversation(sim):
    response = await sim.send(
        contacts=[{"mobile": {"number": "(415) 555-0142", "country": "US"}, "firstName": "Ann"}],
        template="Hi {{ firstName }}!",
    )
    validate_response("messages.send", response)
    data = response.json()["data"]
    assert (data["requested"], data["valid"], data["invalid"]) == (1, 1, [])
    message = data["messages"][0]
    assert message["message"] == "Hi Ann!" and message["template"] == "Hi {{ firstName }}!"
    assert message["status"] == "queued" and message["outgoing"] is True and message["type"] == "SMS"
    assert message["contact"]["mobile"] == {"number": ANN, "country": "US"}
    assert message["phoneNumber"] == "+14155550100"
    assert data["estimatedPrice"] == pytest.approx(0.0079)
    assert data["jobId"] and message["jobId"] == data["jobId"]
    assert len(sim.state.conversations) == 1


async def test_template_styles_and_custom_attribute_are_rendered(sim):
    contact = await _contact(sim, firstName="Zoë", lastName="Ng", attributes={"orderNumber": "4471"})
    template = "{{ firstName }}|{{{firstName}}}|{{contact.firstName}}|{{{ contact.lastName }}}|{{orderNumber}}|{{attributes.orderNumber}}|{{missing}}"
    data = (await sim.send(contacts=[{"id": contact["id"]}], template=template)).json()["data"]
    assert data["messages"][0]["message"] == "Zoë|Zoë|Zoë|Ng|4471|4471|"


async def test_a_reply_with_a_placeholder_is_listed_rendered_as_sakari_stores_it(sim):
    contact = await _contact(sim, firstName="Sipho")
    sim.inbound(ANN, "Is it ready?")
    conversation_id = next(iter(sim.state.conversations))
    await sim.send(conversations=[conversation_id], template="Hi {{firstName}}, it is ready")
    listed = (await sim.call("GET", "/messages", params={"contactId": contact["id"]})).json()["data"]
    assert listed[0]["message"] == "Hi Sipho, it is ready"


async def test_reply_by_conversation_id_goes_into_that_conversation(sim):
    sim.inbound(ANN, "Where is my order?")
    conversation_id = next(iter(sim.state.conversations))
    data = (await sim.send(conversations=[conversation_id], template="On its way 🚚")).json()["data"]
    assert data["messages"][0]["conversation"]["id"] == conversation_id
    assert len(sim.state.conversations) == 1


async def test_reply_to_a_closed_conversation_opens_a_new_one(sim):
    sim.inbound(ANN, "Thanks!")
    old_id = next(iter(sim.state.conversations))
    await sim.call("PUT", f"/conversations/{old_id}/close")
    data = (await sim.send(conversations=[old_id], template="One more thing")).json()["data"]
    new_id = data["messages"][0]["conversation"]["id"]
    assert new_id != old_id
    assert sim.state.conversations[new_id].is_open
    assert sim.state.conversations[new_id].contact_id == sim.state.conversations[old_id].contact_id


async def test_send_follows_up_from_the_number_the_contact_last_used(sim):
    sim.inbound(ANN, "hello UK", to="+447700900100")
    data = (await sim.send(contacts=[{"mobile": {"number": ANN}}], template="hi")).json()["data"]
    assert data["messages"][0]["phoneNumber"] == "+447700900100"


async def test_phone_number_filter_picks_the_sender_group(sim):
    data = (
        await sim.send(
            contacts=[{"mobile": {"number": ANN}}], template="hi", phoneNumberFilter={"group": {"id": "grp-sales"}}
        )
    ).json()["data"]
    assert data["messages"][0]["phoneNumber"] == "+447700900100"
    response = await sim.send(
        contacts=[{"mobile": {"number": ANN}}], template="hi", phoneNumberFilter={"group": {"id": "nope"}}
    )
    assert (response.status_code, response.json()["error"]["code"]) == (400, "MSG-001")


async def test_filters_by_tag_and_attribute_broadcast(sim):
    await _contact(sim, ANN, tags=[{"tag": "vip", "visible": True}], attributes={"spend": "250"})
    await _contact(sim, BEN, tags=[{"tag": "vip", "visible": True}], attributes={"spend": "90"})
    await _contact(sim, "+14155550199")
    data = (await sim.send(filters={"tags": ["vip"]}, template="Early access!")).json()["data"]
    assert data["valid"] == 2
    data = (
        await sim.send(
            filters={"tags": ["vip"], "attributes": [{"name": "spend", "comparator": ">", "value": "100"}]},
            template="Big spender",
        )
    ).json()["data"]
    assert [m["contact"]["mobile"]["number"] for m in data["messages"]] == [ANN]


async def test_same_contact_twice_gets_one_text(sim):
    contact = await _contact(sim)
    data = (await sim.send(contacts=[{"id": contact["id"]}, {"mobile": {"number": ANN}}], template="once")).json()[
        "data"
    ]
    assert data["requested"] == 1 and data["valid"] == 1


async def test_mixed_recipients_report_invalid_ones_with_embedded_errors(sim):
    sim.inbound(BEN, "STOP")
    response = await sim.send(
        contacts=[
            {"mobile": {"number": ANN}},
            {"mobile": {"number": "12"}},
            {"mobile": {"number": BEN}},
            {"id": "nope"},
        ],
        conversations=["missing"],
        template="Hello",
    )
    validate_response("messages.send", response)
    data = response.json()["data"]
    assert data["requested"] == 5 and data["valid"] == 1
    codes = sorted(item["error"]["code"] for item in data["invalid"])
    assert codes == ["CONT-001", "CONT-002", "CONT-010", "CONV-001"]
    assert all(item["valid"] is False and "description" in item["error"] for item in data["invalid"])


async def test_reply_to_opted_out_contact_is_a_clean_400_cont_010(sim):
    sim.inbound(ANN, "STOP")
    conversation_id = next(iter(sim.state.conversations))
    before = len(sim.state.messages)
    response = await sim.send(conversations=[conversation_id], template="Are you sure?")
    assert response.status_code == 400
    assert response.json() == {
        "success": False,
        "error": {"code": "CONT-010", "message": "Contact has requested no further communication"},
    }
    assert len(sim.state.messages) == before


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"contacts": [{"mobile": {"number": ANN}}], "template": "   "}, "MSG-002"),
        ({"contacts": [{"mobile": {"number": ANN}}]}, "MSG-002"),
        ({"template": "hello"}, "MSG-003"),
        ({"contacts": [], "conversations": [], "template": "hello"}, "MSG-003"),
        ({"contacts": [{"mobile": {"number": "not a number"}}], "template": "hello"}, "CONT-001"),
        ({"contacts": [{"firstName": "No number"}], "template": "hello"}, "CONT-001"),
        ({"conversations": ["nope"], "template": "hello"}, "CONV-001"),
        ({"contacts": [{"mobile": {"number": ANN}}], "template": "a" * 1531}, "MSG-007"),
        ({"contacts": [{"mobile": {"number": ANN}}], "template": "😀" * 336}, "MSG-007"),
        ({"contacts": "everyone", "template": "hello"}, "REQ-001"),
        ({"contacts": [{"mobile": {"number": ANN}}], "template": 5}, "REQ-001"),
        ({"contacts": [{"mobile": {"number": ANN}}], "template": "x", "type": "FAX"}, "REQ-001"),
    ],
)
async def test_refused_sends_are_400_and_change_nothing(sim, body, code):
    response = await sim.send(**body)
    assert (response.status_code, response.json()["error"]["code"]) == (400, code), response.text
    assert not sim.state.messages and not sim.state.contacts


async def test_ten_segments_is_still_allowed(sim):
    response = await sim.send(contacts=[{"mobile": {"number": ANN}}], template="a" * 1530)
    message = response.json()["data"]["messages"][0]
    assert message["segments"] == 10 and message["price"] == pytest.approx(0.079)


async def test_segments_and_price_follow_encoding_and_country(sim):
    data = (await sim.send(contacts=[{"mobile": {"number": BEN}}], template="ê" * 71)).json()["data"]
    assert data["messages"][0]["segments"] == 2
    assert data["messages"][0]["price"] == pytest.approx(0.08)


async def test_mms_with_media(sim):
    data = (
        await sim.send(
            contacts=[{"mobile": {"number": ANN}}],
            template="Map attached",
            media=[{"url": "https://example.com/map.png"}],
            type="MMS",
        )
    ).json()["data"]
    message = data["messages"][0]
    assert message["type"] == "MMS" and message["media"][0]["url"] == "https://example.com/map.png"
    assert message["price"] == pytest.approx(0.02)


async def test_status_progresses_queued_sent_delivered(sim):
    message_id = (await sim.send(contacts=[{"mobile": {"number": ANN}}], template="hi")).json()["data"]["messages"][0][
        "id"
    ]

    async def status() -> str:
        response = await sim.call("GET", f"/messages/{message_id}")
        validate_response("messages.fetch", response)
        return response.json()["data"]["status"]

    assert await status() == "queued"
    sim.clock.advance(0.99)
    assert await status() == "queued"
    sim.clock.advance(0.01)
    assert await status() == "sent"
    sim.clock.advance(2)
    assert await status() == "delivered"


async def test_failures_end_undelivered_or_error_with_an_embedded_error(make_sim):
    sim = await make_sim(failure_rate=1.0)
    sent = (
        await sim.send(contacts=[{"mobile": {"number": f"+1415555{n:04d}"}} for n in range(20)], template="hi")
    ).json()
    await sim.advance(5)
    messages = [(await sim.call("GET", f"/messages/{m['id']}")).json()["data"] for m in sent["data"]["messages"]]
    outcomes = {(m["status"], m["error"]["code"]) for m in messages}
    assert outcomes == {("undelivered", "MSG-019"), ("error", "MSG-033")}
    assert all("description" in m["error"] for m in messages)


async def test_inbound_messages_are_received_and_unread(sim):
    message_id = sim.inbound(ANN, "Hello 👋")
    data = (await sim.call("GET", f"/messages/{message_id}")).json()["data"]
    assert (data["status"], data["outgoing"], data["read"], data["price"]) == ("received", False, False, 0.0)


async def test_list_is_newest_first_and_filters_by_conversation_and_contact(sim, clock):
    sim.inbound(ANN, "one")
    clock.advance(1)
    sim.inbound(BEN, "other")
    clock.advance(1)
    sim.inbound(ANN, "two")
    everything = await sim.call("GET", "/messages")
    validate_response("messages.fetchAll", everything)
    assert [m["message"] for m in everything.json()["data"]] == ["two", "other", "one"]
    ann = sim.state.contact_by_mobile(ANN)
    by_contact = (await sim.call("GET", "/messages", params={"contactId": ann.id})).json()["data"]
    assert [m["message"] for m in by_contact] == ["two", "one"]
    conversation_id = by_contact[0]["conversation"]["id"]
    by_conversation = (await sim.call("GET", "/messages", params={"conversationId": conversation_id})).json()
    assert [m["message"] for m in by_conversation["data"]] == ["two", "one"]
    assert by_conversation["pagination"]["totalCount"] == 2
    assert (await sim.call("GET", "/messages", params={"conversationId": "nope"})).json()["data"] == []


async def test_unknown_message_is_404_msg_004(sim):
    response = await sim.call("GET", "/messages/nope")
    assert (response.status_code, response.json()["error"]["code"]) == (404, "MSG-004")
