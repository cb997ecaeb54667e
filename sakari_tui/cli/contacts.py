"""`sakari-tui contacts list|show|export|import`: the account's contacts for scripts.

`list`, `show` and `export` read from Sakari (`--tag` filters); `export` writes CSV (guarded
against spreadsheet formulas) or JSON. `import FILE.csv` checks every row first (E.164 with
`ui.default_country`, duplicates, unknown columns), prints a report with `--dry-run`, and
otherwise uploads the valid rows through Sakari's CSV import, printing its answer by line of the
file. Rows with problems hold the import back unless `--yes` (the other rows then go).
"""

from __future__ import annotations

import sys
from pathlib import Path

from .exits import API_ERROR, EXIT_CODES_HELP, OK, REFUSED, USAGE, CommandError, from_api_error
from .jsonout import add_json_option, chosen_fields, print_json

FIELDS = ("id", "firstName", "lastName", "mobile", "country", "email", "tags", "optedOut")
MERGES = ("append", "core", "remove")


def add_contacts_parser(commands) -> None:
    contacts = commands.add_parser("contacts", help="list, show, export and import the account's contacts")
    sub = contacts.add_subparsers(dest="contacts_command", metavar="SUBCOMMAND", required=True)
    listing = sub.add_parser(
        "list", help="the contacts (from Sakari)", epilog=f"JSON fields: {', '.join(FIELDS)}. {EXIT_CODES_HELP}"
    )
    listing.add_argument("--tag", metavar="T", help="only contacts with this tag")
    add_json_option(listing, FIELDS)
    show = sub.add_parser(
        "show", help="one contact, by id or number", epilog=f"JSON fields: {', '.join(FIELDS)}. {EXIT_CODES_HELP}"
    )
    show.add_argument("contact", metavar="ID|NUMBER")
    add_json_option(show, FIELDS)
    export = sub.add_parser("export", help="every contact as CSV or JSON", epilog=EXIT_CODES_HELP)
    export.add_argument("--tag", metavar="T", help="only contacts with this tag")
    export.add_argument("--format", choices=("csv", "json"), default="csv", help="default csv")
    export.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of standard output")
    upload = sub.add_parser(
        "import",
        help="check a CSV file row by row, then upload it through Sakari's CSV import",
        epilog=EXIT_CODES_HELP,
    )
    upload.add_argument("file", metavar="FILE.csv")
    upload.add_argument("--dry-run", action="store_true", help="only check the file and say what would happen")
    upload.add_argument("--merge", choices=MERGES, help="how Sakari treats a number it has (its mergeStrategy)")
    upload.add_argument("--yes", action="store_true", help="upload the valid rows even when others have problems")
    upload.add_argument(
        "--new-attributes",
        action="store_true",
        help="columns no contact has yet are attributes already created in Sakari (else they are refused)",
    )


def run_contacts(args) -> int:
    import asyncio

    from .account import open_account

    command = args.contacts_command
    fields = chosen_fields(getattr(args, "json", None), FIELDS)
    with open_account(demo=args.demo, seed=args.seed) as account:
        if command == "import":
            return asyncio.run(_import(account, args))
        rows = asyncio.run(_rows(account, getattr(args, "tag", None), getattr(args, "contact", None)))
    if command == "export":
        from ..contacts_io import format_contacts_csv, format_contacts_json

        document = format_contacts_json(rows) if args.format == "json" else format_contacts_csv(rows)
        if args.output:
            from .thread import _write

            _write(args.output, document)
        else:
            sys.stdout.write(document if document.endswith("\n") else document + "\n")
        return OK
    if fields is not None:
        picked = [{key: row.get(key) for key in fields} for row in rows]
        print_json(picked[0] if command == "show" else picked)
        return OK
    _print_rows(rows, full=command == "show")
    return OK


async def _rows(account, tag: str | None, wanted: str | None) -> list[dict]:
    from ..api import NotFound, SakariError
    from ..contacts_io import contacts_rows
    from ..sms.phones import InvalidNumber, to_e164

    client = account.settings.sakari.make_client()
    try:
        if wanted:
            try:
                number = to_e164(wanted, account.settings.ui.default_country)
            except InvalidNumber:
                number = None
            try:
                if number:
                    page = await client.fetch_all_contacts(mobile=number, limit=10)
                    found = [c for c in page.items if c.mobile and c.mobile.number == number]
                else:
                    found = [await client.fetch_contact(wanted)]
            except NotFound:
                found = []
            if not found:
                raise CommandError(USAGE, f"No contact {wanted!r} on this account.")
            return contacts_rows(found[:1])
        collected = (
            await client.collect(client.fetch_all_contacts, tags=tag)
            if tag
            else await client.collect(client.fetch_all_contacts)
        )
        if not collected.complete:
            print(f"sakari-tui: {collected.reason}", file=sys.stderr)
        return contacts_rows(collected.items)
    except SakariError as error:
        raise from_api_error(error) from None
    finally:
        await client.aclose()


def _print_rows(rows: list[dict], *, full: bool) -> None:
    from ..text import one_line

    for row in rows:
        name = one_line(f"{row.get('firstName') or ''} {row.get('lastName') or ''}".strip(), 40) or "(no name)"
        tags = ", ".join(one_line(str(t), 30) for t in row.get("tags") or [])
        flag = "  opted out" if row.get("optedOut") else ""
        print(f"{row.get('id')}  {row.get('mobile') or ''}  {name}{flag}" + (f"  [{tags}]" if tags else ""))
        if full:
            for key, value in row.items():
                if key not in ("id", "mobile", "firstName", "lastName", "tags", "optedOut") and value not in (None, ""):
                    print(f"    {key}: {one_line(str(value), 200)}")
    if not rows:
        print("No contacts.")


async def _import(account, args) -> int:
    from ..api import SakariError
    from ..contacts_io import (
        MAX_IMPORT_BYTES,
        attribute_names,
        dry_run_report,
        import_contacts,
        import_report,
        validate_import,
    )

    path = Path(args.file).expanduser()
    try:
        size = path.stat().st_size
        if size > MAX_IMPORT_BYTES:
            raise CommandError(
                USAGE, f"{path} is {size / 1e6:.1f} MB; an import takes at most {MAX_IMPORT_BYTES // 1_000_000} MB."
            )
        data = path.read_bytes()
    except OSError as error:
        raise CommandError(USAGE, f"Cannot read {path}: {error.strerror or error}.") from None
    client = account.settings.sakari.make_client()
    try:
        # Sakari imports only attributes created first, and has no call that lists them: the
        # attributes its contacts carry stand in (--new-attributes for ones no contact has yet).
        existing = await client.collect(client.fetch_all_contacts)
        known = None if args.new_attributes else attribute_names(existing.items)
        plan = validate_import(
            data, default_country=account.settings.ui.default_country or "US", known_attributes=known
        )
        if args.dry_run:
            numbers = {c.mobile.number for c in existing.items if c.mobile and c.mobile.number}
            print(dry_run_report(plan, existing_mobiles=numbers, merge_strategy=args.merge))
            return OK if plan.can_upload else USAGE
        if not plan.can_upload:
            for problem in plan.problems:
                print(f"  {problem.text}")
            raise CommandError(USAGE, f"{path} cannot be imported as it is; see the problems above.")
        if plan.row_problems and not args.yes:
            for problem in plan.row_problems:
                print(f"  {problem.text}")
            count = len({problem.line for problem in plan.row_problems})
            raise CommandError(
                REFUSED,
                f"{count} row{'s' if count != 1 else ''} of {path.name} have problems; fix them, or add --yes to import the others.",
            )
        try:
            result = await import_contacts(client, plan, merge_strategy=args.merge)
        except ValueError as error:
            raise CommandError(USAGE, str(error)) from None
    except SakariError as error:
        raise from_api_error(error) from None
    finally:
        await client.aclose()
    print(import_report(result))
    return API_ERROR if result.errors else OK
