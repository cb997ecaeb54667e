"""Contacts in and out of files: export as CSV or JSON, and a checked CSV import.

`contacts_rows` + `format_contacts_csv` / `format_contacts_json` write an export;
`validate_import` checks a file row by row (nothing sent), `dry_run_report` says what an import
would do, and `import_contacts` uploads the valid rows through Sakari's CSV import and reports
its answer by line of the file. Pure core: no Textual, no terminal; the CLI does the printing.
"""

from __future__ import annotations

from .export import attribute_names, contact_row, contacts_rows, format_contacts_csv, format_contacts_json
from .report import dry_run_report
from .upload import ImportResult, RowOutcome, import_contacts, import_report, outcomes_of
from .validate import (
    MAX_IMPORT_BYTES,
    MAX_IMPORT_ROWS,
    ImportPlan,
    ImportProblem,
    ImportRow,
    upload_csv,
    validate_import,
)

__all__ = [
    "MAX_IMPORT_BYTES",
    "MAX_IMPORT_ROWS",
    "ImportPlan",
    "ImportProblem",
    "ImportResult",
    "ImportRow",
    "RowOutcome",
    "attribute_names",
    "contact_row",
    "contacts_rows",
    "dry_run_report",
    "format_contacts_csv",
    "format_contacts_json",
    "import_contacts",
    "import_report",
    "outcomes_of",
    "upload_csv",
    "validate_import",
]
