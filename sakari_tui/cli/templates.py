"""`sakari-tui templates pull DIR` / `templates push DIR [--dry-run]`: the account's templates as
files (one per template, front matter for its name and type, the body below), kept in git or
edited in any editor; push shows what it would change and lints each template first
(sync/template_sync.py, sms/template_files.py)."""

from __future__ import annotations

from pathlib import Path

from .exits import API_ERROR, EXIT_CODES_HELP, OK, REFUSED, UNKNOWN, USAGE, CommandError, from_api_error
from .jsonout import add_json_option, chosen_fields, print_json

PULL_FIELDS = ("written", "unchanged", "removed", "kept", "notes")
PUSH_FIELDS = ("dryRun", "creates", "updates", "remoteOnly", "problems", "created", "updated", "failures", "unknown")


def add_templates_parser(commands) -> None:
    templates = commands.add_parser("templates", help="the account's templates as files: pull, edit, push")
    sub = templates.add_subparsers(dest="templates_command", metavar="SUBCOMMAND", required=True)
    pull = sub.add_parser(
        "pull",
        help="write every template into DIR, one file each (files edited here are kept)",
        epilog=f"JSON fields: {', '.join(PULL_FIELDS)}. {EXIT_CODES_HELP}",
    )
    pull.add_argument("folder", metavar="DIR")
    pull.add_argument("--force", action="store_true", help="overwrite files edited since the last pull")
    add_json_option(pull, PULL_FIELDS)
    push = sub.add_parser(
        "push",
        help="create and update templates from the files in DIR (never deletes); --dry-run shows the change",
        epilog=f"JSON fields: {', '.join(PUSH_FIELDS)}. {EXIT_CODES_HELP}",
    )
    push.add_argument("folder", metavar="DIR")
    push.add_argument("--dry-run", action="store_true", help="only say what push would change, with a diff")
    add_json_option(push, PUSH_FIELDS)


def run_templates(args) -> int:
    import asyncio

    from .account import open_account

    fields = chosen_fields(args.json, PULL_FIELDS if args.templates_command == "pull" else PUSH_FIELDS)
    with open_account(demo=args.demo, seed=args.seed) as account:
        result, code = asyncio.run(_run(account, args))
    if fields is not None:
        print_json({key: value for key, value in _as_json(result, args.templates_command).items() if key in fields})
    else:
        print(result.describe())
    return code


async def _run(account, args):
    from ..api import SakariError
    from ..sync.template_sync import TemplateFolderError, pull, push

    client = account.settings.sakari.make_client()
    try:
        if args.templates_command == "pull":
            result = await pull(client, Path(args.folder).expanduser(), force=args.force)
            return result, OK
        result = await push(client, Path(args.folder).expanduser(), dry_run=args.dry_run)
    except TemplateFolderError as error:
        raise CommandError(USAGE, str(error)) from None
    except SakariError as error:
        raise from_api_error(error) from None
    finally:
        await client.aclose()
    if result.failures:
        return result, API_ERROR
    if result.unknown:
        return result, UNKNOWN
    if result.plan.problems:
        return result, REFUSED
    return result, OK


def _names(items) -> list[str]:
    return [getattr(getattr(item, "file", item), "name", str(item)) for item in items]


def _as_json(result, command: str) -> dict:
    if command == "pull":
        return {key: list(getattr(result, key)) for key in PULL_FIELDS}
    plan = result.plan
    return {
        "dryRun": result.dry_run,
        "creates": _names(plan.creates),
        "updates": _names(plan.updates),
        "remoteOnly": [getattr(t, "name", str(t)) for t in plan.remote_only],
        "problems": list(plan.problems),
        "created": list(result.created),
        "updated": list(result.updated),
        "failures": list(result.failures),
        "unknown": list(result.unknown),
    }
