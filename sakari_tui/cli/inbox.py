"""The inbox itself: `sakari-tui` (an account) and `sakari-tui --demo` (the built-in simulator).

Where each inbox keeps its local store, the offer to start afresh when that store is damaged, and
the lock that lets a second demo run beside the first.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..paths import config_path, data_dir
from .output import fail, logger, warn

if TYPE_CHECKING:
    from ..config import Settings


def run_app(
    settings: Settings,
    store_path: Path | str,
    *,
    settings_path: Path | None,
    demo: bool,
    warnings: Sequence[str] = (),
    reset_damaged_store: bool = False,
) -> int:
    from ..store import Store, StoreDamaged, StoreError

    try:
        try:
            # Exclusive: this process owns the outbox; a second inbox on the same store is refused.
            store = Store(store_path, exclusive=True, role="app")
        except StoreDamaged as damaged:
            code = offer_fresh_store(store_path, damaged, reset=reset_damaged_store)
            if code:
                return code
            store = Store(store_path, exclusive=True, role="app")
    except StoreError as exc:
        return fail(str(exc))
    from ..sync import InboxEngine
    from ..ui.app import make_app

    # What the terminal can draw is asked at the first picture preview, not here: the queries cost
    # up to 0.3 s where the terminal does not answer them all, on every start (ui/graphics.py).
    engine = InboxEngine(settings.sakari.client_on_first_use(), store)
    app = make_app(settings, engine, settings_path=settings_path, demo=demo, warnings=warnings)
    try:
        app.run()  # the app closes the client on its own event loop when it unmounts
    finally:
        store.close()
    if isinstance(app.fatal_error, StoreDamaged):  # found while running: the same offer as at start
        return offer_fresh_store(store_path, app.fatal_error, reset=reset_damaged_store) or 1
    return app.return_code or 0


FRESH_STORE_QUESTION = "Move it aside and start fresh? Replies still waiting to be sent are kept. [y/N] "


def offer_fresh_store(
    path: Path | str,
    error: Exception,
    *,
    reset: bool = False,
    ask: Callable[[str], str] = input,
    interactive: bool | None = None,
) -> int:
    """Say that the store at `path` is damaged (`error`'s one sentence) and offer to move it aside.

    On a terminal it asks; with `reset` (--reset-damaged-store) it does not; otherwise it says how.
    Returns 0 when a fresh store is in place (the app may open it now), else the exit code (2).
    Nothing may have the store open: close it first.
    """
    from ..store import StoreError, move_aside

    print(f"sakari-tui: {error}", file=sys.stderr)
    if not reset:
        if not (sys.stdin.isatty() if interactive is None else interactive):
            return fail(
                "to move it aside and start fresh, keeping the replies still waiting to be sent, "
                "run: sakari-tui --reset-damaged-store"
            )
        try:
            answer = ask(FRESH_STORE_QUESTION)
        except (EOFError, KeyboardInterrupt):
            print()
            answer = ""
        if answer.strip().lower() not in ("y", "yes"):
            return fail(f"nothing was changed; the damaged store is still at {path}.")
    try:
        salvage = move_aside(path)
    except (OSError, StoreError) as exc:
        detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        return fail(f"could not move the damaged store aside ({detail}).")
    replies = "1 reply" if salvage.replies_kept == 1 else f"{salvage.replies_kept} replies"
    lost = f" ({salvage.replies_lost} could not be read)" if salvage.replies_lost else ""
    print(
        f"sakari-tui: moved the damaged store to {salvage.damaged} and started a fresh one; "
        f"kept {replies} waiting to be sent{lost} and {salvage.drafts_kept} drafts. The inbox syncs again.",
        file=sys.stderr,
    )
    logger().warning(
        "moved a damaged store to %s: kept %d replies (%d lost) and %d drafts",
        salvage.damaged,
        salvage.replies_kept,
        salvage.replies_lost,
        salvage.drafts_kept,
    )
    return 0


def demo_store_path(env: Mapping[str, str] | None = None) -> Path:
    """The demo's local store: started afresh by each demo and left behind, so that
    `sakari-tui --demo unread` can count it while (or after) a demo runs."""
    return data_dir(env) / "demo" / "inbox-demo.sqlite3"


def _claim_demo_store(path: Path):
    """Lock the demo store's folder and clear the last demo's files; None if another demo runs.

    Returns the open lock file (the lock lasts while it stays open). Without POSIX locks
    (Windows) the files are removed if nothing holds them open, else this reports another demo.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = open(path.parent / "demo.lock", "a+")
    try:
        import fcntl

        fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except ImportError:
        pass
    except OSError:  # another demo holds it
        lock.close()
        return None
    try:
        for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            # The simulator's data is new each time: the last demo's cache would not match it.
            leftover.unlink(missing_ok=True)
    except OSError:
        lock.close()
        return None
    return lock


def run_demo(seed: int, warnings: Sequence[str] = ()) -> int:
    import tempfile

    from ..config import SakariSection, Settings
    from ..simulator.server import SimulatorServer

    store_path = demo_store_path()
    lock = _claim_demo_store(store_path)
    with contextlib.ExitStack() as stack:
        if lock is None:
            # Another demo is running and owns the shared store: this one keeps its own, aside.
            store_path = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="sakari-demo-"))) / "demo.sqlite3"
        else:
            stack.callback(lock.close)
        server = stack.enter_context(SimulatorServer(seed=seed, customers=True))
        settings = Settings(sakari=SakariSection(**server.credentials()), senders=demo_senders(server))
        return run_app(settings, store_path, settings_path=None, demo=True, warnings=warnings)


def demo_senders(server) -> list:
    """The demo account's numbers as a team would write them in [[senders]]: each Group's name as
    its label and its id (copied from the Hub), so New conversation can choose the number."""
    from ..config import SenderSetting

    return [
        SenderSetting(number=sender.number, label=sender.group_name, group_id=sender.group_id)
        for sender in server.state.senders
    ]


def account_store_path(account_id: str, env: Mapping[str, str] | None = None) -> Path:
    """The local store of one account: `<data dir>/inbox-<account id>.sqlite3` (safe characters only)."""
    safe_account = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in account_id)
    return data_dir(env) / f"inbox-{safe_account}.sqlite3"


def run_inbox(
    *, strict_perms: bool = False, warnings: list[str] | None = None, reset_damaged_store: bool = False
) -> int:
    from ..config import ConfigError, cleartext_problem, load_settings, permission_problem

    warnings = [] if warnings is None else warnings
    path = config_path()
    # Before loading: a file others can change must not get to run its client_secret_command.
    problem = permission_problem(path)
    if problem and strict_perms:
        logger().error("%s", problem)
        return fail(problem)
    if problem:
        warn(problem, warnings)
    try:
        # A command others could have written is never run, --strict-perms or not: it would run as you.
        settings = load_settings(path, run_secret_command=not problem)
        if problem and settings.sakari.client_secret_command and not settings.sakari.client_secret:
            message = f"{problem}. Until then sakari-tui does not run its client_secret_command."
            logger().error("%s", message)
            return fail(message)
    except ConfigError as exc:
        from ..ui.screens.no_config import NoConfigApp

        NoConfigApp(path, [], error=exc).run()
        return fail(exc.headline)  # and once more below the screen, where it stays in the scrollback
    missing = settings.sakari.missing_credentials
    if missing:
        from ..ui.screens.no_config import NoConfigApp

        NoConfigApp(path, missing).run()
        return 2
    for url in dict.fromkeys((settings.sakari.token_url, settings.sakari.api_url)):
        unencrypted = cleartext_problem(url)
        if unencrypted:
            warn(f"{unencrypted}.", warnings)
    store_path = account_store_path(settings.sakari.account_id or "")
    return run_app(
        settings, store_path, settings_path=path, demo=False, warnings=warnings, reset_damaged_store=reset_damaged_store
    )
