"""The simulator's CSV contact import: POST /contacts with text/csv creates or merges per
mergeStrategy and answers a ContactUploadResponse whose `errors` carry each refused row."""

from __future__ import annotations

import pytest

from .spec import validate_response

ANN = "+14155550142"


async def upload(sim, text: str | bytes, **params):
    response = await sim.call(
        "POST",
        "/contacts",
        content=text.encode() if isinstance(text, str) else text,
        headers={"Content-Type": "text/csv; charset=utf-8"},
        params=params,
    )
    validate_response("contacts.create", response)
    return response


def live(sim):
    return [contact for contact in sim.state.contacts.values() if not contact.removed]


async def test_rows_are_created_with_their_columns_attributes_and_tags(sim):
    text = (
        "\ufeffMobile,First Name,last_name,Email,country,tags,City\n"
        '+1 415 555 0142,Ann,Lee,ann@example.org,US, vip ; newsletter ,"San Francisco, CA"\n'
        "\n"
        "07700 900456,Bea,Bell,,GB,,Leeds\n"
    )
    data = (await upload(sim, text)).json()["data"]
    assert (data["submitted"], data["inserted"], data["updated"], data["success"], data["errors"]) == (2, 2, 0, 2, [])
    ann, bea = data["contacts"]
    assert (ann["firstName"], ann["lastName"], ann["email"]) == ("Ann", "Lee", "ann@example.org")
    assert ann["mobile"] == {"number": ANN, "country": "US"}
    assert [tag["tag"] for tag in ann["tags"]] == ["vip", "newsletter"]
    assert ann["attributes"] == {"City": "San Francisco, CA"}
    assert bea["mobile"] == {"number": "+447700900456", "country": "GB"}


async def test_each_refused_row_is_an_error_contact_with_what_was_sent(sim):
    text = "mobile,firstName,email\n+14155550142,Ann,\n12,Short,s@example.org\n,Nobody,\n+1 415 555 0143,Cy,\n"
    data = (await upload(sim, text)).json()["data"]
    assert (data["submitted"], data["inserted"], data["success"]) == (4, 2, 2)
    short, nobody = data["errors"]
    assert short["mobile"] == {"number": "12"} and short["firstName"] == "Short" and short["valid"] is False
    assert short["error"]["code"] == "CONT-001" and short["error"]["description"].startswith("Invalid mobile number")
    assert nobody["firstName"] == "Nobody" and nobody["error"] == {
        "code": "CONT-001",
        "description": "Mobile number is required",
    }
    assert [contact["firstName"] for contact in data["contacts"]] == ["Ann", "Cy"]


async def test_a_row_with_more_values_than_the_header_is_refused_not_half_read(sim):
    text = "mobile,firstName\n+14155550142,Smith, John\n+14155550143,Ann\n"
    data = (await upload(sim, text)).json()["data"]
    (error,) = data["errors"]
    assert error["mobile"] == {"number": "+14155550142"} and error["error"]["code"] == "REQ-001"
    assert error["error"]["description"] == "The row has 3 values but the header has 2 columns"
    assert [contact["firstName"] for contact in data["contacts"]] == ["Ann"]
    assert sim.state.contact_by_mobile("+14155550142") is None


@pytest.mark.parametrize(
    ("strategy", "attributes", "tags", "email"),
    [
        (None, {"a": "1", "b": "new"}, ["old", "new"], "old@example.org"),
        ("append", {"a": "1", "b": "new"}, ["old", "new"], "old@example.org"),
        ("core", {"a": "1", "b": "2"}, ["old"], "old@example.org"),
        ("remove", {"b": "new"}, ["new"], "old@example.org"),  # a column not in the file is not "sent"
    ],
)
async def test_merge_strategies_apply_to_csv_rows_too(sim, strategy, attributes, tags, email):
    await sim.call(
        "POST",
        "/contacts",
        json={
            "firstName": "Old",
            "email": "old@example.org",
            "mobile": {"number": ANN},
            "attributes": {"a": "1", "b": "2"},
            "tags": ["old"],
        },
    )
    params = {"mergeStrategy": strategy} if strategy else {}
    data = (await upload(sim, "mobile,firstName,b,tags\n415-555-0142,New,new,new\n", **params)).json()["data"]
    assert (data["inserted"], data["updated"]) == (0, 1)
    (merged,) = data["contacts"]
    assert merged["firstName"] == "New"
    assert merged["attributes"] == attributes
    assert [tag["tag"] for tag in merged["tags"]] == tags
    assert merged.get("email") == email
    assert len(live(sim)) == 1


async def test_the_same_number_twice_in_one_file_is_one_contact(sim):
    data = (await upload(sim, "mobile,firstName\n+14155550142,Ann\n(415) 555-0142,Annie\n")).json()["data"]
    assert (data["inserted"], data["updated"]) == (1, 1)
    assert [contact.first_name for contact in live(sim)] == ["Annie"]


@pytest.mark.parametrize("text", ["", "\n\n", "\ufeff"])
async def test_a_file_without_a_header_is_400(sim, text):
    response = await sim.call("POST", "/contacts", content=text.encode(), headers={"Content-Type": "text/csv"})
    assert (response.status_code, response.json()["error"]["code"]) == (400, "REQ-001")


async def test_an_unknown_merge_strategy_is_refused_before_any_row(sim):
    response = await sim.call(
        "POST",
        "/contacts",
        content=b"mobile\n+14155550142\n",
        headers={"Content-Type": "text/csv"},
        params={"mergeStrategy": "replace"},
    )
    assert (response.status_code, response.json()["error"]["code"]) == (400, "REQ-002")
    assert live(sim) == []


async def test_imported_contacts_raise_contact_created_and_updated_events(sim):
    await upload(sim, "mobile\n+14155550142\n")
    await upload(sim, "mobile,firstName\n+14155550142,Ann\n")
    contact = sim.state.contact_by_mobile(ANN)
    assert contact.first_name == "Ann" and contact.created_at <= contact.updated_at
