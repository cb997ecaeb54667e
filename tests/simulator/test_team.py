"""The account as a team: two Groups, who sent each text (`created.by`), a colleague in the Hub,
the Sales auto-responder, `phoneNumberFilter.group.id` and unknown send fields. ManualClock only."""

from __future__ import annotations

import pytest

from sakari_tui.simulator import ManualClock, SimulatorConfig
from sakari_tui.simulator.state import SimulatorState

from .spec import validate_response

US_CUSTOMER = "+14155550142"
UK_CUSTOMER = "+447700900456"
SUPPORT_NUMBER = "+14155550100"
SALES_NUMBER = "+447700900100"

API_BY = {"id": "api", "source": "api"}
ALEX_BY = {
    "id": "usr-demo-agent",
    "firstName": "Alex",
    "lastName": "Rivera",
    "name": "Alex Rivera",
    "email": "alex.rivera@example.com",
    "source": "hub",
}
JORDAN_BY = {
    "id": "usr-demo-jordan",
    "firstName": "Jordan",
    "lastName": "Lee",
    "name": "Jordan Lee",
    "email": "jordan.lee@example.com",
    "source": "hub",
}
SALES_AUTO_BY = {
    "id": "autoresponder-grp-sales",
    "name": "Sales auto-responder",
    "source": "autoresponder",
    "subSource": "any",
}

# Simulated customers on, but they neither reply nor open conversations on their own.
QUIET_CUSTOMERS = {"customers": True, "reply_probability": 0.0, "new_conversation_every": (10_000, 10_001)}


def _outgoing(sim, conversation_id: str | None = None) -> list:
    return [
        m
        for m in sim.state.messages.values()
        if m.outgoing and (conversation_id is None or m.conversation_id == conversation_id)
    ]


def _conversation_of(sim, message_id: str) -> str:
    return sim.state.messages[message_id].conversation_id


async def _listed_by(sim, conversation_id: str) -> tuple[list[dict], dict]:
    """`created.by` of the conversation's outgoing messages (GET /messages) and of its lastMessage."""
    listed = (await sim.call("GET", "/messages", params={"conversationId": conversation_id})).json()["data"]
    conversation = (await sim.call("GET", f"/conversations/{conversation_id}")).json()["data"]
    return [m["created"].get("by") for m in listed if m["outgoing"]], conversation["lastMessage"]["created"].get("by")


# -- Groups --------------------------------------------------------------------------------------


def test_the_demo_account_has_a_support_and_a_sales_group_in_two_countries():
    state = SimulatorState(SimulatorConfig(clock=ManualClock()))
    groups = {(s.group_id, s.group_name, s.number, s.country) for s in state.senders}
    assert groups == {("grp-support", "Support", SUPPORT_NUMBER, "US"), ("grp-sales", "Sales", SALES_NUMBER, "GB")}
    assert {c.sender_id for c in state.conversations.values()} == {s.id for s in state.senders}


async def test_a_conversation_names_its_group(sim):
    sim.inbound(UK_CUSTOMER, "Hello", to=SALES_NUMBER)
    conversation = (await sim.call("GET", "/conversations")).json()["data"][0]
    assert conversation["phoneNumber"]["group"] == {"id": "grp-sales", "name": "Sales"}


# -- created.by per kind ---------------------------------------------------------------------------


async def test_a_text_sent_through_the_api_is_by_the_api_without_names(sim):
    response = await sim.send(contacts=[{"mobile": {"number": US_CUSTOMER}}], template="Hi")
    validate_response("messages.send", response)
    message = response.json()["data"]["messages"][0]
    assert message["created"]["by"] == API_BY
    assert await _listed_by(sim, message["conversation"]["id"]) == ([API_BY], API_BY)


async def test_contacts_created_through_the_api_still_name_the_api(sim):
    response = await sim.call("POST", "/contacts", json={"mobile": {"number": US_CUSTOMER}})
    assert response.json()["data"][0]["created"]["by"]["id"] == "api"


@pytest.mark.parametrize(("colleague", "by"), [("alex", ALEX_BY), ("jordan", JORDAN_BY), (None, ALEX_BY)])
async def test_a_colleagues_hub_reply_carries_their_name(sim, colleague, by):
    conversation_id = _conversation_of(sim, sim.inbound(US_CUSTOMER, "Where is my order?"))
    message = sim.state.colleague_reply(conversation_id, "On its way!", by=colleague)
    assert (message.text, message.status, message.created_by) == ("On its way!", "queued", by)
    assert await _listed_by(sim, conversation_id) == ([by], by)
    await sim.advance(3)
    assert sim.state.messages[message.id].status == "delivered"
    assert not sim.state.conversations[conversation_id].unread


async def test_a_colleague_reply_without_text_is_a_line_in_the_customers_language(sim):
    await sim.call("POST", "/contacts", json={"mobile": {"number": UK_CUSTOMER}, "attributes": {"language": "de"}})
    conversation_id = _conversation_of(sim, sim.inbound(UK_CUSTOMER, "Hallo, wann kommt meine Bestellung an?"))
    message = sim.state.colleague_reply(conversation_id)
    assert message.text.startswith("Hallo!") and message.sender_id == "pn-uk-support"


async def test_the_colleague_reply_admin_endpoint(sim):
    conversation_id = _conversation_of(sim, sim.inbound(US_CUSTOMER, "Hi"))
    response = await sim.client.post(
        "/_sim/colleague-reply", json={"conversationId": conversation_id, "text": "Hello!", "colleague": "jordan"}
    )
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    assert (data["message"], data["outgoing"], data["created"]["by"]) == ("Hello!", True, JORDAN_BY)
    assert data["conversation"]["id"] == conversation_id
    default = (await sim.client.post("/_sim/colleague-reply", json={"conversationId": conversation_id})).json()
    assert default["data"]["created"]["by"] == ALEX_BY and default["data"]["message"]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"conversationId": "nope"}, 404, "CONV-001"),
        ({}, 400, "REQ-001"),
        ({"conversationId": "CONVERSATION", "colleague": "sam"}, 400, "REQ-001"),
        ({"conversationId": "CONVERSATION", "text": 5}, 400, "REQ-001"),
    ],
)
async def test_the_colleague_reply_endpoint_refuses_bad_bodies(sim, body, status, code):
    conversation_id = _conversation_of(sim, sim.inbound(US_CUSTOMER, "Hi"))
    body = {key: conversation_id if value == "CONVERSATION" else value for key, value in body.items()}
    response = await sim.client.post("/_sim/colleague-reply", json=body)
    assert (response.status_code, response.json()["error"]["code"]) == (status, code)
    assert not _outgoing(sim)


async def test_a_colleague_cannot_text_an_opted_out_contact(sim):
    conversation_id = _conversation_of(sim, sim.inbound(US_CUSTOMER, "STOP"))
    response = await sim.client.post("/_sim/colleague-reply", json={"conversationId": conversation_id})
    assert (response.status_code, response.json()["error"]["code"]) == (400, "CONT-010")


# -- the simulated colleague -----------------------------------------------------------------------


async def test_a_colleague_answers_only_conversations_still_waiting(make_sim):
    sim = await make_sim(**QUIET_CUSTOMERS, colleague_probability=1.0, auto_responder=False)
    waiting = _conversation_of(sim, sim.inbound("+14155550101", "Is my order on its way?"))
    answered = _conversation_of(sim, sim.inbound("+14155550102", "Do you ship to Canada?"))
    await sim.send(conversations=[answered], template="We do!")
    closed = _conversation_of(sim, sim.inbound("+14155550103", "Thanks, all good"))
    await sim.call("PUT", f"/conversations/{closed}/close")
    opted_out = _conversation_of(sim, sim.inbound("+14155550104", "Hello?"))
    sim.inbound("+14155550104", "STOP")
    await sim.advance(11.9)
    assert len(_outgoing(sim)) == 1  # only the API's reply: a colleague waits at least 12 s
    await sim.advance(18.2)
    hub = [m for m in _outgoing(sim) if m.created_by and m.created_by["source"] == "hub"]
    assert [m.conversation_id for m in hub] == [waiting]
    assert hub[0].created_by in (ALEX_BY, JORDAN_BY)
    assert not [m for m in sim.state.messages.values() if m.conversation_id in (closed, opted_out) and m.outgoing]
    await sim.advance(120)
    assert len(_outgoing(sim, waiting)) == 1  # answered once, not again


async def test_a_colleagues_answer_is_delivered_and_customers_reply_to_it(make_sim):
    sim = await make_sim(
        customers=True, reply_probability=1.0, new_conversation_every=(10_000, 10_001), colleague_probability=1.0
    )
    conversation_id = _conversation_of(sim, sim.inbound(US_CUSTOMER, "Is the store open on Sunday?"))
    await sim.advance(30.1)
    answer = _outgoing(sim, conversation_id)[0]
    await sim.advance(3)
    assert sim.state.messages[answer.id].status == "delivered"
    await sim.advance(8)
    inbound = [m for m in sim.state.messages.values() if not m.outgoing]
    assert len(inbound) == 2 and inbound[-1].conversation_id == conversation_id


def _colleague_answers(seed: int) -> list[tuple[float, str, str, str]]:
    clock = ManualClock()
    state = SimulatorState(
        SimulatorConfig(
            clock=clock, seed=seed, demo_data=False, failure_rate=0.0, auto_responder=False, **QUIET_CUSTOMERS
        )
    )
    start = clock.now()
    for n in range(40):
        state.inject_inbound(f"+1415555{n + 110:04d}", "Hi, is my order on its way?")
    for _ in range(200):
        clock.advance(0.25)
        state.advance()
    return [
        (m.created_at - start, m.created_by["id"], m.contact_id, m.text) for m in state.messages.values() if m.outgoing
    ]


def test_colleague_answers_are_deterministic_by_seed_and_follow_the_settings():
    answers = _colleague_answers(1)
    assert answers == _colleague_answers(1)
    assert answers != _colleague_answers(2)
    assert 8 <= len(answers) <= 32  # colleague_probability 0.5 of 40
    assert all(12.0 <= at <= 30.0 for at, *_ in answers)
    assert {by for _, by, *_ in answers} == {"usr-demo-agent", "usr-demo-jordan"}


async def test_colleagues_follow_their_switch_and_the_customers(make_sim):
    off = await make_sim(**QUIET_CUSTOMERS, colleagues=False, colleague_probability=1.0)
    off.inbound(US_CUSTOMER, "Hello?")
    no_customers = await make_sim(customers=False, colleague_probability=1.0)
    no_customers.inbound(US_CUSTOMER, "Hello?")
    await off.advance(60)
    no_customers.state.advance()
    assert not _outgoing(off) and not _outgoing(no_customers)


# -- the Sales auto-responder -----------------------------------------------------------------------


async def test_the_sales_auto_responder_answers_the_first_text_of_a_conversation_once(make_sim):
    sim = await make_sim(**QUIET_CUSTOMERS, colleagues=False)
    conversation_id = _conversation_of(sim, sim.inbound(UK_CUSTOMER, "Do you have the tent in green?", to=SALES_NUMBER))
    await sim.advance(0.5)
    assert not _outgoing(sim)
    await sim.advance(0.6)
    [auto] = _outgoing(sim)
    assert (auto.conversation_id, auto.sender_id) == (conversation_id, "pn-uk-support")
    assert "A member of our team will reply shortly" in auto.text
    assert await _listed_by(sim, conversation_id) == ([SALES_AUTO_BY], SALES_AUTO_BY)
    # An automatic answer reads nothing: the customer's text still waits for a person.
    assert sim.state.conversations[conversation_id].unread
    sim.inbound(UK_CUSTOMER, "And in blue?", to=SALES_NUMBER)
    await sim.advance(60)
    assert len(_outgoing(sim)) == 1
    await sim.call("PUT", f"/conversations/{conversation_id}/close")
    reopened = _conversation_of(sim, sim.inbound(UK_CUSTOMER, "Me again", to=SALES_NUMBER))
    await sim.advance(2)
    assert [m.conversation_id for m in _outgoing(sim)] == [conversation_id, reopened]


async def test_the_auto_responder_is_only_on_sales(make_sim):
    sim = await make_sim(**QUIET_CUSTOMERS, colleagues=False)
    sim.inbound(US_CUSTOMER, "Hello support", to=SUPPORT_NUMBER)
    await sim.advance(60)
    assert not _outgoing(sim)


@pytest.mark.parametrize("keyword", ["STOP", "stop ", "START", "UNSUBSCRIBE"])
async def test_the_auto_responder_ignores_keywords(make_sim, keyword):
    sim = await make_sim(**QUIET_CUSTOMERS, colleagues=False)
    sim.inbound(UK_CUSTOMER, keyword, to=SALES_NUMBER)
    await sim.advance(60)
    assert not _outgoing(sim)


async def test_the_auto_responder_never_texts_an_opted_out_contact(make_sim):
    sim = await make_sim(**QUIET_CUSTOMERS, colleagues=False)
    first = _conversation_of(sim, sim.inbound(UK_CUSTOMER, "STOP", to=SALES_NUMBER))
    await sim.call("PUT", f"/conversations/{first}/close")
    sim.inbound(UK_CUSTOMER, "Actually, one question", to=SALES_NUMBER)
    await sim.advance(60)
    assert not _outgoing(sim)


async def test_the_auto_responder_follows_its_switch_and_the_customers(make_sim):
    off = await make_sim(**QUIET_CUSTOMERS, colleagues=False, auto_responder=False)
    off.inbound(UK_CUSTOMER, "Hello sales", to=SALES_NUMBER)
    no_customers = await make_sim(customers=False)
    no_customers.inbound(UK_CUSTOMER, "Hello sales", to=SALES_NUMBER)
    await off.advance(60)
    no_customers.state.advance()
    assert not _outgoing(off) and not _outgoing(no_customers)


async def test_a_colleague_still_answers_after_the_auto_reply(make_sim):
    sim = await make_sim(**QUIET_CUSTOMERS, colleague_probability=1.0)
    conversation_id = _conversation_of(sim, sim.inbound(UK_CUSTOMER, "Do you deliver to Leeds?", to=SALES_NUMBER))
    await sim.advance(31)
    sources = [m.created_by["source"] for m in _outgoing(sim, conversation_id)]
    assert sources == ["autoresponder", "hub"]


# -- sending: groups and unknown fields --------------------------------------------------------------


@pytest.mark.parametrize(("group", "number"), [("grp-sales", SALES_NUMBER), ("grp-support", SUPPORT_NUMBER)])
async def test_the_group_filter_picks_the_number_even_for_a_known_contact(sim, group, number):
    other = SUPPORT_NUMBER if number == SALES_NUMBER else SALES_NUMBER
    old = _conversation_of(sim, sim.inbound(US_CUSTOMER, "Hi", to=other))
    response = await sim.send(
        contacts=[{"mobile": {"number": US_CUSTOMER}}], template="Hello", phoneNumberFilter={"group": {"id": group}}
    )
    message = response.json()["data"]["messages"][0]
    assert message["phoneNumber"] == number and message["conversation"]["id"] != old
    conversation = (await sim.call("GET", f"/conversations/{message['conversation']['id']}")).json()["data"]
    assert conversation["phoneNumber"]["group"]["id"] == group


async def test_the_group_filter_applies_to_contacts_by_id_and_to_filters(sim):
    contact = await sim.call("POST", "/contacts", json={"mobile": {"number": US_CUSTOMER}, "tags": [{"tag": "vip"}]})
    contact_id = contact.json()["data"][0]["id"]
    by_id = await sim.send(
        contacts=[{"id": contact_id}], template="a", phoneNumberFilter={"group": {"id": "grp-sales"}}
    )
    by_tag = await sim.send(filters={"tags": ["vip"]}, template="b", phoneNumberFilter={"group": {"id": "grp-sales"}})
    assert [r.json()["data"]["messages"][0]["phoneNumber"] for r in (by_id, by_tag)] == [SALES_NUMBER, SALES_NUMBER]


async def test_unknown_fields_in_a_send_are_ignored_and_the_text_goes_at_once(sim):
    response = await sim.send(
        contacts=[{"mobile": {"number": US_CUSTOMER}}],
        template="Hello",
        sendAt="2030-01-01T09:00:00Z",
        foo=1,
        nested={"anything": [1, 2]},
    )
    assert response.status_code == 200, response.text
    message = response.json()["data"]["messages"][0]
    assert message["status"] == "queued" and "sendAt" not in message and "foo" not in message
    await sim.advance(3)
    assert sim.state.messages[message["id"]].status == "delivered"


# -- the demo ---------------------------------------------------------------------------------------


def test_the_demo_history_shows_alex_jordan_and_the_sales_auto_responder():
    state = SimulatorState(SimulatorConfig(clock=ManualClock()))
    outgoing = [m for m in state.messages.values() if m.outgoing]
    by_id = {m.created_by["id"] for m in outgoing}
    assert {"usr-demo-agent", "usr-demo-jordan", "autoresponder-grp-sales"} <= by_id
    assert all(m.created_by in (ALEX_BY, JORDAN_BY, SALES_AUTO_BY) for m in outgoing)
    auto = [m for m in outgoing if m.created_by == SALES_AUTO_BY]
    assert 3 <= len(auto) and all(m.sender_id == "pn-uk-support" for m in auto)
    for message in auto:
        thread = state.conversations[message.conversation_id].message_ids
        assert thread.index(message.id) == 1 and not state.messages[thread[0]].outgoing
    assert sum(m.created_by == JORDAN_BY for m in outgoing) >= 5


def test_the_demo_shows_a_live_colleague_answer_within_a_minute():
    clock = ManualClock()
    state = SimulatorState(SimulatorConfig(clock=clock, customers=True))
    start, before = clock.now(), set(state.messages)
    while clock.now() - start < 60:
        clock.advance(0.25)
        state.advance()
    live = [state.messages[mid] for mid in set(state.messages) - before]
    assert any(m.outgoing and m.created_by and m.created_by["source"] == "hub" for m in live)


@pytest.mark.parametrize(("colleague", "by"), [("alex", ALEX_BY), ("jordan", JORDAN_BY)])
async def test_a_colleague_says_youre_welcome_to_a_thank_you_and_keeps_the_conversation(make_sim, colleague, by):
    sim = await make_sim(**QUIET_CUSTOMERS, colleague_probability=1.0)
    conversation_id = _conversation_of(sim, sim.inbound(US_CUSTOMER, "Do you ship to Canada?"))
    sim.state.colleague_reply(conversation_id, "We do!", by=colleague)
    sim.inbound(US_CUSTOMER, "Thanks!")
    await sim.advance(31)
    answer = _outgoing(sim, conversation_id)[-1]
    assert (answer.text, answer.created_by) == ("You're welcome! Anything else I can help with?", by)
