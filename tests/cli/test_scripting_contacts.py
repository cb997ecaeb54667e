"""`contacts list|show|export|import` as commands over loopback: tag filter, JSON fields, a CSV
export safe for spreadsheets, and an import dry run against a file with bad rows, then the upload."""

from __future__ import annotations

import csv
import io
import json

from ..support.scripting import run

BAD_FILE = (
    "firstName,mobile,email\n"
    "Ann,415-555-0199,ann@example.com\n"
    "Bob,555-01,bob@\n"
    "Ann again,+14155550199,\n"
    '=HYPERLINK("x"),+14155550198,\n'
)


def test_list_by_tag_and_show_as_json(account, capsys):
    code, out, err = run(capsys, "contacts", "list", "--tag", "vip", "--json", "id,mobile,tags")
    assert code == 0, err
    rows = json.loads(out)
    assert rows and all("vip" in row["tags"] for row in rows) and set(rows[0]) == {"id", "mobile", "tags"}
    code, out, err = run(capsys, "contacts", "show", rows[0]["mobile"], "--json")
    assert code == 0, err and json.loads(out)["id"] == rows[0]["id"]
    code, _out, err = run(capsys, "contacts", "show", "+1 415 555 0000")
    assert code == 2 and "No contact" in err


def test_export_csv_has_every_contact_and_no_formula_cells(account, capsys):
    code, out, err = run(capsys, "contacts", "export", "--format", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    with account.state.lock:
        assert len(rows) == len(account.state.contacts)
    assert all(not (cell or "").startswith(("=", "@")) for row in rows for cell in row.values())


def test_import_dry_run_reports_the_bad_rows_and_sends_nothing(account, capsys, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(BAD_FILE)
    with account.state.lock:
        before = len(account.state.contacts)
    code, out, err = run(capsys, "contacts", "import", str(path), "--dry-run")
    assert code == 0, err
    assert "line 3: '555-01' is not a phone number" in out and "line 4: +1 415-555-0199 is already on line 2" in out
    assert "line 5" in out  # the formula cell
    with account.state.lock:
        assert len(account.state.contacts) == before
    code, out, err = run(capsys, "contacts", "import", str(path))
    assert code == 3 and "--yes" in err
    code, out, err = run(capsys, "contacts", "import", str(path), "--yes")
    assert code == 0, err and out.startswith("Imported 1 of 1")
    with account.state.lock:
        assert any(c.mobile == "+14155550199" for c in account.state.contacts.values())


def test_a_column_no_contact_has_is_refused_unless_new_attributes(account, capsys, tmp_path):
    path = tmp_path / "loyal.csv"
    path.write_text("firstName,mobile,Loyalty\nAnn,+14155550197,gold\n")
    code, out, _err = run(capsys, "contacts", "import", str(path), "--dry-run")
    assert code == 2 and "The column 'Loyalty' is not an attribute any contact of this account has" in out
    code, out, err = run(capsys, "contacts", "import", str(path), "--dry-run", "--new-attributes")
    assert code == 0, err and "1 would be imported" in out
