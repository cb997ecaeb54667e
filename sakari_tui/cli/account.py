"""The account a scripting command works on: the user's (the same settings, store and outbox as
the app) or, with `--demo`, a demo account of the command's own (the built-in simulator with the
demo data, on loopback, and a store in a temporary folder, synced first).

The app owns its store while it runs (`Store(exclusive=True)`): a command that only reads opens
the store alongside it; `send` then queues into the app's outbox and leaves the sending to the
app (`open_outbox_store`), so one process sends each row.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .exits import REFUSED, USAGE, CommandError

if TYPE_CHECKING:
    from ..config import Settings
    from ..store import Store

APP_OWNS_OUTBOX = (
    "sakari-tui is running on this account and owns its outbox; send from the app, or quit it and run this again."
)


@dataclass
class Account:
    settings: Settings
    store_path: Path
    demo: bool
    server: Any = None
    """The demo's simulator (None for a real account)."""


def _user_settings() -> Settings:
    from ..config import ConfigError, load_settings, permission_problem
    from ..paths import config_path

    path = config_path()
    problem = permission_problem(path)
    try:
        settings = load_settings(path, run_secret_command=not problem)
    except ConfigError as exc:
        raise CommandError(USAGE, exc.headline) from None
    if settings.sakari.missing_credentials:
        raise CommandError(USAGE, f"No account is set up yet in {path}; run 'sakari-tui config init' (or try --demo).")
    return settings


@contextlib.contextmanager
def open_account(*, demo: bool, seed: int = 1) -> Iterator[Account]:
    if not demo:
        from .inbox import account_store_path

        settings = _user_settings()
        yield Account(settings, account_store_path(settings.sakari.account_id or ""), demo=False)
        return
    from ..config import SakariSection, Settings
    from ..simulator.server import SimulatorServer
    from .inbox import demo_senders

    with tempfile.TemporaryDirectory(prefix="sakari-demo-command-") as folder:
        with SimulatorServer(seed=seed, customers=False) as server:
            settings = Settings(sakari=SakariSection(**server.credentials()), senders=demo_senders(server))
            settings.compose.quiet_hours = True
            yield Account(settings, Path(folder) / "demo.sqlite3", demo=True, server=server)


OTHER_COMMAND = "Another sakari-tui command is using this account's store; try again when it has finished."


def open_outbox_store(account: Account, *, wait: float = 10.0) -> tuple[Store, bool]:
    """The store for a command that queues: owned (False) when nothing else holds it; opened
    alongside (True) when the app or an `outbox run` loop holds it, which then sends what is
    queued (its poll reads the outbox table), so one process sends each row. Another command
    holding it is waited for (`wait` seconds), then refused: nothing would deliver a row queued
    for it."""
    import time

    from ..store import Store, StoreError, StoreLocked
    from ..store.lock import DELIVERING_ROLES, lock_holder

    deadline = time.monotonic() + max(0.0, wait)
    while True:
        try:
            return Store(account.store_path, exclusive=True), False
        except StoreLocked:
            holder = lock_holder(account.store_path)
            if holder is not None and holder[1] in DELIVERING_ROLES:
                try:
                    return Store(account.store_path), True
                except StoreError as exc:
                    raise CommandError(USAGE, str(exc)) from None
            if time.monotonic() >= deadline:
                raise CommandError(REFUSED, OTHER_COMMAND) from None
            time.sleep(0.2)
        except StoreError as exc:
            raise CommandError(USAGE, str(exc)) from None


def open_store(account: Account, *, write: bool) -> Store:
    """The account's store; `write`: owned as the app owns it (refused while the app runs)."""
    from ..store import Store, StoreError, StoreLocked

    if not account.demo and not account.store_path.is_file() and not write:
        raise CommandError(
            USAGE, f"No local inbox yet for this account ({account.store_path}); run sakari-tui once, or add --sync."
        )
    try:
        return Store(account.store_path, exclusive=write)
    except StoreLocked:
        raise CommandError(REFUSED, APP_OWNS_OUTBOX) from None
    except StoreError as exc:
        raise CommandError(USAGE, str(exc)) from None
