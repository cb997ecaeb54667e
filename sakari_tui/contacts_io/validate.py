"""Check a contacts CSV before anything is sent: every row, then the file as a whole.

`validate_import` reads the file the way Sakari's CSV import will (the API's column names, any
case or common spelling) and says, one sentence each, what is wrong and on which line of the
person's file. Nothing is refused silently and nothing is sent: the plan holds the rows that
would go (numbers in E.164) and `upload_csv` writes them as the CSV the API receives.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from ..sms.phones import InvalidNumber, display_number
from .cells import control_characters, runs_as_formula, unguarded
from .columns import (
    COUNTRY,
    MOBILE,
    READ_ONLY_COLUMNS,
    TAG_SEPARATOR,
    TAGS,
    UPLOAD_COLUMNS,
    api_column,
    attribute_of,
)
from .numbers import ReadNumber, quoted, read_number, valid_region

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 50_000
# Not RFC 5322: enough to catch what people mistype (no @, nothing after it, spaces, no dot).
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


@dataclass(frozen=True)
class ImportProblem:
    """One thing wrong, as one sentence; `line` is the line of the file (None for the whole file)."""

    text: str
    line: int | None = None

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class ImportRow:
    """A row that will be sent: `values` by upload column (mobile in E.164, country from it)."""

    line: int
    mobile: str
    written: str
    values: dict[str, str]


@dataclass
class ImportPlan:
    """What an import would send, and everything that stops a row or the file from going."""

    default_country: str
    rows: list[ImportRow] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    warnings: list[ImportProblem] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    """The columns sent, in order: mobile, country, the file's other API columns, its attributes."""
    ignored_columns: list[str] = field(default_factory=list)
    """Columns of the file that are not sent (an export's id and optedOut)."""
    rows_read: int = 0

    @property
    def file_problems(self) -> list[ImportProblem]:
        return [problem for problem in self.problems if problem.line is None]

    @property
    def row_problems(self) -> list[ImportProblem]:
        return [problem for problem in self.problems if problem.line is not None]

    @property
    def can_upload(self) -> bool:
        """True when the file as a whole is fine and at least one row would go."""
        return not self.file_problems and bool(self.rows)

    @property
    def attributes(self) -> list[str]:
        return [column for column in self.columns if column not in UPLOAD_COLUMNS]

    def row_at(self, line: int) -> ImportRow | None:
        return next((row for row in self.rows if row.line == line), None)


def _line_problem(line: int, text: str) -> ImportProblem:
    return ImportProblem(f"line {line}: {text}.", line)


def _decode(data: str | bytes, plan: ImportPlan) -> str | None:
    size = len(data) if isinstance(data, bytes) else len(data.encode("utf-8", "surrogatepass"))
    if size > MAX_IMPORT_BYTES:
        megabytes = size / (1024 * 1024)
        plan.problems.append(
            ImportProblem(
                f"The file is {megabytes:.1f} MB, over the 5 MB one import may be; split it into smaller files."
            )
        )
        return None
    if isinstance(data, str):
        return data.lstrip("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        plan.problems.append(
            ImportProblem(
                f"The file is not UTF-8 text (byte 0x{data[error.start]:02X} at position {error.start}); "
                "save it as 'CSV UTF-8' and try again."
            )
        )
        return None


@dataclass
class _Header:
    names: list[str]
    columns: dict[int, str]  # position -> upload column (API column or attribute name)
    ignored: list[str]
    unnamed: list[int]


def _read_header(cells: list[str], known: set[str] | None, plan: ImportPlan) -> _Header:
    header = _Header([unguarded(cell.strip()) for cell in cells], {}, [], [])
    first_seen: dict[str, int] = {}
    for position, name in enumerate(header.names):
        if not name:
            header.unnamed.append(position)
            continue
        meaning = api_column(name)
        if meaning in READ_ONLY_COLUMNS:
            header.ignored.append(name)
            continue
        column = meaning or attribute_of(name)
        key = column.casefold() if meaning is None else column
        if key in first_seen:
            earlier = header.names[first_seen[key]]
            if earlier == name:
                columns = f"columns {first_seen[key] + 1} and {position + 1}"
                text = f"The column {quoted(name)} appears twice in the header ({columns}); keep one."
            else:
                text = f"The columns {quoted(earlier)} and {quoted(name)} both mean {column}; keep one."
            plan.problems.append(ImportProblem(text))
            continue
        first_seen[key] = position
        if meaning is None and (problem := _attribute_problem(name, column, known)):
            plan.problems.append(ImportProblem(problem))
            continue
        header.columns[position] = column
    if MOBILE not in header.columns.values() and MOBILE not in first_seen:
        plan.problems.append(ImportProblem("The file has no mobile column; name the column of phone numbers 'mobile'."))
    return header


def _attribute_problem(name: str, attribute: str, known: set[str] | None) -> str | None:
    if control_characters(name) or runs_as_formula(name):
        return f"The column name {quoted(name)} has control characters or starts like a formula; rename it."
    if api_column(attribute) is not None:
        # Sakari would read the column as its own field, not as the attribute.
        means = api_column(attribute)
        return f"The attribute {quoted(attribute)} cannot be imported from a CSV file, whose column of that name means {means}; rename it."
    if known is None or attribute in known:
        return None
    near = next((other for other in sorted(known) if other.casefold() == attribute.casefold()), None)
    hint = f" (contacts have {quoted(near)})" if near else ""
    return (
        f"The column {quoted(name)} is not an attribute any contact of this account has{hint}; create it in Sakari "
        "first (--new-attributes if it is there already) or remove the column."
    )


def _cell_problem(column: str, value: str) -> str | None:
    if "\n" in value or "\r" in value:
        return f"the {column} runs over more than one line (a double quote not closed?); put it on one line"
    controls = control_characters(value)
    if controls:
        return f"the {column} contains control characters ({', '.join(controls[:3])}); remove them"
    if runs_as_formula(value):
        return f"the {column} {quoted(value)} starts with {quoted(value[0])}, which a spreadsheet runs as a formula; change the cell"
    return None


class _RowReader:
    """Checks one data row after another; remembers numbers already seen for duplicates."""

    def __init__(self, header: _Header, plan: ImportPlan, default_region: str | None) -> None:
        self.header = header
        self.plan = plan
        self.default_region = default_region
        self.seen: dict[str, int] = {}
        self.unnamed_with_values: set[int] = set()

    def read(self, line: int, cells: list[str]) -> None:
        cells = [unguarded(cell.strip()) for cell in cells]
        problems: list[str] = []
        if len(cells) > len(self.header.names) and any(cells[len(self.header.names) :]):
            problems.append(
                f"it has {len(cells)} values but the header has {len(self.header.names)} columns; "
                "put a value that contains a comma in double quotes"
            )
        self.unnamed_with_values.update(p for p in self.header.unnamed if p < len(cells) and cells[p])
        values: dict[str, str] = {}
        for position, column in self.header.columns.items():
            value = cells[position] if position < len(cells) else ""
            if value and (problem := _cell_problem(column, value)):
                problems.append(problem)
            values[column] = value
        written = values.get(MOBILE, "")
        number = self._number(line, written, values.get(COUNTRY, ""), problems)
        email = values.get("email")
        if email and not _EMAIL.fullmatch(email):
            problems.append(f"the email {quoted(email)} is not an address")
        if TAGS in values:
            values[TAGS] = TAG_SEPARATOR.join(tag.strip() for tag in values[TAGS].split(TAG_SEPARATOR) if tag.strip())
        if problems:
            self.plan.problems.extend(_line_problem(line, text) for text in problems)
            return
        assert number is not None
        if number.warning:
            self.plan.warnings.append(_line_problem(line, number.warning))
        values[MOBILE], values[COUNTRY] = number.e164, number.country
        self.plan.rows.append(ImportRow(line, number.e164, written, values))

    def _number(self, line: int, written: str, country: str, problems: list[str]) -> ReadNumber | None:
        """The row's number in E.164, or None with the reason added to `problems`."""
        if not written:
            problems.append("there is no mobile number")
            return None
        region, where = self.default_region, "the default country"
        if country:
            region, where = valid_region(country), "the row's country"
            if region is None:
                problems.append(
                    f"the country {quoted(country)} is not a country code; write a two-letter code such as 'US' or 'GB'"
                )
                return None
        try:
            number = read_number(written, region, where)
        except InvalidNumber as error:
            problems.append(str(error))
            return None
        if number.e164 in self.seen:
            problems.append(f"{display_number(number.e164)} is already on line {self.seen[number.e164]}")
            return None
        # Remembered even if the row has other problems: fixing them must not bring a duplicate in.
        self.seen[number.e164] = line
        return number


def validate_import(
    csv_text: str | bytes, *, default_country: str, known_attributes: set[str] | None = None
) -> ImportPlan:
    """Check every row of a contacts CSV (nothing is sent) and say what would go.

    National numbers are read in `default_country` (or the row's `country`). With
    `known_attributes`, a column that is neither an API column nor one of them is a problem:
    Sakari's import needs attributes created first. Bytes are checked to be UTF-8.
    """
    plan = ImportPlan(default_country=default_country)
    text = _decode(csv_text, plan)
    if text is None:
        return plan
    if not text.strip():
        plan.problems.append(
            ImportProblem("The file is empty; it needs a header row (e.g. 'mobile,firstName') and a row per contact.")
        )
        return plan
    reader = csv.reader(io.StringIO(text, newline=""))
    header: _Header | None = None
    rows: _RowReader | None = None
    last_line = 0
    try:
        for cells in reader:
            line, last_line = last_line + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue  # blank lines and the empty rows spreadsheets leave at the end
            if header is None:
                header = _read_header(cells, known_attributes, plan)
                if plan.file_problems:
                    return _finish(plan, header, rows)
                rows = _RowReader(header, plan, valid_region(default_country))
                continue
            assert rows is not None
            plan.rows_read += 1
            if plan.rows_read > MAX_IMPORT_ROWS:
                plan.problems.append(
                    ImportProblem(f"The file has more than {MAX_IMPORT_ROWS:,} contacts; split it into smaller files.")
                )
                return _finish(plan, header, rows)
            rows.read(line, cells)
    except csv.Error as error:
        plan.problems.append(
            ImportProblem(f"Line {last_line + 1} cannot be read as CSV ({error}); fix the quotes on it.")
        )
    return _finish(plan, header, rows)


def _finish(plan: ImportPlan, header: _Header | None, rows: _RowReader | None) -> ImportPlan:
    if header is not None:
        present = set(header.columns.values())
        plan.columns = [MOBILE, COUNTRY]
        plan.columns += [column for column in UPLOAD_COLUMNS[2:] if column in present]
        plan.columns += [column for column in header.columns.values() if column not in UPLOAD_COLUMNS]
        plan.ignored_columns = header.ignored
        if rows is not None and rows.unnamed_with_values:
            positions = sorted(rows.unnamed_with_values)
            which = ", ".join(str(position + 1) for position in positions)
            has = "Column {} has" if len(positions) == 1 else "Columns {} have"
            plan.problems.append(
                ImportProblem(has.format(which) + " values but no name in the header; name it or delete it.")
            )
        if not plan.file_problems and plan.rows_read == 0:
            plan.problems.append(ImportProblem("The file has a header but no contacts."))
    plan.problems.sort(key=lambda problem: -1 if problem.line is None else problem.line)
    plan.warnings.sort(key=lambda problem: problem.line or 0)
    return plan


def upload_csv(plan: ImportPlan) -> str:
    """The CSV the API receives: the plan's columns, one line per valid row, in the file's order."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(plan.columns)
    for row in plan.rows:
        writer.writerow([row.values.get(column, "") for column in plan.columns])
    return out.getvalue()
