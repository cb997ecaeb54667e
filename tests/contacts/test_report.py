"""The dry-run report: what would be created or merged, the counts, then each problem and warning."""

from __future__ import annotations

from sakari_tui.contacts_io import dry_run_report, validate_import

from .test_validate import BAD_ROWS


def test_the_report_counts_rows_and_lists_every_problem_with_its_line():
    plan = validate_import(BAD_ROWS, default_country="US")
    assert dry_run_report(plan, existing_mobiles={"+14155550142"}, merge_strategy="append") == (
        "Dry run: nothing was sent to Sakari.\n"
        "Read 11 contacts: 4 would be imported, 7 skipped for the problems below.\n"
        "  3 new, 1 merged into contacts Sakari already has (mergeStrategy append).\n"
        "Columns sent: mobile, country, firstName, lastName, email; attributes: jobTitle.\n"
        "Problems (7):\n"
        "  line 5: '555-01' is not a phone number in US (the default country).\n"
        "  line 6: +1 415-555-0100 is already on line 2.\n"
        "  line 7: +1 415-555-0142 is already on line 3.\n"
        "  line 8: the email 'x@' is not an address.\n"
        "  line 9: there is no mobile number.\n"
        "  line 10: the firstName '=HYPERLINK(\"https://evil.test\")' starts with '=', which a spreadsheet runs "
        "as a formula; change the cell.\n"
        "  line 11: the country 'Narnia' is not a country code; write a two-letter code such as 'US' or 'GB'.\n"
        "Warnings (1):\n"
        "  line 4: +44 7700 900123 is a number set aside for fiction (Ofcom's drama range), not one known to be in use in GB; it is imported as written.\n"
    )


def test_without_the_accounts_numbers_the_report_does_not_guess_new_or_merged():
    plan = validate_import("id,mobile,optedOut\nc-1,+14155550100,false\n", default_country="US")
    assert dry_run_report(plan) == (
        "Dry run: nothing was sent to Sakari.\n"
        "Read 1 contact: 1 would be imported.\n"
        "Columns sent: mobile, country.\n"
        "Columns not sent (Sakari sets them): id, optedOut.\n"
    )


def test_a_file_problem_says_nothing_can_be_imported():
    plan = validate_import("firstName,Loyalty\nAnn,gold\n", default_country="US", known_attributes=set())
    assert dry_run_report(plan) == (
        "Dry run: nothing was sent to Sakari.\n"
        "Nothing can be imported until the file is fixed:\n"
        "  The column 'Loyalty' is not an attribute any contact of this account has; create it in Sakari first (--new-attributes if it is there already) or remove the column.\n"
        "  The file has no mobile column; name the column of phone numbers 'mobile'.\n"
    )


def test_two_problems_on_one_line_skip_one_row():
    plan = validate_import("mobile,email\n555,x@\n+14155550100,a@b.co\n", default_country="US")
    report = dry_run_report(plan)
    assert "Read 2 contacts: 1 would be imported, 1 skipped for the problems below.\n" in report
    assert "Problems (2):\n  line 2: '555' is not a phone number in US (the default country).\n" in report
    assert "  line 2: the email 'x@' is not an address.\n" in report
