"""Templates and campaigns: CRUD, filters, validation, unknown ids."""

from __future__ import annotations

import pytest

from .spec import validate_response


async def test_template_lifecycle(sim):
    created = await sim.call(
        "POST", "/templates", json={"name": "Welcome", "template": "Hi {{{firstName}}}", "type": "SMS"}
    )
    validate_response("templates.create", created)
    assert created.status_code == 201 and created.json()["pagination"]["totalCount"] == 1
    template = created.json()["data"][0]
    assert (template["name"], template["template"], template["type"]) == ("Welcome", "Hi {{{firstName}}}", "SMS")
    fetched = await sim.call("GET", f"/templates/{template['id']}")
    validate_response("templates.fetch", fetched)
    updated = await sim.call("PUT", f"/templates/{template['id']}", json={"template": "Hello {{ firstName }}"})
    validate_response("templates.update", updated)
    assert updated.json()["data"]["template"] == "Hello {{ firstName }}" and updated.json()["data"]["name"] == "Welcome"
    removed = await sim.call("DELETE", f"/templates/{template['id']}")
    validate_response("templates.remove", removed)
    for method in ("GET", "PUT", "DELETE"):
        response = await sim.call(method, f"/templates/{template['id']}", json={"name": "x"})
        assert (response.status_code, response.json()["error"]["code"]) == (404, "TMPL-001")


async def test_template_list_is_sorted_by_name_and_filters_by_part_of_it(demo):
    response = await demo.call("GET", "/templates", params={"limit": 100})
    validate_response("templates.fetchAll", response)
    names = [t["name"] for t in response.json()["data"]]
    assert names == sorted(names, key=str.casefold)
    filtered = (await demo.call("GET", "/templates", params={"name": "ORDER"})).json()["data"]
    assert [t["name"] for t in filtered] == ["Order shipped"]


@pytest.mark.parametrize(
    "body", [{"name": "No text"}, {"template": "  "}, {"template": "x", "type": "Email"}, {"template": 3}]
)
async def test_invalid_templates_are_400_tmpl_002(sim, body):
    response = await sim.call("POST", "/templates", json=body)
    assert (response.status_code, response.json()["error"]["code"]) == (400, "TMPL-002")


async def test_campaign_lifecycle(sim):
    body = {
        "name": "Marketing Campaign",
        "trigger": {"code": "M"},
        "template": "Hi {{{contact.firstName}}}",
        "reporting": {"when": "NoReport"},
        "filters": {"tags": ["vip"]},
        "ignored": True,
    }
    created = await sim.call("POST", "/campaigns", json=body)
    validate_response("campaigns.create", created)
    campaign = created.json()["data"]
    assert campaign["name"] == "Marketing Campaign" and "ignored" not in campaign
    listed = await sim.call("GET", "/campaigns", params={"name": "market"})
    validate_response("campaigns.fetchAll", listed)
    assert [c["id"] for c in listed.json()["data"]] == [campaign["id"]]
    assert (await sim.call("GET", "/campaigns", params={"name": "nothing"})).json()["data"] == []
    fetched = await sim.call("GET", f"/campaigns/{campaign['id']}")
    validate_response("campaigns.fetch", fetched)
    updated = await sim.call("PUT", f"/campaigns/{campaign['id']}", json={"name": "Renamed", "trigger": {"code": "S"}})
    validate_response("campaigns.update", updated)
    assert (updated.json()["data"]["name"], updated.json()["data"]["trigger"]) == ("Renamed", {"code": "S"})
    removed = await sim.call("DELETE", f"/campaigns/{campaign['id']}")
    validate_response("campaigns.remove", removed)
    missing = await sim.call("GET", f"/campaigns/{campaign['id']}")
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "CAMP-001")


@pytest.mark.parametrize("body", [{"trigger": {"code": "X"}}, {"trigger": "M"}, {"name": 5}])
async def test_invalid_campaigns_are_400_camp_002(sim, body):
    response = await sim.call("POST", "/campaigns", json=body)
    assert (response.status_code, response.json()["error"]["code"]) == (400, "CAMP-002")
