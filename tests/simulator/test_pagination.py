"""List envelopes: offset/limit validation, defaults, hasNext and totalCount; unknown routes."""

from __future__ import annotations

import pytest

from .spec import validate_component


async def test_default_page_is_ten_with_pagination_block(demo):
    body = (await demo.call("GET", "/conversations")).json()
    assert body["success"] is True
    assert body["pagination"] == {
        "offset": 0,
        "limit": 10,
        "totalCount": len(demo.state.conversations),
        "hasNext": True,
    }
    assert len(body["data"]) == 10


async def test_pages_walk_the_whole_list_without_gaps_or_repeats(demo):
    seen, offset = [], 0
    while True:
        body = (await demo.call("GET", "/conversations", params={"offset": offset, "limit": 17})).json()
        seen += [item["id"] for item in body["data"]]
        offset += len(body["data"])
        if not body["pagination"]["hasNext"]:
            break
    assert len(seen) == len(set(seen)) == len(demo.state.conversations)


async def test_offset_past_the_end_gives_an_empty_page(demo):
    body = (await demo.call("GET", "/conversations", params={"offset": 10_000})).json()
    assert body["data"] == [] and body["pagination"]["hasNext"] is False


@pytest.mark.parametrize(
    "params", [{"limit": 0}, {"limit": 101}, {"limit": -1}, {"offset": -1}, {"limit": "ten"}, {"offset": "1.5"}]
)
@pytest.mark.parametrize(
    "resource", ["/conversations", "/messages", "/contacts", "/templates", "/campaigns", "/webhooks"]
)
async def test_out_of_range_paging_is_400_req_002(sim, resource, params):
    response = await sim.call("GET", resource, params=params)
    assert response.status_code == 400
    validate_component(response.json(), "ErrorResponse")
    assert response.json()["error"]["code"] == "REQ-002"


async def test_limit_100_is_allowed(demo):
    body = (await demo.call("GET", "/messages", params={"limit": 100})).json()
    assert len(body["data"]) == 100


async def test_unknown_endpoint_and_method_get_error_envelopes(sim):
    missing = await sim.call("GET", "/nothing-here")
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "REQ-003")
    wrong_method = await sim.call("PATCH", "/conversations")
    assert (wrong_method.status_code, wrong_method.json()["error"]["code"]) == (405, "REQ-004")
    assert "GET" in wrong_method.headers["allow"]


async def test_malformed_json_body_is_400_req_001(sim):
    response = await sim.call("POST", "/templates", content=b"{", headers={"Content-Type": "application/json"})
    assert (response.status_code, response.json()["error"]["code"]) == (400, "REQ-001")
    response = await sim.call("POST", "/templates", json=["not", "an", "object"])
    assert (response.status_code, response.json()["error"]["code"]) == (400, "REQ-001")
