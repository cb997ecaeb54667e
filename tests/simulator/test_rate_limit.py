"""The token-bucket rate limit: 429 RATE-001 with Retry-After, refilling on the manual clock."""

from __future__ import annotations

from sakari_tui.simulator import RateLimitSettings

from .spec import validate_component


async def test_burst_then_429_with_retry_after_then_refill(make_sim, clock):
    sim = await make_sim(rate_limit=RateLimitSettings(rate=0.5, burst=3))  # the token request used one
    assert [(await sim.call("GET", "/contacts")).status_code for _ in range(2)] == [200, 200]
    limited = await sim.call("GET", "/contacts")
    assert limited.status_code == 429
    validate_component(limited.json(), "ErrorResponse")
    assert limited.json()["error"]["code"] == "RATE-001"
    assert limited.headers["Retry-After"] == "2"
    clock.advance(1)
    assert (await sim.call("GET", "/contacts")).headers["Retry-After"] == "1"
    clock.advance(1)
    assert (await sim.call("GET", "/contacts")).status_code == 200


async def test_off_by_default_and_switchable_at_runtime(sim):
    assert all([(await sim.call("GET", "/contacts")).status_code == 200 for _ in range(50)])
    response = await sim.client.put("/_sim/rate-limit", json={"rate": 1, "burst": 1})
    assert response.json()["data"] == {"rate": 1, "burst": 1}
    assert (await sim.call("GET", "/contacts")).status_code == 200
    assert (await sim.call("GET", "/contacts")).status_code == 429
    assert (await sim.client.get("/_sim")).status_code == 200  # admin endpoints are never limited
    sim.state.set_rate_limit(None)
    assert (await sim.call("GET", "/contacts")).status_code == 200
