"""Every one of the spec's 26 operations, answered with the status and body schema the spec declares."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest

from sakari_tui.simulator.files import tiny_png

from .spec import SPEC_PATH, operations, validate_component, validate_response


async def test_all_operations_match_the_spec(demo):
    checked: set[str] = set()

    async def check(operation_id: str, response, status: int):
        assert response.status_code == status, f"{operation_id}: {response.status_code} {response.text[:300]}"
        validate_response(operation_id, response)
        checked.add(operation_id)
        return response.json() if response.content else None

    token = await demo.client.post(
        "/oauth2/token",
        json={
            "grant_type": "client_credentials",
            "client_id": demo.config.client_id,
            "client_secret": demo.config.client_secret,
        },
    )
    await check("auth.token", token, 200)

    conversations = await check(
        "conversations.fetchAll", await demo.call("GET", "/conversations", params={"limit": 100}), 200
    )
    open_one = next(
        c
        for c in conversations["data"]
        if not c["closed"] and demo.state.contacts[c["contact"]["id"]].blocked_at is None
    )
    await check("conversations.fetch", await demo.call("GET", f"/conversations/{open_one['id']}"), 200)

    messages = await check("messages.fetchAll", await demo.call("GET", "/messages", params={"limit": 100}), 200)
    await check(
        "messages.fetchAll", await demo.call("GET", "/messages", params={"conversationId": open_one["id"]}), 200
    )
    await check("messages.fetch", await demo.call("GET", f"/messages/{messages['data'][0]['id']}"), 200)
    mms = next(m for m in demo.state.messages.values() if m.kind == "MMS")
    await check("messages.fetch", await demo.call("GET", f"/messages/{mms.id}"), 200)
    failed = next(m for m in demo.state.messages.values() if m.status == "undelivered")
    await check("messages.fetch", await demo.call("GET", f"/messages/{failed.id}"), 200)
    await check(
        "messages.send", await demo.send(conversations=[open_one["id"]], template="Thanks {{ firstName }} 🙏"), 200
    )
    await check(
        "messages.send", await demo.send(conversations=[open_one["id"], "nope"], template="partly invalid"), 200
    )

    await check("conversations.close", await demo.call("PUT", f"/conversations/{open_one['id']}/close"), 200)

    await check("contacts.fetchAll", await demo.call("GET", "/contacts", params={"limit": 100}), 200)
    contacts = await check(
        "contacts.create",
        await demo.call(
            "POST",
            "/contacts",
            json={
                "firstName": "Spec",
                "lastName": "Check",
                "email": "spec@example.com",
                "mobile": {"number": "+14155550177", "country": "US"},
                "attributes": {"k": "v"},
                "tags": [{"tag": "t", "visible": True}],
            },
        ),
        201,
    )
    contact_id = contacts["data"][0]["id"]
    await check(
        "contacts.create",
        await demo.call(
            "POST",
            "/contacts",
            content=b"mobile,firstName\n+14155550178,Csv\n,Bad\n",
            headers={"Content-Type": "text/csv"},
        ),
        201,
    )
    await check("contacts.fetch", await demo.call("GET", f"/contacts/{contact_id}"), 200)
    await check(
        "contacts.update", await demo.call("PUT", f"/contacts/{contact_id}", json={"firstName": "Updated"}), 200
    )
    await check("contacts.remove", await demo.call("DELETE", f"/contacts/{contact_id}"), 200)

    await check("templates.fetchAll", await demo.call("GET", "/templates"), 200)
    templates = await check(
        "templates.create",
        await demo.call("POST", "/templates", json={"name": "Spec", "template": "Hi {{{firstName}}}", "type": "SMS"}),
        201,
    )
    template_id = templates["data"][0]["id"]
    await check("templates.fetch", await demo.call("GET", f"/templates/{template_id}"), 200)
    await check("templates.update", await demo.call("PUT", f"/templates/{template_id}", json={"name": "Spec 2"}), 200)
    await check("templates.remove", await demo.call("DELETE", f"/templates/{template_id}"), 200)

    await check("campaigns.fetchAll", await demo.call("GET", "/campaigns"), 200)
    campaign = await check(
        "campaigns.create",
        await demo.call(
            "POST",
            "/campaigns",
            json={
                "filters": {"tags": ["vip"], "attributes": [], "contacts": []},
                "template": "Hi",
                "trigger": {"code": "M"},
            },
        ),
        201,
    )
    campaign_id = campaign["data"]["id"]
    await check("campaigns.fetch", await demo.call("GET", f"/campaigns/{campaign_id}"), 200)
    await check(
        "campaigns.update", await demo.call("PUT", f"/campaigns/{campaign_id}", json={"trigger": {"code": "S"}}), 200
    )
    await check("campaigns.remove", await demo.call("DELETE", f"/campaigns/{campaign_id}"), 200)

    # The spec's Webhook schema only knows the legacy event names, so subscribe with those here.
    url = "http://127.0.0.1:9/spec"
    await check(
        "webhooks.subscribe",
        await demo.call("POST", "/webhooks", json={"url": url, "eventTypes": ["message-received"]}),
        200,
    )
    await check("webhooks.fetchAll", await demo.call("GET", "/webhooks"), 200)
    await check("webhooks.unsubscribe", await demo.call("DELETE", "/webhooks/" + quote(url, safe="")), 204)

    shared = await demo.client.post(
        "/v1/tools/sharefile", content=tiny_png(2, 2, (0, 0, 0)), headers={**demo.headers, "Content-Type": "image/png"}
    )
    await check("tools.shareFile", shared, 200)

    assert checked == set(operations()), sorted(set(operations()) - checked)


async def test_the_demo_data_validates_item_by_item(demo):
    """Every demo conversation, message and contact matches its component schema."""
    for conversation in (await demo.call("GET", "/conversations", params={"limit": 100})).json()["data"]:
        validate_component(conversation, "Conversation")
    offset = 0
    while True:
        page = (await demo.call("GET", "/messages", params={"offset": offset, "limit": 100})).json()
        for message in page["data"]:
            validate_component(message, "Message")
        offset += 100
        if not page["pagination"]["hasNext"]:
            break
    for contact in (await demo.call("GET", "/contacts", params={"limit": 100})).json()["data"]:
        validate_component(contact, "Contact")


async def test_error_bodies_match_the_error_schema(demo):
    responses = [
        await demo.client.get(demo.url("/conversations")),
        await demo.call("GET", "/conversations/nope"),
        await demo.call("GET", "/contacts", params={"limit": 0}),
        await demo.send(template="nobody"),
        await demo.call("GET", "/nothing"),
    ]
    for response in responses:
        assert response.status_code >= 400
        validate_component(response.json(), "ErrorResponse")
        assert response.json()["success"] is False


def test_the_spec_copy_matches_the_shared_spec_when_it_is_there():
    shared = Path(__file__).resolve().parents[2] / ".." / "shared" / "sakari-openapi.yaml"
    if not shared.exists():
        pytest.skip("../shared is not next to this clone")
    assert SPEC_PATH.read_bytes() == shared.read_bytes()
