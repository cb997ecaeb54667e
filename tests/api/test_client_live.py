"""`SakariClient` against the simulator over a real loopback socket: all 26 operations, paging,
tokens, typed errors, faults and the API's known drifts.

The simulator and the client share a `ManualClock` (see conftest), so nothing here sleeps.
"""

from __future__ import annotations

import asyncio
import traceback
from datetime import UTC, datetime

import httpx
import pytest

from sakari_tui.api import (
    NO_RETRY,
    ApiUnavailable,
    AuthError,
    InvalidRequest,
    NotFound,
    RateLimited,
    SakariClient,
)
from sakari_tui.api.auth import jwt_expiry
from sakari_tui.api.models import (
    Campaign,
    CampaignRequest,
    Contact,
    ContactRequest,
    ContactUploadResult,
    Conversation,
    Message,
    MessageStatus,
    Page,
    SendMessagesResult,
    SharedFile,
    Template,
    TemplateRequest,
    TokenResponse,
    Webhook,
)
from sakari_tui.simulator import ManualClock, SimulatorServer
from sakari_tui.simulator.files import tiny_png

from .conftest import RecordingTransport, wait_until

SENDER_US = "+14155550100"  # the simulator's first Sakari number
ANN = "+14155550123"
BOB = "+14155550124"
TOKEN_OP = "POST /oauth2/token"
SEND_OP = "POST /v1/accounts/{accountId}/messages"
TEMPLATES_OP = "GET /v1/accounts/{accountId}/templates"


def at(clock: ManualClock, offset: float = 0.0) -> datetime:
    return datetime.fromtimestamp(clock.now() + offset, UTC)


def token_requests(server: SimulatorServer) -> int:
    return server.state.request_counts().get(TOKEN_OP, 0)


async def inbound(server: SimulatorServer, number: str, text: str) -> str:
    """A customer texts the account, injected from another thread through the simulator's thread-safe API."""
    return await asyncio.to_thread(server.state.inject_inbound, number, text)


async def conversation_of(client: SakariClient, message_id: str) -> str:
    message = await client.fetch_message(message_id)
    assert message.conversation is not None and message.conversation.id
    return message.conversation.id


async def sim_counts(server: SimulatorServer) -> dict[str, int]:
    """The simulator's own record counts, from its admin endpoint."""
    async with httpx.AsyncClient(base_url=server.base_url, trust_env=False) as admin:
        response = await admin.get("/_sim")
    response.raise_for_status()
    return response.json()["data"]["counts"]


# --- authentication ---------------------------------------------------------------------------


async def test_auth_token_returns_a_bearer_jwt_with_expiry(client, clock):
    token = await client.auth_token()
    assert isinstance(token, TokenResponse)
    assert token.token_type == "Bearer"
    assert token.expires_in == 3600
    assert jwt_expiry(token.access_token) == clock.now() + 3600
    assert token.access_token not in repr(token)


async def test_client_renews_the_token_shortly_before_it_expires(make_server, make_client, clock):
    server = make_server(token_ttl=60)
    wire = RecordingTransport()
    client = make_client(server, transport=wire)
    await client.fetch_all_templates()
    assert token_requests(server) == 1
    clock.advance(50)  # still well inside the token's life: reused
    await client.fetch_all_templates()
    assert token_requests(server) == 1
    clock.advance(7)  # 3 s before expiry: inside the renewal margin, so renewed first
    await client.fetch_all_templates()
    assert token_requests(server) == 2
    clock.advance(30)  # the old token is now dead on the server; the new one is not
    await client.fetch_all_templates()
    assert token_requests(server) == 2
    assert 401 not in [status for _, _, status in wire.exchanges]


async def test_token_rejected_by_the_server_is_renewed_once_and_the_call_retried_once(server, make_client, clock):
    # The client's clock stands still while the server's moves past the token's expiry (a laptop
    # waking from sleep, or a token the server stopped honouring): the client thinks it is fresh.
    wire = RecordingTransport()
    client = make_client(server, transport=wire, clock=ManualClock().now)
    await client.fetch_all_templates()
    clock.advance(3601)
    page = await client.fetch_all_templates()
    assert isinstance(page, Page)
    assert token_requests(server) == 2
    assert wire.statuses("/templates") == [200, 401, 200]
    assert wire.statuses("/oauth2/token") == [200, 200]


async def test_fifty_concurrent_calls_after_expiry_fetch_one_token(server, client, clock):
    await client.fetch_all_templates()
    server.state.reset_request_counts()
    clock.advance(3600)
    pages = await asyncio.gather(*(client.fetch_all_templates() for _ in range(50)))
    assert len(pages) == 50
    counts = server.state.request_counts()
    assert counts[TOKEN_OP] == 1
    assert counts[TEMPLATES_OP] == 50  # renewed before sending: no call was refused


async def test_fifty_concurrent_calls_rejected_server_side_share_one_renewal(server, make_client, clock):
    wire = RecordingTransport()
    client = make_client(server, transport=wire, clock=ManualClock().now)  # a clock that stands still
    await client.fetch_all_templates()
    server.state.reset_request_counts()
    wire.exchanges.clear()
    clock.advance(3601)
    await asyncio.gather(*(client.fetch_all_templates() for _ in range(50)))
    counts = server.state.request_counts()
    assert counts[TOKEN_OP] == 1
    assert counts[TEMPLATES_OP] == 100  # each call: one refusal, one retry
    statuses = wire.statuses("/templates")
    assert statuses.count(401) == 50 and statuses.count(200) == 50


@pytest.mark.parametrize("skew", [7200.0, -7200.0], ids=["client-clock-2h-fast", "client-clock-2h-slow"])
async def test_clock_skew_does_not_cost_a_token_per_call(server, make_client, clock, skew):
    # Token lifetimes are counted on the client's own clock, so a wrong local clock (common on
    # laptops) neither renews on every call nor keeps a token past its life.
    client = make_client(server, clock=lambda: clock.now() + skew)
    for _ in range(5):
        await client.fetch_all_templates()
    await asyncio.gather(*(client.fetch_all_templates() for _ in range(20)))
    assert token_requests(server) == 1
    clock.advance(3600)  # the token's whole life, on both clocks
    await client.fetch_all_templates()
    assert token_requests(server) == 2
    assert server.state.request_counts()[TEMPLATES_OP] == 26  # renewed before use: never refused


async def test_wrong_client_secret_is_an_auth_error_that_never_shows_the_secret(server, make_client):
    secret = "wrong-secret-4f1c9a7e-do-not-print"
    client = make_client(server, client_secret=secret)
    with pytest.raises(AuthError) as caught:
        await client.fetch_all_conversations()
    error = caught.value
    assert (error.code, error.status) == ("AUTH-003", 401)
    assert error.message
    rendered = [str(error), repr(error), error.message, "".join(traceback.format_exception(error)), repr(client)]
    assert not any(secret in text for text in rendered)
    with pytest.raises(AuthError) as direct:
        await client.auth_token()
    assert secret not in repr(direct.value) and secret not in str(direct.value)


async def test_wrong_account_id_is_acct_008_auth_error(server, make_client):
    client = make_client(server, account_id="someone-elses-account")
    with pytest.raises(AuthError) as caught:
        await client.fetch_all_conversations()
    assert (caught.value.code, caught.value.status) == ("ACCT-008", 403)
    assert caught.value.message.endswith(".")


# --- contacts ---------------------------------------------------------------------------------


async def test_create_contact_from_json_then_fetch_it(client, clock):
    request = ContactRequest(
        first_name="Ada",
        last_name="Lovelace",
        email="ada@example.org",
        mobile={"number": "415-555-0123", "country": "US"},
        attributes={"plan": "gold"},
        tags=[{"tag": "vip"}],
    )
    created = await client.create_contact(request)
    assert isinstance(created, list) and len(created) == 1
    contact = created[0]
    assert isinstance(contact, Contact)
    assert contact.id
    assert (contact.first_name, contact.last_name, contact.email) == ("Ada", "Lovelace", "ada@example.org")
    assert contact.mobile is not None and (contact.mobile.number, contact.mobile.country) == (ANN, "US")
    assert contact.attributes == {"plan": "gold"}
    assert [tag.tag for tag in contact.tags or []] == ["vip"]
    assert contact.valid is True and not contact.opted_out
    assert contact.created is not None and contact.created.at == at(clock)

    fetched = await client.fetch_contact(contact.id)
    assert fetched.model_dump() == contact.model_dump()
    assert fetched.display_name == "Ada Lovelace"


async def test_create_contact_merge_strategies_merge_into_the_same_contact(client):
    first = (
        await client.create_contact(
            {"firstName": "Ann", "mobile": {"number": ANN}, "attributes": {"a": "1"}, "tags": ["x"]}
        )
    )[0]
    appended = (
        await client.create_contact(
            {"mobile": {"number": ANN}, "attributes": {"b": "2"}, "tags": ["y"]}, merge_strategy="append"
        )
    )[0]
    assert appended.id == first.id
    assert appended.first_name == "Ann"
    assert appended.attributes == {"a": "1", "b": "2"}
    assert sorted(tag.tag for tag in appended.tags or []) == ["x", "y"]

    core = (
        await client.create_contact(
            {"firstName": "Anne", "mobile": {"number": ANN}, "attributes": {"c": "3"}}, merge_strategy="core"
        )
    )[0]
    assert (core.id, core.first_name) == (first.id, "Anne")
    assert core.attributes == {"a": "1", "b": "2"}  # core fields only

    replaced = (
        await client.create_contact(
            {"firstName": "Anne", "mobile": {"number": ANN}, "attributes": {"c": "3"}}, merge_strategy="remove"
        )
    )[0]
    assert replaced.id == first.id
    assert replaced.attributes == {"c": "3"} and replaced.tags == []

    page = await client.fetch_all_contacts()
    assert page.pagination.total_count == 1


async def test_create_contact_from_csv_gives_an_upload_summary(client):
    csv_text = (
        "country,firstName,lastName,email,mobile,jobTitle\n"
        "US,Ann,Archer,ann@example.org,+14155550123,Pilot\n"
        "US,Bob,Baker,bob@example.org,415-555-0124,Chef\n"
        "US,Cy,Broken,cy@example.org,12,Nobody\n"
    )
    result = await client.create_contact(csv_text)
    assert isinstance(result, ContactUploadResult)
    assert (result.submitted, result.inserted, result.updated, result.success) == (3, 2, 0, 2)
    assert {c.mobile.number for c in result.contacts if c.mobile} == {ANN, BOB}
    assert {c.attributes["jobTitle"] for c in result.contacts if c.attributes} == {"Pilot", "Chef"}
    assert len(result.errors) == 1
    assert result.errors[0].error is not None and result.errors[0].error.code == "CONT-001"
    assert result.errors[0].valid is False

    again = await client.create_contact("mobile,firstName\n+14155550123,Annie\n", merge_strategy="core")
    assert (again.inserted, again.updated) == (0, 1)
    assert again.contacts[0].first_name == "Annie"


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"first_name": "AD"}, {"Ada"}),  # substring, any case
        ({"last_name": "hopp"}, {"Grace"}),
        ({"mobile": "555-0125"}, {"Grace"}),
        ({"email": "example.org"}, {"Ada", "Grace"}),
        ({"tags": "vip"}, {"Ada", "Linus"}),
        ({"tags": ["vip", "eu"]}, {"Linus"}),  # a contact must carry every tag
        ({"first_name": "a", "email": "example.net"}, set()),
    ],
)
async def test_fetch_all_contacts_filters(client, filters, expected):
    await client.create_contact(
        {
            "firstName": "Ada",
            "lastName": "Lovelace",
            "email": "ada@example.org",
            "mobile": {"number": ANN},
            "tags": ["vip"],
        }
    )
    await client.create_contact(
        {"firstName": "Grace", "lastName": "Hopper", "email": "grace@example.org", "mobile": {"number": "+14155550125"}}
    )
    await client.create_contact(
        {
            "firstName": "Linus",
            "lastName": "Torvalds",
            "email": "linus@example.com",
            "mobile": {"number": "+447700900123", "country": "GB"},
            "tags": ["vip", "eu"],
        }
    )
    page = await client.fetch_all_contacts(**filters)
    assert {contact.first_name for contact in page.items} == expected
    assert page.pagination.total_count == len(expected)
    assert all(isinstance(contact, Contact) for contact in page.items)


async def test_update_contact_sends_the_body_and_the_server_applies_it(client, clock):
    contact = (
        await client.create_contact({"firstName": "Ada", "mobile": {"number": ANN}, "attributes": {"plan": "gold"}})
    )[0]
    clock.advance(5)
    updated = await client.update_contact(
        contact.id, ContactRequest(first_name="Augusta", email="augusta@example.org", attributes={"plan": "silver"})
    )
    assert updated.id == contact.id
    assert (updated.first_name, updated.email, updated.attributes) == (
        "Augusta",
        "augusta@example.org",
        {"plan": "silver"},
    )
    assert updated.mobile is not None and updated.mobile.number == ANN  # fields not sent stay
    assert updated.updated is not None and updated.updated.at == at(clock)
    stored = await client.fetch_contact(contact.id)
    assert (stored.first_name, stored.attributes) == ("Augusta", {"plan": "silver"})


async def test_remove_contact(client):
    keep = (await client.create_contact({"mobile": {"number": ANN}}))[0]
    gone = (await client.create_contact({"mobile": {"number": BOB}}))[0]
    assert await client.remove_contact(gone.id) is True
    with pytest.raises(NotFound) as caught:
        await client.fetch_contact(gone.id)
    assert (caught.value.code, caught.value.status) == ("CONT-002", 404)
    assert [contact.id for contact in (await client.fetch_all_contacts()).items] == [keep.id]


# --- messages ---------------------------------------------------------------------------------


async def test_send_message_to_a_new_number_starts_a_conversation(client, clock):
    result = await client.send_message(
        template="Hi {{firstName}}, your table is ready.",
        contacts=[{"firstName": "Lin", "mobile": {"number": "+14155550142"}}],
    )
    assert isinstance(result, SendMessagesResult)
    assert (result.requested, result.valid, result.invalid) == (1, 1, [])
    assert result.job_id and result.estimated_price and result.estimated_price > 0
    [message] = result.messages
    assert isinstance(message, Message)
    assert message.outgoing is True
    assert message.message == "Hi Lin, your table is ready."
    assert message.template == "Hi {{firstName}}, your table is ready."
    assert message.status_kind is MessageStatus.QUEUED
    assert message.phone_number == SENDER_US
    assert message.type == "SMS" and message.segments == 1
    assert message.contact is not None and message.contact.mobile is not None
    assert message.contact.mobile.number == "+14155550142" and message.contact.first_name == "Lin"
    assert message.created_at == at(clock)

    conversation = await client.fetch_conversation(message.conversation.id)  # type: ignore[union-attr]
    assert conversation.contact is not None and conversation.contact.id == message.contact.id
    assert conversation.last_message is not None and conversation.last_message.id == message.id
    assert conversation.closed is False

    clock.advance(5)
    delivered = await client.fetch_message(message.id)  # type: ignore[arg-type]
    assert delivered.status_kind is MessageStatus.DELIVERED
    assert delivered.id == message.id and delivered.message == message.message


async def test_reply_into_a_conversation_and_read_its_messages(server, client, clock):
    inbound_id = await inbound(server, ANN, "Is my order shipped?")
    conversation_id = await conversation_of(client, inbound_id)
    before = await client.fetch_conversation(conversation_id)
    assert before.unread == [inbound_id]

    clock.advance(60)
    result = await client.send_message(template="Yes, it left today.", conversations=[conversation_id])
    [reply] = result.messages
    assert reply.conversation is not None and reply.conversation.id == conversation_id
    assert reply.contact is not None and reply.contact.mobile is not None and reply.contact.mobile.number == ANN

    page = await client.fetch_all_messages(conversation_id=conversation_id)
    assert [m.id for m in page.items] == [reply.id, inbound_id]  # newest first
    received = page.items[1]
    assert received.outgoing is False and received.status_kind is MessageStatus.RECEIVED
    assert received.message == "Is my order shipped?"
    assert (await client.fetch_conversation(conversation_id)).unread == []


async def test_partly_invalid_send_reports_each_bad_recipient_in_invalid(server, client):
    conversation_id = await conversation_of(client, await inbound(server, ANN, "Hi"))
    result = await client.send_message(
        template="Update",
        conversations=[conversation_id, "no-such-conversation"],
        contacts=[{"mobile": {"number": "12"}}],
    )
    assert (result.requested, result.valid, len(result.messages)) == (3, 1, 1)
    codes = sorted(contact.error.code for contact in result.invalid if contact.error)
    assert codes == ["CONT-001", "CONV-001"]
    assert all(contact.valid is False and contact.error and contact.error.text for contact in result.invalid)


async def test_failed_delivery_carries_an_embedded_error(make_server, make_client, clock):
    server = make_server(failure_rate=1.0)
    client = make_client(server)
    conversation_id = await conversation_of(client, await inbound(server, ANN, "Hi"))
    [sent] = (await client.send_message(template="This will not arrive", conversations=[conversation_id])).messages
    clock.advance(5)
    failed = await client.fetch_message(sent.id)  # type: ignore[arg-type]
    assert failed.status_kind in (MessageStatus.UNDELIVERED, MessageStatus.ERROR)
    assert failed.error is not None and failed.error.code in ("MSG-019", "MSG-033")
    assert failed.error.description and failed.error.text == failed.error.description


async def test_fetch_all_messages_by_contact(server, client):
    ann_first = await inbound(server, ANN, "one")
    await inbound(server, BOB, "two")
    ann_second = await inbound(server, ANN, "three")
    ann = (await client.fetch_message(ann_first)).contact
    assert ann is not None and ann.id
    page = await client.fetch_all_messages(contact_id=ann.id)
    assert [m.id for m in page.items] == [ann_second, ann_first]
    assert all(m.contact is not None and m.contact.id == ann.id for m in page.items)
    assert page.pagination.total_count == 2


async def test_send_mms_with_a_shared_file(server, client):
    conversation_id = await conversation_of(client, await inbound(server, ANN, "Send me a photo?"))
    shared = await client.share_file(
        tiny_png(4, 4, (200, 40, 40)), filename="red.png", content_type="image/png", multipart=True
    )
    result = await client.send_message(template="Here it is", conversations=[conversation_id], media_urls=[shared.link])
    [message] = result.messages
    assert message.type == "MMS"
    assert [item.url for item in message.media] == [shared.link]
    assert message.media[0].filename == "red.png"
    assert (await client.fetch_message(message.id)).media[0].url == shared.link  # type: ignore[arg-type]


# --- templates and campaigns ------------------------------------------------------------------


async def test_template_create_fetch_update_list_remove(client):
    welcome = await client.create_template(TemplateRequest(name="Welcome", template="Hi {{firstName}}", type="SMS"))
    other = await client.create_template({"name": "Follow-up", "template": "Still interested?"})
    assert isinstance(welcome, Template) and welcome.id and welcome.id != other.id
    assert (welcome.name, welcome.template, welcome.type) == ("Welcome", "Hi {{firstName}}", "SMS")
    assert (await client.fetch_template(welcome.id)).template == "Hi {{firstName}}"

    updated = await client.update_template(welcome.id, {"template": "Hello {{firstName}}!"})
    assert (updated.id, updated.name, updated.template) == (welcome.id, "Welcome", "Hello {{firstName}}!")
    assert (await client.fetch_template(welcome.id)).template == "Hello {{firstName}}!"

    found = await client.fetch_all_templates(name="welc")
    assert [t.id for t in found.items] == [welcome.id]
    assert {t.id for t in (await client.fetch_all_templates()).items} == {welcome.id, other.id}

    assert await client.remove_template(welcome.id) is True
    with pytest.raises(NotFound) as caught:
        await client.fetch_template(welcome.id)
    assert caught.value.code == "TMPL-001"
    assert [t.id for t in (await client.fetch_all_templates()).items] == [other.id]


async def test_campaign_create_fetch_update_list_remove(client):
    spring = await client.create_campaign(
        CampaignRequest(
            name="Spring sale",
            template="Hi {{{firstName}}}, 20% off",
            trigger={"code": "M"},
            filters={"tags": ["vip"]},
            reporting={"when": "NoReport"},
        )
    )
    await client.create_campaign({"name": "Autumn", "template": "Hello", "trigger": {"code": "S"}})
    assert isinstance(spring, Campaign) and spring.id
    assert spring.name == "Spring sale" and spring.trigger is not None and spring.trigger.code == "M"
    assert spring.filters is not None and spring.filters.tags == ["vip"]
    assert (await client.fetch_campaign(spring.id)).template == "Hi {{{firstName}}}, 20% off"

    updated = await client.update_campaign(spring.id, {"name": "Spring sale (final)", "trigger": {"code": "S"}})
    assert updated.id == spring.id and updated.name == "Spring sale (final)"
    assert updated.trigger is not None and updated.trigger.code == "S"
    assert updated.template == "Hi {{{firstName}}}, 20% off"  # not sent, kept

    found = await client.fetch_all_campaigns(name="SPRING")
    assert [c.id for c in found.items] == [spring.id]
    assert (await client.fetch_all_campaigns()).pagination.total_count == 2

    assert await client.remove_campaign(spring.id) is True
    with pytest.raises(NotFound) as caught:
        await client.fetch_campaign(spring.id)
    assert caught.value.code == "CAMP-001"


# --- conversations ----------------------------------------------------------------------------


async def test_fetch_all_conversations_latest_first_and_fetch_one(server, client, clock):
    ann_msg = await inbound(server, ANN, "Hello from Ann")
    clock.advance(10)
    bob_msg = await inbound(server, "+447700900123", "Hello from Bob")
    page = await client.fetch_all_conversations()
    assert all(isinstance(c, Conversation) for c in page.items)
    assert [c.last_message.id for c in page.items if c.last_message] == [bob_msg, ann_msg]
    assert page.pagination.total_count == 2 and page.next_offset is None

    bob = await client.fetch_conversation(page.items[0].id)
    assert bob.contact is not None and bob.contact.mobile is not None and bob.contact.mobile.number == "+447700900123"
    assert bob.phone_number is not None and bob.phone_number.number == "+447700900100"  # the UK sender answers
    assert bob.unread == [bob_msg] and bob.closed is False and bob.closed_at is None
    assert bob.updated is not None and bob.updated.at == at(clock)


async def test_close_conversation_and_a_later_text_opens_a_new_one(server, client, clock):
    first_msg = await inbound(server, ANN, "Thanks, all sorted")
    conversation_id = await conversation_of(client, first_msg)
    closed = await client.close_conversation(conversation_id)
    assert closed.id == conversation_id and closed.closed is True and closed.unread == []

    clock.advance(30)
    later_msg = await inbound(server, ANN, "One more question")
    new_id = await conversation_of(client, later_msg)
    assert new_id != conversation_id
    assert (await client.fetch_conversation(conversation_id)).closed is True
    reopened = await client.fetch_conversation(new_id)
    assert reopened.closed is False and reopened.unread == [later_msg]
    assert [c.id for c in (await client.fetch_all_conversations()).items] == [new_id, conversation_id]
    # Closing twice is harmless.
    assert (await client.close_conversation(conversation_id)).closed is True


# --- tools ------------------------------------------------------------------------------------


async def test_share_file_as_octet_stream_gives_a_working_link(server, client, clock):
    data = bytes(range(256)) * 4
    shared = await client.share_file(data)
    assert isinstance(shared, SharedFile)
    assert shared.link.startswith(server.base_url + "/")
    assert shared.expires == at(clock, 7 * 24 * 3600)
    async with httpx.AsyncClient(trust_env=False) as anyone:  # the link needs no token
        response = await anyone.get(shared.link)
    assert response.status_code == 200 and response.content == data


async def test_share_file_as_multipart_keeps_name_and_type(client):
    png = tiny_png(2, 3, (10, 20, 30))
    shared = await client.share_file(png, filename="receipt.png", content_type="image/png", multipart=True)
    assert shared.link.endswith("/receipt.png")
    async with httpx.AsyncClient(trust_env=False) as anyone:
        response = await anyone.get(shared.link)
    assert response.status_code == 200
    assert response.content == png and response.headers["content-type"] == "image/png"


# --- webhooks ---------------------------------------------------------------------------------


async def test_webhook_subscribe_list_unsubscribe(client):
    # Loopback and nothing listens on port 9: even a delivery attempt stays on this machine.
    url = "http://127.0.0.1:9/hooks/sakari?source=tui&path=a%2Fb"
    hook = await client.subscribe_webhook(url, ["message-received", "message-status"])
    assert isinstance(hook, Webhook)
    assert hook.target == url and hook.event_types == ["message-received", "message-status"]
    other = await client.subscribe_webhook("http://localhost:9/other", ["contact-created"])

    listed = await client.fetch_all_webhooks()
    assert {h.target for h in listed.items} == {url, other.target}
    assert next(h for h in listed.items if h.target == url).event_types == ["message-received", "message-status"]

    assert await client.unsubscribe_webhook(url) is True
    assert [h.target for h in (await client.fetch_all_webhooks()).items] == [other.target]
    with pytest.raises(NotFound) as caught:
        await client.unsubscribe_webhook(url)
    assert caught.value.code == "WHK-002"


# --- paging -----------------------------------------------------------------------------------


def _ids(server: SimulatorServer, kind: str) -> set[str]:
    state = server.state
    with state.lock:
        if kind == "contacts":
            return {c.id for c in state.contacts.values() if not c.removed}
        return set(getattr(state, kind))


@pytest.mark.parametrize(
    ("kind", "method", "page_size"),
    [
        ("contacts", "fetch_all_contacts", 7),
        ("conversations", "fetch_all_conversations", 6),
        ("messages", "fetch_all_messages", 100),
        ("messages", "fetch_all_messages", 37),
        ("templates", "fetch_all_templates", 3),
        ("campaigns", "fetch_all_campaigns", 1),
    ],
)
async def test_paginate_walks_every_page_without_duplicates_or_gaps(demo_server, demo_client, kind, method, page_size):
    fetch = getattr(demo_client, method)
    pages: list[Page] = []

    async def recording_fetch(**kwargs):
        pages.append(await fetch(**kwargs))
        return pages[-1]

    ids = [item.id async for item in demo_client.paginate(recording_fetch, page_size=page_size)]
    expected = _ids(demo_server, kind)
    assert (await sim_counts(demo_server))[kind] == len(expected) > 0
    assert len(ids) == len(set(ids)) == len(expected)
    assert set(ids) == expected
    assert len(pages) == -(-len(expected) // page_size)
    for page in pages[:-1]:
        assert len(page.items) == page_size
        assert page.next_offset == page.pagination.offset + page_size
    assert pages[-1].next_offset is None
    assert pages[-1].pagination.has_next is False
    assert all(page.pagination.total_count == len(expected) for page in pages)


async def test_iter_shortcuts_walk_everything_with_the_largest_pages(demo_server, demo_client):
    demo_server.state.reset_request_counts()
    messages = [m async for m in demo_client.iter_messages()]
    counts = await sim_counts(demo_server)
    assert len(messages) == len({m.id for m in messages}) == counts["messages"]
    assert demo_server.state.request_counts()["GET /v1/accounts/{accountId}/messages"] == -(-counts["messages"] // 100)
    assert len({c.id async for c in demo_client.iter_contacts()}) == counts["contacts"]
    assert len({c.id async for c in demo_client.iter_conversations()}) == counts["conversations"]
    assert len({t.id async for t in demo_client.iter_templates()}) == counts["templates"]
    assert len({c.id async for c in demo_client.iter_campaigns()}) == counts["campaigns"]
    assert [w async for w in demo_client.iter_webhooks()] == []


async def test_paginate_passes_filters_to_every_page(demo_server, demo_client):
    with demo_server.state.lock:
        conversation = max(demo_server.state.conversations.values(), key=lambda c: len(c.message_ids))
        expected = list(conversation.message_ids)
    assert len(expected) > 5
    walked = [
        m
        async for m in demo_client.paginate(
            demo_client.fetch_all_messages, page_size=4, conversation_id=conversation.id
        )
    ]
    assert [m.id for m in walked] == list(reversed(expected))  # newest first, all of them
    assert {m.conversation.id for m in walked if m.conversation} == {conversation.id}


async def test_page_next_offset_in_the_middle_at_the_end_and_past_the_end(demo_server, demo_client):
    total = (await sim_counts(demo_server))["contacts"]
    first = await demo_client.fetch_all_contacts(offset=0, limit=10)
    assert first.next_offset == 10 and first.pagination.has_next is True
    last_offset = (total - 1) // 10 * 10
    last = await demo_client.fetch_all_contacts(offset=last_offset, limit=10)
    assert len(last.items) == total - last_offset
    assert last.pagination.has_next is False and last.next_offset is None
    beyond = await demo_client.fetch_all_contacts(offset=total + 5, limit=10)
    assert beyond.items == [] and beyond.next_offset is None


# --- errors -----------------------------------------------------------------------------------


async def test_invalid_mobile_is_cont_001_invalid_request(client):
    with pytest.raises(InvalidRequest) as caught:
        await client.create_contact({"firstName": "Nobody", "mobile": {"number": "12"}})
    assert (caught.value.code, caught.value.status) == ("CONT-001", 400)
    assert "mobile" in caught.value.message.lower()
    with pytest.raises(InvalidRequest) as on_send:
        await client.send_message(template="Hi", contacts=[{"mobile": {"number": "not a number"}}])
    assert on_send.value.code == "CONT-001"
    assert (await client.fetch_all_contacts()).items == []


@pytest.mark.parametrize("operation", ["fetch_conversation", "close_conversation"])
async def test_unknown_conversation_is_conv_001_not_found(client, operation):
    with pytest.raises(NotFound) as caught:
        await getattr(client, operation)("no-such-conversation")
    assert (caught.value.code, caught.value.status) == ("CONV-001", 404)
    assert caught.value.message


async def test_message_over_ten_segments_is_msg_007_and_nothing_is_sent(server, client):
    conversation_id = await conversation_of(client, await inbound(server, ANN, "Tell me everything"))
    ok = await client.send_message(template="a" * 1530, conversations=[conversation_id])  # exactly 10 segments
    assert ok.messages[0].segments == 10
    with pytest.raises(InvalidRequest) as caught:
        await client.send_message(template="a" * 1531, conversations=[conversation_id])
    assert (caught.value.code, caught.value.status) == ("MSG-007", 400)
    assert (await client.fetch_all_messages(conversation_id=conversation_id)).pagination.total_count == 2


async def test_opted_out_contact_is_cont_010_until_they_opt_back_in(server, client):
    conversation_id = await conversation_of(client, await inbound(server, ANN, "STOP"))
    with pytest.raises(InvalidRequest) as caught:
        await client.send_message(template="Are you sure?", conversations=[conversation_id])
    assert (caught.value.code, caught.value.status) == ("CONT-010", 400)
    contact = (await client.fetch_all_contacts(mobile=ANN)).items[0]
    assert contact.opted_out and contact.blocked is not None

    await inbound(server, ANN, "start")
    assert not (await client.fetch_contact(contact.id)).opted_out  # type: ignore[arg-type]
    result = await client.send_message(template="Welcome back", conversations=[conversation_id])
    assert len(result.messages) == 1


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda c: c.fetch_template("nope"), "TMPL-001"),
        (lambda c: c.update_template("nope", {"name": "x"}), "TMPL-001"),
        (lambda c: c.remove_template("nope"), "TMPL-001"),
        (lambda c: c.fetch_contact("nope"), "CONT-002"),
        (lambda c: c.update_contact("nope", {"firstName": "x"}), "CONT-002"),
        (lambda c: c.remove_contact("nope"), "CONT-002"),
        (lambda c: c.fetch_campaign("nope"), "CAMP-001"),
        (lambda c: c.fetch_message("nope"), "MSG-004"),
    ],
)
async def test_unknown_ids_are_not_found(client, call, code):
    with pytest.raises(NotFound) as caught:
        await call(client)
    assert (caught.value.code, caught.value.status) == (code, 404)


async def test_rate_limit_is_rate_limited_with_retry_after(server, make_client, clock):
    # No retries: the simulator's clock is the test's, so each retry slept 2 s of real time to meet
    # the same 429 (4 s of the suite). Retrying on 429 is test_retry's.
    client = make_client(server, read_retry=NO_RETRY)
    await client.fetch_all_templates()  # get a token before the bucket is tight
    server.state.set_rate_limit(rate=0.5, burst=1)
    await client.fetch_all_templates()
    with pytest.raises(RateLimited) as caught:
        await client.fetch_all_templates()
    assert (caught.value.code, caught.value.status, caught.value.retry_after) == ("RATE-001", 429, 2.0)
    clock.advance(caught.value.retry_after)
    assert isinstance(await client.fetch_all_templates(), Page)


async def test_server_errors_are_api_unavailable_with_request_sent(server, client):
    await client.fetch_all_templates()
    server.state.set_faults(error_rate=1.0)
    seen = set()
    for _ in range(6):
        with pytest.raises(ApiUnavailable) as caught:
            await client.fetch_all_conversations()
        assert caught.value.request_sent is True
        seen.add((caught.value.status, caught.value.code))
    assert seen <= {(500, "SRV-001"), (503, "SRV-002")} and seen
    server.state.faults.reset()
    assert isinstance(await client.fetch_all_conversations(), Page)


@pytest.mark.parametrize(
    ("fault", "status"),
    [("drop_after_commit_rate", None), ("error_after_commit_rate", 500)],
    ids=["dropped-connection", "500-after-commit"],
)
async def test_failure_after_commit_is_ambiguous_and_the_message_was_stored(server, client, fault, status):
    conversation_id = await conversation_of(client, await inbound(server, ANN, "Hello?"))
    server.state.set_faults(**{fault: 1.0}, operations=(SEND_OP,))
    with pytest.raises(ApiUnavailable) as caught:
        await client.send_message(template="Reply that may or may not have gone", conversations=[conversation_id])
    assert caught.value.request_sent is True and caught.value.status == status
    # Reads still work (the fault only hits sends), and reconciling finds the reply stored exactly once.
    page = await client.fetch_all_messages(conversation_id=conversation_id)
    assert [m.message for m in page.items if m.outgoing] == ["Reply that may or may not have gone"]


async def test_timeout_after_sending_is_api_unavailable_request_sent(server, make_client):
    client = make_client(server, timeout=0.1)
    conversation_id = await conversation_of(client, await inbound(server, ANN, "Anyone there?"))
    server.state.set_faults(latency=0.3, operations=(SEND_OP,))
    with pytest.raises(ApiUnavailable) as caught:
        await client.send_message(template="Slow reply", conversations=[conversation_id])
    # The request left the machine: the caller must reconcile, never resend blindly.
    assert caught.value.request_sent is True and caught.value.status is None
    assert "in time" in caught.value.message
    assert (await client.fetch_conversation(conversation_id)).id == conversation_id  # the client still works


async def test_stopped_server_is_api_unavailable_request_not_sent(server, client, make_client):
    await client.fetch_all_templates()
    await asyncio.to_thread(server.stop)
    with pytest.raises(ApiUnavailable) as caught:
        await client.fetch_all_templates()
    assert caught.value.request_sent is False and caught.value.status is None
    fresh = make_client(server)  # its first step, the token request, cannot connect either
    with pytest.raises(ApiUnavailable) as first_call:
        await fresh.fetch_all_conversations()
    assert first_call.value.request_sent is False


# --- tolerance of drift -----------------------------------------------------------------------


async def test_closed_as_timestamp_reads_as_closed_with_closed_at(make_server, make_client, clock):
    server = make_server(closed_as_timestamp=True)
    client = make_client(server)
    conversation_id = await conversation_of(client, await inbound(server, ANN, "Hi"))
    still_open = await client.fetch_conversation(conversation_id)
    assert still_open.closed is False and still_open.closed_at is None
    clock.advance(90)
    closed = await client.close_conversation(conversation_id)
    assert closed.closed is True and closed.closed_at == at(clock)
    listed = (await client.fetch_all_conversations()).items[0]
    assert listed.closed is True and listed.closed_at == at(clock)


async def test_unknown_fields_are_kept_in_model_extra(server, client):
    conversation_id = await conversation_of(client, await inbound(server, ANN, "Hi"))
    result = await client.send_message(template="Hello", conversations=[conversation_id])
    message = result.messages[0]
    assert message.model_extra is not None and message.model_extra["jobId"] == result.job_id
    conversation = await client.fetch_conversation(conversation_id)
    assert conversation.phone_number is not None and conversation.phone_number.model_extra is not None
    assert conversation.phone_number.model_extra["group"]["id"] == "grp-support"
    hook = await client.subscribe_webhook("http://127.0.0.1:9/hook", ["message-sent"])
    assert hook.model_extra is not None and "created" in hook.model_extra


async def test_background_ticker_moves_statuses_without_a_request(make_server, make_client, clock):
    # The served simulator advances on its own: what a polling inbox relies on.
    server = make_server(tick_interval=0.02)
    client = make_client(server)
    conversation_id = await conversation_of(client, await inbound(server, ANN, "Hi"))
    [sent] = (await client.send_message(template="On it", conversations=[conversation_id])).messages
    clock.advance(5)

    def delivered() -> bool:
        with server.state.lock:
            return server.state.messages[sent.id].status == "delivered"  # type: ignore[index]

    await wait_until(delivered)
    assert (await client.fetch_message(sent.id)).status_kind is MessageStatus.DELIVERED  # type: ignore[arg-type]


def test_every_client_operation_is_covered():
    """A guard: the 26 operations this file exercises are exactly the client's public API."""
    operations = {
        "auth_token",
        "fetch_all_contacts",
        "create_contact",
        "fetch_contact",
        "update_contact",
        "remove_contact",
        "fetch_all_messages",
        "send_message",
        "fetch_message",
        "fetch_all_templates",
        "create_template",
        "fetch_template",
        "update_template",
        "remove_template",
        "fetch_all_campaigns",
        "create_campaign",
        "fetch_campaign",
        "update_campaign",
        "remove_campaign",
        "fetch_all_conversations",
        "fetch_conversation",
        "close_conversation",
        "share_file",
        "fetch_all_webhooks",
        "subscribe_webhook",
        "unsubscribe_webhook",
    }
    assert len(operations) == 26
    public = {name for name in vars(SakariClient) if not name.startswith("_") and callable(getattr(SakariClient, name))}
    helpers = {"aclose", "paginate", "collect", "prepare", "server_time"} | {
        name for name in public if name.startswith("iter_")
    }
    assert public - helpers == operations
    source = open(__file__, encoding="utf-8").read()
    assert all(f".{name}(" in source for name in operations)
