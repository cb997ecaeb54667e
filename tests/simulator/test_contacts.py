"""Contacts: create (JSON, lists, CSV, merge strategies), filters, fetch, update, remove, numbers."""

from __future__ import annotations

import pytest

from sakari_tui.simulator.phones import InvalidNumber, country_of, normalise

from .spec import validate_response

ANN = "+14155550142"


async def _create(sim, body, **params):
    return await sim.call("POST", "/contacts", json=body, params=params)


async def test_create_returns_201_with_a_list_envelope(sim):
    response = await _create(
        sim,
        {
            "firstName": "Ann",
            "lastName": "Lee",
            "email": "ann@example.com",
            "mobile": {"number": ANN, "country": "US"},
            "attributes": {"plan": "Pro"},
            "tags": [{"tag": "vip", "visible": True}],
        },
    )
    validate_response("contacts.create", response)
    body = response.json()
    assert body["pagination"]["totalCount"] == 1
    contact = body["data"][0]
    assert contact["mobile"] == {"number": ANN, "country": "US"}
    assert contact["attributes"] == {"plan": "Pro"} and contact["tags"] == [{"tag": "vip", "visible": True}]
    assert contact["valid"] is True and contact["created"]["at"] == "2026-01-01T00:00:00.000Z"


@pytest.mark.parametrize(
    ("number", "country", "expected"),
    [
        ("123-456-7890", "US", "+11234567890"),
        ("(415) 555-0142", None, "+14155550142"),
        ("1 415 555 0142", "US", "+14155550142"),
        ("07700 900456", "GB", "+447700900456"),
        ("0151 23456789", "DE", "+4915123456789"),
        ("0044 7700 900456", None, "+447700900456"),
        ("+81 90-1234-5678", None, "+819012345678"),
    ],
)
async def test_numbers_are_normalised_to_e164(sim, number, country, expected):
    mobile = {"number": number, **({"country": country} if country else {})}
    contact = (await _create(sim, {"mobile": mobile})).json()["data"][0]
    assert contact["mobile"]["number"] == expected


@pytest.mark.parametrize(
    "number", ["", "12345", "+0123456789", "+1234567890123456", "call me", "555-0142", "+44 7700 9004x6"]
)
async def test_invalid_numbers_are_400_cont_001(sim, number):
    response = await _create(sim, {"mobile": {"number": number}})
    assert (response.status_code, response.json()["error"]["code"]) == (400, "CONT-001")


async def test_missing_mobile_is_cont_001(sim):
    response = await _create(sim, {"firstName": "Nobody"})
    assert response.json()["error"]["code"] == "CONT-001"


def test_phone_helpers():
    assert normalise("020 7946 0958", "gb") == ("+442079460958", "GB")
    assert normalise("+1 604 555 0100", "CA") == ("+16045550100", "CA")
    assert country_of("+5511987654321") == "BR"
    assert country_of("+35385123456") == "IE"
    with pytest.raises(InvalidNumber):
        normalise("0123456", "XX")


async def test_list_of_contacts_reports_invalid_items(sim):
    response = await sim.call("POST", "/contacts", json=[{"mobile": {"number": ANN}}, {"mobile": {"number": "nope"}}])
    validate_response("contacts.create", response)
    data = response.json()["data"]
    assert data[0]["valid"] is True
    assert data[1]["valid"] is False and data[1]["error"]["code"] == "CONT-001"


@pytest.mark.parametrize(
    ("strategy", "expected_attributes", "expected_tags", "expected_last"),
    [
        (None, {"a": "1", "b": "new"}, ["old", "new"], "New"),
        ("append", {"a": "1", "b": "new"}, ["old", "new"], "New"),
        ("core", {"a": "1", "b": "2"}, ["old"], "New"),
        ("remove", {"b": "new"}, ["new"], "New"),
    ],
)
async def test_merge_strategies_for_an_existing_mobile(
    sim, strategy, expected_attributes, expected_tags, expected_last
):
    await _create(
        sim,
        {"lastName": "Old", "mobile": {"number": ANN}, "attributes": {"a": "1", "b": "2"}, "tags": [{"tag": "old"}]},
    )
    params = {"mergeStrategy": strategy} if strategy else {}
    merged = (
        await _create(
            sim,
            {"lastName": "New", "mobile": {"number": ANN}, "attributes": {"b": "new"}, "tags": [{"tag": "new"}]},
            **params,
        )
    ).json()["data"][0]
    assert merged["attributes"] == expected_attributes
    assert [tag["tag"] for tag in merged["tags"]] == expected_tags
    assert merged["lastName"] == expected_last
    assert len([c for c in sim.state.contacts.values() if not c.removed]) == 1


async def test_unknown_merge_strategy_is_400(sim):
    response = await _create(sim, {"mobile": {"number": ANN}}, mergeStrategy="overwrite")
    assert (response.status_code, response.json()["error"]["code"]) == (400, "REQ-002")


async def test_csv_upload(sim):
    await _create(sim, {"firstName": "Existing", "mobile": {"number": "+14155550101"}})
    csv_text = (
        "country,firstName,lastName,email,mobile,jobTitle,City\n"
        "US,Joe,Bloggs,joe@example.com,415-555-0100,mover,San Francisco\n"
        "US,Eve,Existing,,415-555-0101,,\n"
        "GB,Bad,Number,,12,,\n"
    )
    response = await sim.call(
        "POST",
        "/contacts",
        content=csv_text.encode(),
        headers={"Content-Type": "text/csv"},
        params={"mergeStrategy": "append"},
    )
    validate_response("contacts.create", response)
    data = response.json()["data"]
    assert (data["submitted"], data["inserted"], data["updated"], data["success"]) == (3, 1, 1, 2)
    assert data["errors"][0]["error"]["code"] == "CONT-001"
    joe = data["contacts"][0]
    assert joe["mobile"]["number"] == "+14155550100"
    assert joe["attributes"] == {"jobTitle": "mover", "City": "San Francisco"}


async def test_filters_match_parts_case_insensitively(sim):
    await _create(
        sim,
        {
            "firstName": "Ann",
            "lastName": "Lee",
            "email": "ann@example.com",
            "mobile": {"number": ANN},
            "tags": [{"tag": "vip"}, {"tag": "newsletter"}],
        },
    )
    await _create(
        sim,
        {
            "firstName": "Annette",
            "lastName": "Ng",
            "email": "an@test.org",
            "mobile": {"number": "+447700900456"},
            "tags": [{"tag": "newsletter"}],
        },
    )
    await _create(sim, {"firstName": "Bob", "mobile": {"number": "+14155550199"}})

    async def names(**params) -> list[str]:
        response = await sim.call("GET", "/contacts", params=params)
        validate_response("contacts.fetchAll", response)
        return sorted(contact["firstName"] for contact in response.json()["data"])

    assert await names() == ["Ann", "Annette", "Bob"]
    assert await names(firstName="ann") == ["Ann", "Annette"]
    assert await names(lastName="LEE") == ["Ann"]
    assert await names(email="example") == ["Ann"]
    assert await names(mobile="7700") == ["Annette"]
    assert await names(mobile="555-0199") == ["Bob"]
    assert await names(tags="newsletter") == ["Ann", "Annette"]
    assert await names(tags="newsletter,vip") == ["Ann"]
    assert await names(firstName="ann", tags="vip") == ["Ann"]


async def test_fetch_update_remove(sim):
    contact = (await _create(sim, {"firstName": "Ann", "mobile": {"number": ANN}})).json()["data"][0]
    fetched = await sim.call("GET", f"/contacts/{contact['id']}")
    validate_response("contacts.fetch", fetched)
    updated = await sim.call(
        "PUT", f"/contacts/{contact['id']}", json={"lastName": "Lee", "mobile": {"number": "+447700900456"}}
    )
    validate_response("contacts.update", updated)
    data = updated.json()["data"]
    assert (data["firstName"], data["lastName"], data["mobile"]["number"], data["mobile"]["country"]) == (
        "Ann",
        "Lee",
        "+447700900456",
        "GB",
    )
    removed = await sim.call("DELETE", f"/contacts/{contact['id']}")
    validate_response("contacts.remove", removed)
    assert removed.json() == {"success": True}
    for method in ("GET", "PUT", "DELETE"):
        response = await sim.call(method, f"/contacts/{contact['id']}", json={})
        assert (response.status_code, response.json()["error"]["code"]) == (404, "CONT-002")


async def test_update_to_a_number_another_contact_has_is_409_cont_003(sim):
    first = (await _create(sim, {"mobile": {"number": ANN}})).json()["data"][0]
    await _create(sim, {"mobile": {"number": "+447700900456"}})
    response = await sim.call("PUT", f"/contacts/{first['id']}", json={"mobile": {"number": "+447700900456"}})
    assert (response.status_code, response.json()["error"]["code"]) == (409, "CONT-003")


async def test_removed_contact_keeps_its_history_and_a_new_text_makes_a_new_contact(sim):
    sim.inbound(ANN, "hello")
    old = sim.state.contact_by_mobile(ANN)
    await sim.call("DELETE", f"/contacts/{old.id}")
    conversation = (await sim.call("GET", "/conversations")).json()["data"][0]
    assert conversation["contact"]["id"] == old.id
    sim.inbound(ANN, "hello again")
    assert sim.state.contact_by_mobile(ANN).id != old.id
    response = await sim.send(contacts=[{"id": old.id}], template="hi")
    assert response.json()["error"]["code"] == "CONT-002"
