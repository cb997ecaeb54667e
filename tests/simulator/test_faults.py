"""Fault injection (before and after commit, latency, dropped connections, slow commits, odd 200s,
server clock skew) and request counting."""

from __future__ import annotations

import asyncio
import email.utils
import json
import time

import httpx
import pytest

from sakari_tui.simulator import FaultSettings
from sakari_tui.simulator.clock import iso

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


async def _until(predicate, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.005)


async def test_commit_delay_holds_a_write_without_blocking_other_requests(sim):
    sim.state.set_faults(commit_delay=5.0, commit_delay_rate=1.0)
    send = asyncio.create_task(sim.send(**BODY))
    await _until(lambda: "commit_delay" in sim.state.fault_counts())
    # While the write waits, the simulator answers others; nothing is committed yet.
    assert (await sim.call("GET", "/contacts")).status_code == 200
    assert not send.done() and not sim.state.messages
    send.cancel()
    with pytest.raises(asyncio.CancelledError):
        await send
    assert sim.state.fault_counts()["commit_delay"] == {SEND: 1}  # reads are never held


async def test_commit_delay_rate_zero_holds_nothing(sim):
    sim.state.set_faults(commit_delay=5.0, commit_delay_rate=0.0, latency=0.0)
    assert (await sim.send(**BODY)).status_code == 200
    assert "commit_delay" not in sim.state.fault_counts()


def _garbage_kind(response: httpx.Response) -> str:
    if not response.content:
        return "empty"
    if response.headers["content-type"].startswith("text/html"):
        return "html"
    try:
        body = json.loads(response.content)
    except ValueError:
        return "truncated"
    return {json.dumps({"success": True, "data": {}}): "empty-data", json.dumps({"success": True}): "no-data"}.get(
        json.dumps(body), f"unexpected: {body}"
    )


async def test_garbage_after_commit_saves_the_write_then_answers_an_odd_200(sim):
    sim.state.set_faults(garbage_after_commit_rate=1.0)
    kinds = set()
    for _ in range(40):
        response = await sim.send(**BODY)
        assert response.status_code == 200
        kinds.add(_garbage_kind(response))
    assert kinds == {"empty-data", "no-data", "html", "empty", "truncated"}
    assert len(sim.state.messages) == 40  # every one of them was committed
    assert sim.state.fault_counts()["garbage_after_commit"] == {SEND: 40}
    assert (await sim.call("GET", "/messages")).json()["success"] is True  # reads are left alone


async def test_garbage_never_hits_a_refused_write(sim):
    sim.state.set_faults(garbage_after_commit_rate=1.0)
    response = await sim.send(template="no recipients")
    assert (response.status_code, response.json()["error"]["code"]) == (400, "MSG-003")
    assert "garbage_after_commit" not in sim.state.fault_counts()


async def test_fired_faults_are_counted_by_kind_and_operation(sim):
    sim.state.set_faults(error_after_commit_rate=1.0)
    await sim.send(**BODY)
    await sim.call("GET", "/messages")  # a read: nothing after commit to fire
    sim.state.set_faults(error_after_commit_rate=0.0, drop_after_commit_rate=1.0)
    with pytest.raises(httpx.RemoteProtocolError):
        await sim.send(**BODY)
    assert sim.state.fault_counts() == {"error_after_commit": {SEND: 1}, "drop_after_commit": {SEND: 1}}
    summary = (await sim.client.get("/_sim")).json()["data"]
    assert summary["faultsFired"] == sim.state.fault_counts()
    await sim.client.delete("/_sim/requests")
    assert sim.state.fault_counts() == {}


async def test_clock_offset_skews_record_times_and_the_date_header(sim, clock):
    for offset in (-600.0, 600.0):
        sim.state.set_faults(clock_offset=offset)
        response = await sim.send(**BODY)
        message = response.json()["data"]["messages"][0]
        assert message["created"]["at"] == iso(clock.now() + offset)
        date = email.utils.parsedate_to_datetime(response.headers["date"]).timestamp()
        assert date == int(clock.now() + offset)
    summary = (await sim.client.get("/_sim")).json()["data"]
    assert summary["now"] == iso(clock.now() + 600.0)


async def test_the_date_header_follows_the_manual_clock(sim, clock):
    clock.advance(3600.0)
    response = await sim.call("GET", "/contacts")
    assert response.headers.get_list("date") == [email.utils.formatdate(clock.now(), usegmt=True)]


def test_new_fault_settings_are_validated():
    for bad in (
        {"commit_delay": -1},
        {"commit_delay_rate": 1.5},
        {"garbage_after_commit_rate": -0.1},
        {"clock_offset": float("nan")},
        {"clock_offset": 1e12},
        {"latency": float("inf")},
        {"commit_delay": "soon"},
        {"clock_offset": True},
    ):
        with pytest.raises(ValueError):
            FaultSettings(**bad)


async def test_admin_endpoint_sets_the_new_faults(sim, clock):
    response = await sim.client.put(
        "/_sim/faults",
        json={"commit_delay": 0.4, "commit_delay_rate": 0.1, "garbage_after_commit_rate": 0.2, "clock_offset": -600},
    )
    data = response.json()["data"]
    assert (
        data["commit_delay"],
        data["commit_delay_rate"],
        data["garbage_after_commit_rate"],
        data["clock_offset"],
    ) == (0.4, 0.1, 0.2, -600)
    assert sim.state.now() == clock.now() - 600
    bad = await sim.client.put("/_sim/faults", json={"commit_delay": -2})
    assert bad.status_code == 400
