"""validate_import: every row checked, one sentence per problem naming the line of the file; nothing sent."""

from __future__ import annotations

import pytest

from sakari_tui.contacts_io import MAX_IMPORT_BYTES, upload_csv, validate_import
from sakari_tui.contacts_io.cells import control_characters

from ..support.hostile import HOSTILE

BAD_ROWS = (
    "Mobile,First Name,last_name,E-mail,Country,jobTitle\n"  # line 1
    "+1 415-555-0100,Ann,Archer,ann@example.org,,Pilot\n"  # 2: fine
    "(415) 555-0142,Bob,Baker,,,Chef\n"  # 3: national, read in the default country
    "07700 900123,Cy,Clark,,GB,\n"  # 4: national in the row's country (a range kept for fiction)
    "555-01,Di,Dunn,,,\n"  # 5: not a number
    "14155550100,Ed,Again,,,\n"  # 6: line 2's number written another way
    "+1 (415) 555-0142,Flo,Again,,,\n"  # 7: line 3's number
    "+1 415 555 0143,Gus,Green,x@,,\n"  # 8: bad email
    ",Hal,NoNumber,,,\n"  # 9: no number
    '+1 415 555 0144,=HYPERLINK("https://evil.test"),Ivy,,,\n'  # 10: formula
    "+1 415 555 0145,Jo,Jones,,Narnia,\n"  # 11: bad country
    ",,,,,\n"  # 12: an empty row, skipped
    "+1 415 555 0146,Kim,Kay,kim@example.org,,-42\n"  # 13: a negative amount is not a formula
)


def problems(plan) -> list[str]:
    return [problem.text for problem in plan.problems]


def test_a_file_with_bad_rows_gets_one_sentence_per_problem_with_its_line():
    plan = validate_import(BAD_ROWS, default_country="US")
    assert problems(plan) == [
        "line 5: '555-01' is not a phone number in US (the default country).",
        "line 6: +1 415-555-0100 is already on line 2.",
        "line 7: +1 415-555-0142 is already on line 3.",
        "line 8: the email 'x@' is not an address.",
        "line 9: there is no mobile number.",
        "line 10: the firstName '=HYPERLINK(\"https://evil.test\")' starts with '=', "
        "which a spreadsheet runs as a formula; change the cell.",
        "line 11: the country 'Narnia' is not a country code; write a two-letter code such as 'US' or 'GB'.",
    ]
    assert [(row.line, row.mobile) for row in plan.rows] == [
        (2, "+14155550100"),
        (3, "+14155550142"),
        (4, "+447700900123"),
        (13, "+14155550146"),
    ]
    assert plan.rows_read == 11 and plan.can_upload
    assert [warning.text for warning in plan.warnings] == [
        "line 4: +44 7700 900123 is a number set aside for fiction (Ofcom's drama range), not one known to be in use in GB; it is imported as written."
    ]


def test_headers_map_to_the_api_columns_and_the_upload_holds_only_valid_rows():
    plan = validate_import(BAD_ROWS, default_country="US")
    assert plan.columns == ["mobile", "country", "firstName", "lastName", "email", "jobTitle"]
    assert upload_csv(plan) == (
        "mobile,country,firstName,lastName,email,jobTitle\n"
        "+14155550100,US,Ann,Archer,ann@example.org,Pilot\n"
        "+14155550142,US,Bob,Baker,,Chef\n"
        "+447700900123,GB,Cy,Clark,,\n"
        "+14155550146,US,Kim,Kay,kim@example.org,-42\n"
    )


def test_national_numbers_follow_the_default_country():
    plan = validate_import("mobile\n020 7946 0958\n0044 20 7946 0959\n", default_country="GB")
    assert [row.mobile for row in plan.rows] == ["+442079460958", "+442079460959"]
    us = validate_import("mobile\n020 7946 0958\n", default_country="US")
    assert problems(us) == ["line 2: '020 7946 0958' is not a phone number in US (the default country)."]


def test_a_national_number_without_any_country_is_refused_with_what_to_do():
    plan = validate_import("mobile\n415 555 0100\n+1 415 555 0101\n", default_country="")
    assert problems(plan) == ["line 2: '415 555 0100' has no country code; start it with + or give the row a country."]
    assert [row.mobile for row in plan.rows] == ["+14155550101"]


def test_a_quoted_value_across_lines_keeps_the_following_line_numbers_right():
    text = 'mobile,notes\n+14155550100,"two\nlines"\n555,x\n'
    plan = validate_import(text, default_country="US")
    assert problems(plan) == [
        "line 2: the notes runs over more than one line (a double quote not closed?); put it on one line.",
        "line 4: '555' is not a phone number in US (the default country).",
    ]


def test_a_row_with_more_values_than_the_header_is_refused():
    plan = validate_import("mobile,firstName\n+14155550100,Smith, John\n", default_country="US")
    assert problems(plan) == [
        "line 2: it has 3 values but the header has 2 columns; put a value that contains a comma in double quotes."
    ]


def test_unknown_attribute_columns_are_file_problems_when_the_attributes_are_known():
    text = "mobile,Loyalty,plan,city\n+14155550100,gold,pro,Paris\n"
    plan = validate_import(text, default_country="US", known_attributes={"plan", "City"})
    assert problems(plan) == [
        "The column 'Loyalty' is not an attribute any contact of this account has; create it in Sakari first (--new-attributes if it is there already) or remove the column.",
        "The column 'city' is not an attribute any contact of this account has (contacts have 'City'); create it in Sakari first (--new-attributes if it is there already) or "
        "remove the column.",
    ]
    assert not plan.can_upload and plan.rows == []
    assert validate_import(text, default_country="US").can_upload  # attributes not known: not checked


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "The file is empty; it needs a header row (e.g. 'mobile,firstName') and a row per contact."),
        ("\n \n", "The file is empty; it needs a header row (e.g. 'mobile,firstName') and a row per contact."),
        ("firstName,lastName\nAnn,Lee\n", "The file has no mobile column; name the column of phone numbers 'mobile'."),
        ("mobile,firstName\n", "The file has a header but no contacts."),
        (
            "mobile,email,Email\n+14155550100,a@b.c,a@b.c\n",
            "The columns 'email' and 'Email' both mean email; keep one.",
        ),
        (
            "mobile,phone\n+14155550100,+14155550101\n",
            "The columns 'mobile' and 'phone' both mean mobile; keep one.",
        ),
        (
            "mobile,City,City\n+14155550100,a,b\n",
            "The column 'City' appears twice in the header (columns 2 and 3); keep one.",
        ),
        ("mobile,,x\n+14155550100,oops,1\n", "Column 2 has values but no name in the header; name it or delete it."),
    ],
)
def test_file_problems(text, expected):
    plan = validate_import(text, default_country="US")
    assert problems(plan)[0] == expected
    assert not plan.can_upload


def test_an_unnamed_empty_column_left_by_a_spreadsheet_is_fine():
    plan = validate_import("mobile,firstName,\n+14155550100,Ann,\n", default_country="US")
    assert plan.problems == [] and plan.columns == ["mobile", "country", "firstName"]


def test_bytes_must_be_utf8_and_a_bom_is_fine():
    latin1 = "mobile,firstName\n+14155550100,Ren\xe9e\n".encode("latin-1")
    plan = validate_import(latin1, default_country="US")
    assert problems(plan) == [
        "The file is not UTF-8 text (byte 0xE9 at position 33); save it as 'CSV UTF-8' and try again."
    ]
    bom = "\ufeffmobile,firstName\n+14155550100,Renée\n".encode()
    assert validate_import(bom, default_country="US").rows[0].values["firstName"] == "Renée"


def test_a_file_over_the_size_cap_is_refused_before_it_is_read():
    big = b"mobile\n" + b"+14155550100\n" * (MAX_IMPORT_BYTES // 13 + 1)
    plan = validate_import(big, default_country="US")
    assert problems(plan) == ["The file is 5.0 MB, over the 5 MB one import may be; split it into smaller files."]


def test_a_file_over_the_row_cap_is_refused(monkeypatch):
    from sakari_tui.contacts_io import validate

    monkeypatch.setattr(validate, "MAX_IMPORT_ROWS", 3)
    text = "mobile\n" + "".join(f"+1415555010{n}\n" for n in range(5))
    plan = validate_import(text, default_country="US")
    assert problems(plan) == ["The file has more than 3 contacts; split it into smaller files."]
    assert not plan.can_upload


def test_a_broken_csv_names_its_line():
    plan = validate_import('mobile,firstName\n+14155550100,"Ann\x00"\n', default_country="US")
    assert problems(plan) == ["line 2: the firstName contains control characters (U+0000); remove them."]
    unclosed = validate_import('mobile,firstName\n+14155550100,"Ann\n+14155550101,Bob\n', default_country="US")
    assert problems(unclosed) == [
        "line 2: the firstName runs over more than one line (a double quote not closed?); put it on one line."
    ]
    huge = validate_import('mobile,firstName\n+14155550100,"' + "x" * 200_000 + '"\n', default_country="US")
    assert problems(huge) == [
        "Line 2 cannot be read as CSV (field larger than field limit (131072)); fix the quotes on it."
    ]


def test_tags_are_split_and_trimmed_and_read_only_export_columns_are_not_sent():
    text = "id,mobile,tags,optedOut\nc-1,+14155550100, vip ;;newsletter ,false\n"
    plan = validate_import(text, default_country="US")
    assert plan.ignored_columns == ["id", "optedOut"]
    assert plan.columns == ["mobile", "country", "tags"]
    assert plan.rows[0].values["tags"] == "vip;newsletter"


def test_an_attribute_named_like_an_api_column_cannot_be_imported():
    plan = validate_import("mobile,attributes.Email\n+14155550100,x\n", default_country="US")
    assert problems(plan) == [
        "The attribute 'Email' cannot be imported from a CSV file, whose column of that name means email; rename it."
    ]


def test_a_guarded_formula_from_an_export_is_refused_not_uploaded_with_its_apostrophe():
    plan = validate_import("mobile,firstName\n+14155550100,'=cmd|' /C calc'!A0\n", default_country="US")
    assert problems(plan) == [
        "line 2: the firstName '=cmd|' /C calc'!A0' starts with '=', which a spreadsheet runs as a formula; "
        "change the cell."
    ]


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_names_are_refused_or_go_unchanged_and_messages_stay_safe(name):
    value = HOSTILE[name]
    quoted = '"' + value.replace('"', '""') + '"'
    plan = validate_import(f"mobile,firstName\n+14155550100,{quoted}\n", default_country="US")
    for problem in plan.problems:
        assert not control_characters(problem.text), problem.text
        assert len(problem.text) < 300
    if plan.rows:
        sent = plan.rows[0].values["firstName"]
        assert sent == value.strip() and not control_characters(sent)
    else:
        assert [problem.line for problem in plan.problems] == [2]


def test_a_duplicate_of_a_row_with_another_problem_is_still_a_duplicate():
    plan = validate_import("mobile,email\n+14155550100,x@\n415 555 0100,a@b.co\n", default_country="US")
    assert problems(plan) == [
        "line 2: the email 'x@' is not an address.",
        "line 3: +1 415-555-0100 is already on line 2.",
    ]


def test_a_guarded_header_cell_from_an_export_is_read_without_its_apostrophe():
    plan = validate_import("mobile,'=evil()\n+14155550100,x\n", default_country="US")
    assert problems(plan) == ["The column name '=evil()' has control characters or starts like a formula; rename it."]
