"""`--json [FIELDS]`: machine-readable output with the API's camelCase field names.

`--json` alone prints every field; `--json id,contact,waiting` only those, in that order (an
unknown field name is a usage error that lists the known ones). Errors under `--json` are one
JSON object on stderr: `{"error": {"code": 3, "kind": "refused", "message": "…"}}`.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from typing import Any

from .exits import NAMES, USAGE, CommandError

ALL = "*"
"""What `--json` without a list of fields stands for."""


def add_json_option(parser, fields: Sequence[str]) -> None:
    parser.add_argument(
        "--json",
        nargs="?",
        const=ALL,
        default=None,
        metavar="FIELDS",
        help=f"print JSON (one object per item); FIELDS is a comma-separated subset of: {', '.join(fields)}",
    )


def chosen_fields(option: str | None, known: Sequence[str]) -> list[str] | None:
    """The fields `--json` asked for (None: no JSON); a usage error for an unknown name."""
    if option is None:
        return None
    if option == ALL:
        return list(known)
    wanted = [name.strip() for name in option.split(",") if name.strip()]
    unknown = [name for name in wanted if name not in known]
    if unknown or not wanted:
        shown = ", ".join(unknown) if unknown else "(none)"
        raise CommandError(USAGE, f"--json: unknown field {shown}; the fields are {', '.join(known)}.")
    return wanted


def json_and_words(option: str | None, known: Sequence[str], words: list[str]) -> tuple[list[str] | None, list[str]]:
    """For a command that also takes free words (send's TEXT): `--json Hi` means JSON and the
    text "Hi" when "Hi" is no list of fields (argparse cannot tell them apart)."""
    if option not in (None, ALL):
        names = [name.strip() for name in option.split(",")]
        if not all(name in known for name in names if name):
            return list(known), [*words, option]
    return chosen_fields(option, known), words


def pick(item: Mapping[str, Any], fields: Sequence[str]) -> dict[str, Any]:
    return {field: item.get(field) for field in fields}


def print_json(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2))


def print_error(error: CommandError, *, as_json: bool) -> None:
    if as_json:
        body = {"error": {"code": error.code, "kind": NAMES.get(error.code, "error"), "message": str(error)}}
        print(json.dumps(body, ensure_ascii=False), file=sys.stderr)
    else:
        print(f"sakari-tui: {error}", file=sys.stderr)
