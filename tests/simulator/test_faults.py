"""Fault injection (before and after commit, latency, dropped connections) and request counting."""

from __future__ import annotations

import time

import httpx
import pytest

from sakari_tui.simulator import FaultSettings

SEND = "POST /v1/accounts/{accountId}/messages"
BODY = {"contacts": [{"mobile": {"number": "+14155550142"}}], "template": "hi"}


async def test_error_rate_answers_500_or_503_before_any_write(sim):
    sim.state.set_faults(error_rate=1.0)
    statuses = set()
    for _ in range(12):
        response = await sim.send(**BODY)
        statuses.add(response.status_code)
        code = response.json()["error"]["code"]
        assert code == {500: "SRV-001", 503: "SRV-002"}[response.status_code]
    assert statuses == {500, 503}
    assert not sim.state.messages


async def test_error_after_commit_saves_the_write_then_answers_500(sim):
    sim.state.set_faults(error_after_commit_rate=1.0)
    response = await sim.send(**BODY)
    assert (response.status_code, response.json()["error"]["code"]) == (500, "SRV-001")
    assert len(sim.state.messages) == 1
    assert (await sim.call("GET", "/messages")).status_code == 200  # reads have nothing to commit


async def test_refused_writes_are_not_turned_into_500s(sim):
    sim.state.set_faults(error_after_commit_rate=1.0)
    response = await sim.send(template="no recipients")
    assert response.json()["error"]["code"] == "MSG-003"


async def test_drop_after_commit_under_asgi_transport_raises_remote_protocol_error(sim):
    sim.state.set_faults(drop_after_commit_rate=1.0)
    with pytest.raises(httpx.RemoteProtocolError):
        await sim.send(**BODY)
    assert len(sim.state.messages) == 1


async def test_faults_can_target_one_operation(sim):
    sim.state.set_faults(error_rate=1.0, operations=[SEND])
    assert (await sim.call("GET", "/conversations")).status_code == 200
    assert (await sim.send(**BODY)).status_code in (500, 503)


async def test_latency_delays_responses(sim):
    sim.state.set_faults(latency=0.05)
    started = time.perf_counter()
    await sim.call("GET", "/contacts")
    assert time.perf_counter() - started >= 0.05


async def test_fault_draws_are_seeded(make_sim):
    async def outcomes(seed: int) -> list[int]:
        sim = await make_sim(seed=seed)
        sim.state.set_faults(error_rate=0.5)
        return [(await sim.call("GET", "/contacts")).status_code for _ in range(20)]

    assert await outcomes(7) == await outcomes(7)
    assert await outcomes(7) != await outcomes(8)


def test_fault_settings_are_validated():
    with pytest.raises(ValueError):
        FaultSettings(error_rate=1.5)
    with pytest.raises(ValueError):
        FaultSettings(latency=-1)


async def test_admin_fault_endpoints(sim):
    response = await sim.client.put("/_sim/faults", json={"error_rate": 0.25, "latency": 0})
    assert response.json()["data"]["error_rate"] == 0.25
    assert (await sim.client.get("/_sim/faults")).json()["data"]["error_rate"] == 0.25
    bad = await sim.client.put("/_sim/faults", json={"explode": True})
    assert (bad.status_code, bad.json()["error"]["code"]) == (400, "REQ-001")
    out_of_range = await sim.client.put("/_sim/faults", json={"error_rate": 2})
    assert out_of_range.status_code == 400
    assert (await sim.client.delete("/_sim/faults")).json()["data"]["error_rate"] == 0.0


async def test_request_counts_by_operation_and_reset(sim):
    await sim.call("GET", "/conversations")
    await sim.call("GET", "/conversations", params={"limit": 5})
    await sim.send(**BODY)
    await sim.call("DELETE", "/webhooks/" + "http%3A%2F%2F127.0.0.1%2Fx")
    counts = (await sim.client.get("/_sim/requests")).json()["data"]
    assert counts == {
        "POST /oauth2/token": 1,
        "GET /v1/accounts/{accountId}/conversations": 2,
        SEND: 1,
        "DELETE /v1/accounts/{accountId}/webhooks/{url}": 1,
    }
    await sim.client.delete("/_sim/requests")
    assert sim.state.request_counts() == {}


async def test_faults_can_be_set_in_the_config(make_sim):
    sim = await make_sim(authenticate=False, faults=FaultSettings(error_rate=1.0, operations=["POST /oauth2/token"]))
    assert (await sim.client.post("/oauth2/token", json={})).status_code in (500, 503)
