"""Export: rows with the API's camelCase names; CSV safe in a spreadsheet, JSON exactly as received."""

from __future__ import annotations

import csv
import io
import json

import pytest

from sakari_tui.api.models import Contact
from sakari_tui.contacts_io import attribute_names, contacts_rows, format_contacts_csv, format_contacts_json
from sakari_tui.contacts_io.cells import control_characters

from ..support.hostile import HOSTILE


def contact(**fields) -> Contact:
    return Contact.model_validate({"id": "c-1", "mobile": {"number": "+14155550100", "country": "US"}, **fields})


ANN = contact(
    firstName="Ann",
    lastName="Lee",
    email="ann@example.org",
    tags=[{"tag": "vip"}, {"tag": "newsletter"}],
    attributes={"plan": "Pro", "Email": "old@example.org", "visits": 3, "prefs": {"sms": True}},
)


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_rows_use_the_api_names_and_one_key_per_attribute():
    (row,) = contacts_rows([ANN])
    assert row == {
        "id": "c-1",
        "firstName": "Ann",
        "lastName": "Lee",
        "mobile": "+14155550100",
        "country": "US",
        "email": "ann@example.org",
        "tags": ["vip", "newsletter"],
        "optedOut": False,
        "plan": "Pro",
        "attributes.Email": "old@example.org",  # an attribute named like an API column keeps apart
        "visits": 3,
        "prefs": {"sms": True},
    }


def test_opted_out_is_sakaris_block_or_the_apps_mark():
    blocked = contact(blocked="2026-01-02T03:04:05Z")
    marked = contact(tags=[{"tag": "Opted-Out"}])
    assert [row["optedOut"] for row in contacts_rows([blocked, marked, contact()])] == [True, True, False]


def test_csv_has_the_api_columns_first_then_every_attribute_seen():
    bob = contact(id="c-2", firstName="Bob", mobile={"number": "+447700900123"}, attributes={"city": "Leeds"})
    text = format_contacts_csv(contacts_rows([ANN, bob]))
    rows = read_csv(text)
    assert list(rows[0]) == [
        "id", "firstName", "lastName", "mobile", "country", "email", "tags", "optedOut",
        "plan", "attributes.Email", "visits", "prefs", "city",
    ]  # fmt: skip
    assert rows[0]["tags"] == "vip;newsletter" and rows[0]["optedOut"] == "false"
    assert rows[0]["prefs"] == '{"sms":true}' and rows[0]["visits"] == "3" and rows[0]["city"] == ""
    assert rows[1]["mobile"] == "+447700900123" and rows[1]["country"] == "" and rows[1]["plan"] == ""


def test_an_empty_export_still_has_its_header():
    assert format_contacts_csv([]) == "id,firstName,lastName,mobile,country,email,tags,optedOut\n"
    assert json.loads(format_contacts_json([])) == []


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("https://evil.test","x")', '\'=HYPERLINK("https://evil.test","x")'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", " x"),  # a tab becomes a space: no control characters in a cell
        ("-42", "-42"),  # amounts and numbers stay as they are
        ("+44 (0)20 7946-0958", "+44 (0)20 7946-0958"),
        ("Ann = Anna", "Ann = Anna"),
    ],
)
def test_csv_cells_that_a_spreadsheet_would_run_get_an_apostrophe(value, cell):
    rows = contacts_rows([contact(firstName=value, attributes={"note": value}, tags=[{"tag": value}])])
    (written,) = read_csv(format_contacts_csv(rows))
    assert written["firstName"] == written["note"] == cell
    assert written["tags"] == cell
    assert written["mobile"] == "+14155550100"  # an E.164 number is not a formula


def test_an_attribute_name_that_starts_like_a_formula_is_guarded_in_the_header():
    text = format_contacts_csv(contacts_rows([contact(attributes={"=evil()": "x"})]))
    assert text.splitlines()[0].endswith(",'=evil()")


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_text_is_sanitised_in_csv_and_kept_as_received_in_json(name):
    value = HOSTILE[name]
    hostile = contact(firstName=value, lastName=value, email=value, attributes={"note": value}, tags=[{"tag": value}])
    rows = contacts_rows([hostile])
    text = format_contacts_csv(rows)
    (written,) = read_csv(text)
    for column in ("firstName", "lastName", "email", "note", "tags"):
        assert not control_characters(written[column]), column
        assert not written[column].startswith(("=", "@", "\t", "\r")), column
    # One line per contact, whatever the names hold.
    assert len(text.splitlines()) == 2
    exported = format_contacts_json(rows)
    assert json.loads(exported)[0]["firstName"] == value
    assert json.loads(exported)[0]["tags"] == [value]
    assert not control_characters(exported.replace("\n", "")), "raw controls in the JSON text"


def test_attribute_names_are_every_attribute_a_contact_carries():
    assert attribute_names([ANN, contact(attributes={"city": "Leeds"}), contact()]) == {
        "plan", "Email", "visits", "prefs", "city",
    }  # fmt: skip
