"""The upload through the simulator on 127.0.0.1, and Sakari's answer turned into lines of the user's file."""

from __future__ import annotations

import dataclasses

import pytest

from sakari_tui.api.models import ContactUploadResult
from sakari_tui.contacts_io import (
    ImportPlan,
    contacts_rows,
    format_contacts_csv,
    import_contacts,
    import_report,
    outcomes_of,
    validate_import,
)

TYLER = "+13125550160"  # a contact of the demo account

FILE = (
    "firstName,lastName,mobile,email,plan\n"  # 1
    "Ann,Archer,415 555 0101,ann@example.org,Pro\n"  # 2
    "Bob,Baker,555-01,,\n"  # 3: refused here, never sent
    "Tyler,Brooks,(312) 555-0160,tyler@example.org,Gold\n"  # 4: already in Sakari: merged
    "Cy,Clark,+1 415 555 0102,,\n"  # 5
)


def refused_by_sakari(plan: ImportPlan, line: int, number: str) -> ImportPlan:
    """`plan` with the row of `line` carrying a number Sakari refuses although the local checks passed
    (Sakari's rules are its own: a number range it does not serve, say)."""
    rows = [
        dataclasses.replace(row, mobile=number, values={**row.values, "mobile": number}) if row.line == line else row
        for row in plan.rows
    ]
    return dataclasses.replace(plan, rows=rows)


async def test_valid_rows_are_created_or_merged_and_the_result_names_the_lines(client, server):
    plan = validate_import(FILE, default_country="US")
    assert [problem.text for problem in plan.problems] == [
        "line 3: '555-01' is not a phone number in US (the default country)."
    ]
    result = await import_contacts(client, plan, merge_strategy="append")
    assert (result.sent, result.submitted, result.inserted, result.updated, result.succeeded) == (3, 3, 2, 1, 3)
    assert [(outcome.line, outcome.mobile, outcome.imported) for outcome in result.outcomes] == [
        (2, "+14155550101", True),
        (4, TYLER, True),
        (5, "+14155550102", True),
    ]
    tyler = server.state.contact_by_mobile(TYLER)
    assert result.outcomes[1].contact_id == tyler.id
    assert (tyler.email, tyler.attributes["plan"]) == ("tyler@example.org", "Gold")
    assert server.state.contact_by_mobile("+14155550101").first_name == "Ann"
    assert server.state.contact_by_mobile("+14155550000") is None
    assert import_report(result) == "Imported 3 of 3 contacts (2 new, 1 merged).\n"


async def test_rows_sakari_refuses_are_printed_with_the_line_of_the_users_file(client):
    plan = refused_by_sakari(validate_import(FILE, default_country="US"), line=5, number="+12")
    result = await import_contacts(client, plan, merge_strategy="core")
    assert [outcome.line for outcome in result.imported] == [2, 4]
    (error,) = result.errors
    assert error.startswith("line 5: Sakari refused +12: Invalid mobile number: ")
    assert error.endswith(" (CONT-001).")
    report = import_report(result)
    assert report.splitlines()[0] == "Imported 2 of 3 contacts (1 new, 1 merged)."
    assert report.splitlines()[1:] == ["Not imported (1):", f"  {error}"]


async def test_importing_the_same_file_again_merges_and_duplicates_nothing(client, server):
    plan = validate_import(FILE, default_country="US")
    await import_contacts(client, plan, merge_strategy="append")
    before = len([c for c in server.state.contacts.values() if not c.removed])
    again = await import_contacts(client, plan, merge_strategy="append")
    assert (again.inserted, again.updated) == (0, 3)
    assert len([c for c in server.state.contacts.values() if not c.removed]) == before


async def test_a_plan_that_cannot_go_is_not_sent(client, server):
    posts = len(server.state.contacts)
    with pytest.raises(ValueError, match="^The file cannot be imported: The file has no mobile column"):
        await import_contacts(client, validate_import("firstName\nAnn\n", default_country="US"))
    with pytest.raises(ValueError, match="^No row of the file can be imported"):
        await import_contacts(client, validate_import("mobile\n555\n", default_country="US"))
    assert len(server.state.contacts) == posts


async def test_export_then_import_round_trip_keeps_every_number(client):
    contacts = (await client.collect(client.fetch_all_contacts)).items
    assert len(contacts) > 20
    exported = format_contacts_csv(contacts_rows(contacts))
    plan = validate_import(exported, default_country="US")
    assert plan.problems == []
    assert [row.mobile for row in plan.rows] == [contact.mobile.number for contact in contacts]
    assert plan.ignored_columns == ["id", "optedOut"]
    result = await import_contacts(client, plan, merge_strategy="append")
    assert (result.inserted, result.updated, result.errors) == (0, len(contacts), [])
    after = {contact.id: contact for contact in (await client.collect(client.fetch_all_contacts)).items}
    for contact in contacts:
        assert after[contact.id].model_dump(exclude={"updated"}) == contact.model_dump(exclude={"updated"})


async def test_tagged_contacts_export_and_reimport(client):
    page = await client.fetch_all_contacts(tags="newsletter", limit=100)
    rows = contacts_rows(page.items)
    assert rows and all("newsletter" in row["tags"] for row in rows)
    plan = validate_import(format_contacts_csv(rows), default_country="US")
    assert {row.values["tags"] for row in plan.rows} >= {"newsletter"}


# --- Sakari's answer matched back to lines, whatever shape it takes ---------------------------

PLAN_TEXT = "mobile,firstName,email\n+14155550101,Ann,ann@example.org\n+14155550102,Bob,bob@example.org\n"


def answer(**data) -> ContactUploadResult:
    return ContactUploadResult.model_validate(data)


def test_a_refusal_echoing_the_number_in_national_form_finds_its_line():
    plan = validate_import(PLAN_TEXT, default_country="US")
    result = outcomes_of(
        plan,
        answer(
            contacts=[{"id": "c-1", "mobile": {"number": "+14155550101"}}],
            errors=[{"mobile": {"number": "(415) 555-0102", "country": "US"}, "error": {"code": "CONT-001"}}],
            submitted=2,
            success=1,
        ),
    )
    assert result.errors == ["line 3: Sakari refused +1 415-555-0102: CONT-001 (CONT-001)."]


def test_a_refusal_without_a_number_is_matched_by_email_or_reported_as_it_came():
    plan = validate_import(PLAN_TEXT, default_country="US")
    result = outcomes_of(
        plan,
        answer(
            errors=[
                {"email": "bob@example.org", "error": {"code": "CONT-009", "description": "Blocked\x1b[2J domain"}},
                {"firstName": "[bold]Zed", "error": {"description": "Unknown"}},
            ],
            success=1,
        ),
    )
    assert result.errors == [
        # Ann was neither listed nor refused, but the refusal of no line might be hers.
        "line 2: Sakari did not say whether +1 415-555-0101 was imported; look the contact up before changing it.",
        "line 3: Sakari refused +1 415-555-0102: Blocked[2J domain (CONT-009).",
        "Sakari refused a row it did not tie to a line ([bold]Zed): Unknown.",
    ]
    assert result.imported == []


def test_a_known_code_gets_its_plain_words():
    plan = validate_import(PLAN_TEXT, default_country="US")
    result = outcomes_of(
        plan, answer(errors=[{"mobile": {"number": "+14155550101"}, "error": {"code": "CONT-010"}}], success=1)
    )
    assert result.errors[0] == "line 2: Sakari refused +1 415-555-0101: CONT-010, the contact has opted out (CONT-010)."


def test_rows_sakari_said_nothing_about_are_not_taken_as_imported():
    plan = validate_import(PLAN_TEXT, default_country="US")
    result = outcomes_of(plan, answer(contacts=[], errors=[], submitted=2, success=0))
    assert [outcome.reported for outcome in result.outcomes] == [False, False]
    assert result.errors[0] == (
        "line 2: Sakari did not say whether +1 415-555-0101 was imported; look the contact up before changing it."
    )
    covered = outcomes_of(plan, answer(submitted=2, success=2, inserted=2))
    assert covered.errors == [] and len(covered.imported) == 2
