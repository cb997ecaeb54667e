"""Webhooks: subscribe, list, unsubscribe by URL-encoded url, and loopback-only delivery."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from sakari_tui.simulator.webhooks import is_loopback_url

from .receiver import WebhookReceiver
from .spec import validate_response

HOOK = "http://127.0.0.1:9/hooks/sakari?x=1&y=%2F"


async def test_subscribe_list_unsubscribe(sim):
    response = await sim.call(
        "POST", "/webhooks", json={"url": HOOK, "eventTypes": ["message-received", "message-status"]}
    )
    validate_response("webhooks.subscribe", response)
    assert response.json()["data"]["url"] == HOOK
    again = await sim.call("POST", "/webhooks", json={"url": HOOK, "eventTypes": ["message-sent"]})
    assert again.json()["data"]["id"] == response.json()["data"]["id"]
    listed = await sim.call("GET", "/webhooks")
    validate_response("webhooks.fetchAll", listed)
    assert [(w["url"], w["eventTypes"]) for w in listed.json()["data"]] == [(HOOK, ["message-sent"])]
    removed = await sim.call("DELETE", "/webhooks/" + quote(HOOK, safe=""))
    validate_response("webhooks.unsubscribe", removed)
    assert removed.status_code == 204 and removed.content == b""
    assert (await sim.call("GET", "/webhooks")).json()["data"] == []
    missing = await sim.call("DELETE", "/webhooks/" + quote(HOOK, safe=""))
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "WHK-002")


async def test_callback_url_property_is_accepted_too(sim):
    response = await sim.call("POST", "/webhooks", json={"callbackUrl": HOOK, "eventTypes": ["message-received"]})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {"eventTypes": ["message-received"]},
        {"url": "ftp://example.com", "eventTypes": ["message-received"]},
        {"url": HOOK, "eventTypes": []},
        {"url": HOOK, "eventTypes": ["message-exploded"]},
    ],
)
async def test_invalid_subscriptions_are_400_whk_001(sim, body):
    response = await sim.call("POST", "/webhooks", json=body)
    assert (response.status_code, response.json()["error"]["code"]) == (400, "WHK-001")


@pytest.mark.parametrize(
    ("url", "loopback"),
    [
        ("http://127.0.0.1:8000/x", True),
        ("http://127.8.9.10/x", True),
        ("https://localhost/x", True),
        ("http://[::1]:9000/x", True),
        ("https://example.com/x", False),
        ("http://10.0.0.1/x", False),
        ("http://127.0.0.1.example.com/x", False),
        ("file:///etc/passwd", False),
        ("http:///nohost", False),
    ],
)
def test_only_loopback_urls_get_deliveries(url, loopback):
    assert is_loopback_url(url) is loopback


async def test_events_are_delivered_to_a_loopback_receiver(sim):
    with WebhookReceiver() as receiver:
        await sim.call(
            "POST",
            "/webhooks",
            json={
                "url": receiver.url,
                "eventTypes": ["message-received", "message-sent", "message-status", "contact-opt-out"],
            },
        )
        sim.inbound("+14155550142", "Hello there")
        conversation_id = next(iter(sim.state.conversations))
        await sim.send(conversations=[conversation_id], template="Hi!")
        await sim.advance(5)
        sim.inbound("+14155550142", "STOP")
        await sim.app.state.webhooks.flush()
    received = receiver.of_type("message-received")
    assert [event["payload"]["message"] for event in received] == ["Hello there", "STOP"]
    payload = received[0]["payload"]
    assert received[0]["accountId"] == sim.config.account_id
    assert payload["conversation"]["id"] == conversation_id and payload["conversation"]["closed"] is None
    assert payload["contact"]["mobile"]["number"] == "+14155550142"
    assert payload["outgoing"] is False and payload["type"] == "sms"
    assert [e["payload"]["status"] for e in receiver.of_type("message-sent")] == ["queued"]
    assert [e["payload"]["status"] for e in receiver.of_type("message-status")] == ["sent", "delivered"]
    assert len(receiver.of_type("contact-opt-out")) == 1
    log = (await sim.client.get("/_sim/webhook-deliveries")).json()["data"]
    assert {entry["result"] for entry in log} == {"HTTP 200"}


async def test_non_loopback_subscriptions_are_kept_but_never_called(sim):
    await sim.call("POST", "/webhooks", json={"url": "https://example.com/hook", "eventTypes": ["message-received"]})
    sim.inbound("+14155550142", "Hello")
    assert await sim.app.state.webhooks.flush() == 1
    log = (await sim.client.get("/_sim/webhook-deliveries")).json()["data"]
    assert log == [
        {
            "url": "https://example.com/hook",
            "eventType": "message-received",
            "eventId": log[0]["eventId"],
            "result": "skipped: not a loopback address",
        }
    ]


async def test_no_events_are_queued_without_subscribers(sim):
    sim.inbound("+14155550142", "Hello")
    assert sim.state.pending_events == []
