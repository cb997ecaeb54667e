"""Cell rules shared by export and import: spreadsheet formulas and control characters.

A spreadsheet runs a cell that starts with = + - @ (and, in some, tab or CR) as a formula, so a
contact named `=HYPERLINK("https://evil.test","click")` becomes a link, or worse, in whoever opens
the export (OWASP "CSV injection"). Cells made only of digits, spaces and `+-.,()` are left alone:
they are phone numbers and amounts, and the worst a spreadsheet does with them is arithmetic,
while an apostrophe in front of every E.164 number would break the file for everyone.
"""

from __future__ import annotations

import re

from ..text import sanitize

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
GUARD = "'"
_NUMERIC = re.compile(r"[\d\s+\-.,()]*")
# Every C0 control (tab and newline too: a contact's field is one line), DEL, C1, and the bidi
# embedding, override and isolate characters that make text read as something else.
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def runs_as_formula(cell: str) -> bool:
    """True when a spreadsheet could run `cell` as a formula that does more than arithmetic."""
    return cell.startswith(FORMULA_STARTS) and not _NUMERIC.fullmatch(cell)


def guarded(cell: str) -> str:
    """`cell` as it is safe to write into a CSV: a leading apostrophe when it could run as a formula."""
    return GUARD + cell if runs_as_formula(cell) else cell


def unguarded(cell: str) -> str:
    """`cell` without the apostrophe `guarded` put in front of a formula (an exported file re-read)."""
    if cell.startswith(GUARD) and runs_as_formula(cell[1:]):
        return cell[1:]
    return cell


def csv_text(value: str) -> str:
    """Untrusted text for a CSV cell: sanitised, on one line (tabs and line breaks become spaces)."""
    return sanitize(value).replace("\n", " ").replace("\t", " ")


def control_characters(cell: str) -> list[str]:
    """The control characters in `cell`, named by code point (U+0007 and the like), each once, in order of appearance."""
    return list(dict.fromkeys(f"U+{ord(ch):04X}" for ch in _CONTROLS.findall(cell)))
