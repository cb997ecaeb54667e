"""The upload: the plan's rows through Sakari's CSV import, and its answer row by row.

Sakari answers an upload with counts and two lists of contacts (`contacts` taken, `errors`
refused, each with `error {code, description}`) but no row numbers. Every row sent has a number
no other row has (`validate_import` refuses duplicates), so each contact in the answer is matched
to its row by mobile number, and so to the line of the person's file. What cannot be matched is
still reported: a refusal Sakari did not tie to a number, a row Sakari said nothing about.

Running the same import again is safe: rows are merged by mobile number, never duplicated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..api.errors import describe
from ..api.models import Contact, ContactUploadResult
from ..sms.phones import display_number
from ..text import one_line
from .validate import MAX_IMPORT_BYTES, ImportPlan, ImportRow, upload_csv

if TYPE_CHECKING:
    from ..api.client import MergeStrategy, SakariClient


@dataclass(frozen=True)
class RowOutcome:
    """What became of one row: imported (with the contact's id when Sakari gave it), refused
    (`error` is the sentence), or not reported (`error` says so, `reported` is False)."""

    line: int | None
    mobile: str | None
    contact_id: str | None = None
    error: str | None = None
    code: str | None = None
    reported: bool = True

    @property
    def imported(self) -> bool:
        return self.error is None


@dataclass
class ImportResult:
    """Sakari's answer to an upload, by line of the person's file."""

    outcomes: list[RowOutcome] = field(default_factory=list)
    sent: int = 0
    """How many rows were uploaded."""
    submitted: int | None = None
    inserted: int | None = None
    updated: int | None = None
    succeeded: int | None = None

    @property
    def errors(self) -> list[str]:
        """Every refused or unreported row, one sentence each, in the order of the file."""
        return [outcome.error for outcome in self.outcomes if outcome.error]

    @property
    def imported(self) -> list[RowOutcome]:
        return [outcome for outcome in self.outcomes if outcome.imported]


def _key(contact: Contact, default_country: str) -> str | None:
    """The E.164 number of a contact in Sakari's answer, however it wrote it."""
    number = (contact.mobile.number if contact.mobile else None) or ""
    if not number.strip():
        return None
    import phonenumbers

    try:
        parsed = phonenumbers.parse(number, (contact.mobile.country if contact.mobile else None) or default_country)
    except phonenumbers.NumberParseException:
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _reason(contact: Contact) -> tuple[str, str | None]:
    error = contact.error
    code = one_line(error.code, 20) if error and error.code else None
    text = one_line(error.text, 200) if error else "no reason given"
    words = describe(code)
    if words and words.casefold() not in text.casefold():
        text = f"{text}, {words}"
    return (f"{text} ({code})" if code else text), code


def _refused(row: ImportRow | None, contact: Contact) -> RowOutcome:
    reason, code = _reason(contact)
    if row is not None:
        return RowOutcome(
            row.line,
            row.mobile,
            error=f"line {row.line}: Sakari refused {display_number(row.mobile)}: {reason}.",
            code=code,
        )
    who = one_line(contact.display_name, 60)
    return RowOutcome(None, None, error=f"Sakari refused a row it did not tie to a line ({who}): {reason}.", code=code)


_ATTRIBUTES = {"email": "email", "firstName": "first_name", "lastName": "last_name"}


def _by_other_fields(rows: list[ImportRow], contact: Contact) -> ImportRow | None:
    """The one unmatched row with the contact's email, or else its name (an answer without numbers)."""
    for columns in (("email",), ("firstName", "lastName")):
        given = tuple(getattr(contact, _ATTRIBUTES[column]) or None for column in columns)
        if not any(given):
            continue
        found = [row for row in rows if tuple(row.values.get(column) or None for column in columns) == given]
        if len(found) == 1:
            return found[0]
    return None


def outcomes_of(plan: ImportPlan, answer: ContactUploadResult) -> ImportResult:
    """Sakari's upload answer for `plan`'s rows, matched back to the lines of the file."""
    result = ImportResult(
        sent=len(plan.rows),
        submitted=answer.submitted,
        inserted=answer.inserted,
        updated=answer.updated,
        succeeded=answer.success,
    )
    waiting = {row.mobile: row for row in plan.rows}
    outcomes: list[RowOutcome] = []
    unmatched: list[Contact] = []
    for contact in answer.errors:
        row = waiting.pop(_key(contact, plan.default_country) or "", None)
        if row is None:
            unmatched.append(contact)
        else:
            outcomes.append(_refused(row, contact))
    for contact in unmatched:
        row = _by_other_fields(list(waiting.values()), contact)
        if row is not None:
            del waiting[row.mobile]
        outcomes.append(_refused(row, contact))
    for contact in answer.contacts:
        row = waiting.pop(_key(contact, plan.default_country) or "", None)
        if row is not None:
            outcomes.append(RowOutcome(row.line, row.mobile, contact_id=contact.id))
    # Rows the answer did not list: taken if Sakari's count of successes covers them, else unknown.
    taken = sum(1 for outcome in outcomes if outcome.imported)
    uncounted = (answer.success or 0) - taken
    for row in waiting.values():
        if uncounted >= len(waiting) and not unmatched:
            outcomes.append(RowOutcome(row.line, row.mobile))
        else:
            outcomes.append(
                RowOutcome(
                    row.line,
                    row.mobile,
                    error=f"line {row.line}: Sakari did not say whether {display_number(row.mobile)} was imported; look the contact up before changing it.",
                    reported=False,
                )
            )
    result.outcomes = sorted(outcomes, key=lambda outcome: (outcome.line is None, outcome.line or 0))
    return result


async def import_contacts(
    client: SakariClient, plan: ImportPlan, *, merge_strategy: MergeStrategy | None = None
) -> ImportResult:
    """Upload the plan's valid rows as one CSV and say, line by line, what Sakari made of them.

    Raises ValueError (one sentence) when the plan cannot be uploaded (see `plan.can_upload`),
    and the client's `SakariError`s as they come: an `ApiUnavailable` with `request_sent` means
    the outcome is unknown (importing again merges, it does not duplicate).
    """
    if plan.file_problems:
        raise ValueError(f"The file cannot be imported: {plan.file_problems[0].text}")
    if not plan.rows:
        raise ValueError("No row of the file can be imported; fix the problems the dry run lists.")
    text = upload_csv(plan)
    if len(text.encode()) > MAX_IMPORT_BYTES:  # E.164 numbers and the country column add a little
        raise ValueError("The contacts to upload come to more than 5 MB; split the file into smaller ones.")
    answer = await client.create_contact(text, merge_strategy=merge_strategy)
    return outcomes_of(plan, answer)


def import_report(result: ImportResult) -> str:
    """A plain-text summary of an import (counts, then each refused or unreported line), with a newline."""
    done = len(result.imported)
    parts = []
    if result.inserted is not None:
        parts.append(f"{result.inserted:,} new")
    if result.updated is not None:
        parts.append(f"{result.updated:,} merged")
    detail = f" ({', '.join(parts)})" if parts else ""
    lines = [f"Imported {done:,} of {result.sent:,} contacts{detail}."]
    if result.errors:
        lines.append(f"Not imported ({len(result.errors):,}):")
        lines += [f"  {error}" for error in result.errors]
    return "\n".join(lines) + "\n"
