"""`sakari-tui store compact`: convert the whole local store to the packed format and give the
space back (VACUUM), printing its size before and after.

The app converts an older store by itself, a little at a time while it runs; this does it all
at once. It owns the store while it works (the app's lock), so it refuses while the app runs:
a VACUUM rewrites the whole file, and the app would wait for it.
"""

from __future__ import annotations

import os
from pathlib import Path

from .exits import OK, REFUSED, USAGE, CommandError

EXIT_CODES_HELP = (
    "exit codes: 0 done; 2 no settings, no local store yet, or the store cannot be opened or written; "
    "3 sakari-tui is running on this account (quit it first: it converts the store itself, a little at a time)"
)
APP_RUNNING = (
    "sakari-tui is running on this account and converts its store by itself; "
    "quit it and run this again to give the space back at once."
)


def add_store_parser(commands) -> None:
    store = commands.add_parser("store", help="look after the local store (compact it)")
    store_commands = store.add_subparsers(dest="store_command", metavar="SUBCOMMAND", required=True)
    store_commands.add_parser(
        "compact",
        help="convert the local store to its compact format and give the space back",
        description=(
            "Convert every cached message and conversation an older sakari-tui stored to the compact "
            "format, then rewrite the file to give the space back (VACUUM). Safe to stop and run again."
        ),
        epilog=EXIT_CODES_HELP,
    )


def store_size(path: Path) -> int:
    """The store's bytes on disk: its file and the write-ahead log beside it."""
    return sum(os.path.getsize(name) for name in (path, Path(f"{path}-wal")) if os.path.exists(name))


def size_words(size: int) -> str:
    """'142.3 MB', or '301 KB' under a megabyte."""
    return f"{size / 1_000_000:.1f} MB" if size >= 1_000_000 else f"{size / 1000:.0f} KB"


def run_store(args) -> int:
    if args.demo:
        raise CommandError(USAGE, "store compact works on an account's store; the demo's store is temporary.")
    from .account import open_account

    with open_account(demo=False) as account:
        path = account.store_path
    if not path.is_file():
        raise CommandError(USAGE, f"No local inbox yet for this account ({path}); nothing to compact.")
    return compact(path)


def compact(path: Path) -> int:
    """Convert and VACUUM the store at `path`, printing what was done."""
    from ..store import Store, StoreError, StoreLocked
    from ..store.compaction import compact_rows, restart

    before = store_size(path)
    try:
        store = Store(path, exclusive=True)
    except StoreLocked:
        raise CommandError(REFUSED, APP_RUNNING) from None
    except StoreError as exc:
        raise CommandError(USAGE, str(exc)) from None
    try:
        # From the first row, not from where an earlier run stopped: this is the run that makes
        # sure (rescanning packed rows costs little next to the VACUUM).
        restart(store.db)
        progress = compact_rows(store.db)
        store.db.execute("VACUUM")
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except StoreError as exc:
        raise CommandError(USAGE, str(exc)) from None
    finally:
        store.close()
    after = store_size(path)
    counts = progress.converted
    print(f"Converted {counts['messages']:,} messages and {counts['conversations']:,} conversations in {path}.")
    print(f"Size: {size_words(before)} before, {size_words(after)} after.")
    return OK
