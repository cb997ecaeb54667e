"""The dry-run report: what an import would create or merge, the counts, then every problem."""

from __future__ import annotations

from collections.abc import Collection

from .columns import UPLOAD_COLUMNS
from .validate import ImportPlan


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def dry_run_report(
    plan: ImportPlan, *, existing_mobiles: Collection[str] | None = None, merge_strategy: str | None = None
) -> str:
    """A plain-text report of `plan`, ending with a newline; nothing has been sent.

    With `existing_mobiles` (E.164 numbers of the account's contacts) it splits the rows into
    contacts that would be created and contacts that would be merged into existing ones.
    """
    lines = ["Dry run: nothing was sent to Sakari."]
    if plan.file_problems:
        lines.append("Nothing can be imported until the file is fixed:")
        lines += [f"  {problem}" for problem in plan.file_problems]
        return "\n".join(lines) + "\n"
    skipped = len({problem.line for problem in plan.row_problems})
    summary = f"Read {_plural(plan.rows_read, 'contact')}: {len(plan.rows):,} would be imported"
    lines.append(summary + (f", {skipped:,} skipped for the problems below." if skipped else "."))
    if existing_mobiles is not None and plan.rows:
        existing = set(existing_mobiles)
        merged = [row for row in plan.rows if row.mobile in existing]
        how = f" (mergeStrategy {merge_strategy})" if merge_strategy else ""
        lines.append(
            f"  {len(plan.rows) - len(merged):,} new, {len(merged):,} merged into contacts Sakari already has{how}."
        )
    core = [column for column in plan.columns if column in UPLOAD_COLUMNS]
    lines.append(
        "Columns sent: "
        + ", ".join(core)
        + (f"; attributes: {', '.join(plan.attributes)}." if plan.attributes else ".")
    )
    if plan.ignored_columns:
        lines.append(f"Columns not sent (Sakari sets them): {', '.join(plan.ignored_columns)}.")
    if plan.row_problems:
        lines.append(f"Problems ({len(plan.row_problems):,}):")
        lines += [f"  {problem}" for problem in plan.row_problems]
    if plan.warnings:
        lines.append(f"Warnings ({len(plan.warnings):,}):")
        lines += [f"  {warning}" for warning in plan.warnings]
    return "\n".join(lines) + "\n"
