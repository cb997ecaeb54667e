"""`sakari-tui unread`: the unread count for a status bar, read straight from the local store.

It runs every few seconds and must start in milliseconds, so it uses only light modules (sqlite3,
tomllib): no settings model, no API client, no app.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path

from ..paths import config_path
from .inbox import account_store_path, demo_store_path
from .output import fail

UNREAD_FIELDS = ("unread", "total", "waiting")
VIEWS = ("all", "needs-reply")
UNREAD_BUSY_TIMEOUT_S = 1.0
_PLAIN_SPEC = re.compile(r"(.?[<>^=])?0?\d{0,3}")


def _template_problem(template: str) -> str | None:
    import string

    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        return f"--format {template!r} is not a valid template ({exc}); use {{unread}}, {{total}} and {{waiting}}, and {{{{ }}}} for braces."
    for _, field, spec, conversion in parsed:
        if field is None:
            continue
        # A spec may pad or align ('{unread:>3}'), not pick a type: '{unread:c}' would print chr(n).
        if field not in UNREAD_FIELDS or conversion or not _PLAIN_SPEC.fullmatch(spec or ""):
            shown = "{" + field + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            return f"--format may only use {{unread}}, {{total}} and {{waiting}}, not {shown}."
    try:
        template.format(unread=0, total=0, waiting="47m")
    except ValueError as exc:
        return f"--format {template!r} is not a valid template ({exc})."
    return None


def _account_id(env: Mapping[str, str]) -> tuple[str | None, str | None]:
    """The account id (environment, then settings file) without loading the settings model; or a problem."""
    from_env = env.get("SAKARI_ACCOUNT_ID")
    if from_env:
        return from_env, None
    import tomllib

    path = config_path(env)
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        return None, f"No account is set up yet ({path} does not exist); run 'sakari-tui config init'."
    except tomllib.TOMLDecodeError as exc:
        return None, f"{path} is not valid TOML: {exc}."
    except OSError as exc:
        return None, f"Cannot read {path}: {exc.strerror or exc}."
    section = data.get("sakari")
    account_id = section.get("account_id") if isinstance(section, dict) else None
    if not isinstance(account_id, str) or not account_id:
        return None, f"{path} has no sakari.account_id; run 'sakari-tui config init' or set SAKARI_ACCOUNT_ID."
    return account_id, None


def _read_problem(path: Path, exc: Exception) -> str:
    import sqlite3

    name = getattr(exc, "sqlite_errorname", "")
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return f"The local inbox {path} is busy ({exc}); try again in a moment."
    if name.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")):
        return f"The local inbox {path} is damaged ({exc}); move it aside and start sakari-tui to sync a new one."
    if isinstance(exc, sqlite3.OperationalError) and "no such" in str(exc):
        return f"The local inbox {path} is not ready ({exc}); start sakari-tui once to update it."
    return f"Cannot read the local inbox {path} ({exc})."


def run_unread(
    template: str = "{unread}", env: Mapping[str, str] | None = None, *, demo: bool = False, view: str = "all"
) -> int:
    """Print the unread count from the local store, read-only (no migrations, no network); with
    `view="needs-reply"`, {unread} is how many conversations wait for a reply."""
    import sqlite3
    import time

    from ..store.unread import needs_reply, unread_counts, wait_words

    env = os.environ if env is None else env
    problem = _template_problem(template)
    if problem:
        return fail(problem)
    wanted = view.strip().lower().replace("_", "-")
    if wanted not in VIEWS:
        return fail(f"--view {view!r} is not a view this command counts; use needs-reply (or all, the default).")
    if demo:
        path = demo_store_path(env)
        if not path.is_file():
            print(f"sakari-tui: No demo inbox yet ({path}); start one with: sakari-tui --demo", file=sys.stderr)
            return 2
    else:
        account_id, problem = _account_id(env)
        if account_id is None:
            print(f"sakari-tui: {problem}", file=sys.stderr)
            return 2
        path = account_store_path(account_id, env)
        if not path.is_file():
            print(
                f"sakari-tui: No local inbox yet for account {account_id} ({path}); run sakari-tui once.",
                file=sys.stderr,
            )
            return 2
    try:
        # mode=ro: never create, migrate or write; the app may be running and owns the file.
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=UNREAD_BUSY_TIMEOUT_S)
        try:
            counts = unread_counts(db)
            now = time.time()
            waiting = needs_reply(db, now) if wanted == "needs-reply" or "waiting" in template else None
        finally:
            db.close()
    except sqlite3.Error as exc:
        print(f"sakari-tui: {_read_problem(path, exc)}", file=sys.stderr)
        return 2
    oldest = waiting.oldest_at if waiting is not None else None
    print(
        template.format(
            unread=waiting.count if wanted == "needs-reply" and waiting is not None else counts.unread,
            total=counts.total,
            waiting=wait_words(now - oldest.timestamp()) if oldest is not None else "",
        )
    )
    return 0
