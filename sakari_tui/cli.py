"""The `sakari-tui` command: the inbox, `--demo`, and the `simulator`, `config` and `unread` subcommands.

Heavy modules (settings models, the API client, the app) are imported where they are used:
`sakari-tui unread` runs in a status bar every few seconds and must start in milliseconds.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .paths import config_path, data_dir, log_file

if TYPE_CHECKING:
    from .config import SakariSection, Settings


def _log():
    import logging  # not at the top: `unread` has no use for logging's import time

    return logging.getLogger(__name__)


def port_number(text: str) -> int:
    """argparse type for a TCP port: 0 to 65535 (0 lets the system pick a free one)."""
    port = int(text) if text.isdigit() else -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number; use 0 to 65535 (0 picks a free one)")
    return port


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sakari-tui",
        description="A terminal inbox for the Sakari SMS platform.",
        epilog="Run 'sakari-tui --demo' to try it against a built-in simulator, with no account and no network.",
    )
    parser.add_argument("--version", action="version", version=f"sakari-tui {__version__}")
    parser.add_argument("--demo", action="store_true", help="run against the built-in Sakari simulator")
    parser.add_argument("--seed", type=int, default=1, help="demo data seed (with --demo; default 1)")
    parser.add_argument("--debug", action="store_true", help="write detailed records to the log file")
    parser.add_argument(
        "--strict-perms", action="store_true",
        help="refuse to start if other users can read the client secret in the settings file, "
        "or change the file or its folder",
    )
    parser.add_argument(
        "--reset-damaged-store", action="store_true",
        help="if the local store is damaged, move it aside and start a fresh one (keeping unsent replies), without asking",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    simulator = commands.add_parser(
        "simulator", help="serve the Sakari API simulator (a local sandbox)",
        description="Serve the Sakari API simulator on a loopback address until Ctrl+C.",
    )
    simulator.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    simulator.add_argument("--port", type=port_number, default=8765, help="port (default 8765; 0 picks a free one)")
    simulator.add_argument("--seed", type=int, default=1, help="demo data seed (default 1)")
    simulator.add_argument("--no-customers", action="store_true", help="no simulated customer replies")

    config = commands.add_parser("config", help="create or locate the settings file")
    config_commands = config.add_subparsers(dest="config_command", metavar="SUBCOMMAND", required=True)
    config_commands.add_parser("path", help="print where the settings file is")
    config_commands.add_parser("init", help="ask for the credentials, check them, and write the settings file")

    unread = commands.add_parser(
        "unread", help="print how many conversations are unread (for a status bar or prompt)",
        description=(
            "Print the number of open, unmuted conversations with unread texts, from the local inbox "
            "(as of the app's last sync; no network). Exits 1 when there is no local inbox to read."
        ),
    )
    unread.add_argument(
        "--format", dest="template", default="{unread}", metavar="TEMPLATE",
        help="what to print, with {unread} and {total} (open conversations), e.g. '✉ {unread}'; default '{unread}'",
    )
    return parser


def _fail(message: str) -> int:
    print(f"sakari-tui: {message}", file=sys.stderr)
    return 2


def _warn(message: str, warnings: list[str]) -> None:
    """Print now (visible above the TUI once it exits), log it, and keep it for the app to show."""
    print(f"sakari-tui: warning: {message}", file=sys.stderr)
    _log().warning("%s", message)
    warnings.append(message)


# --- simulator -------------------------------------------------------------------------------


def run_simulator(args: argparse.Namespace) -> int:
    from .simulator.server import serve

    try:
        serve(host=args.host, port=args.port, seed=args.seed, customers=not args.no_customers)
    except OSError as exc:
        return _fail(listen_problem(args.host, args.port, exc))
    except KeyboardInterrupt:
        pass
    return 0


def listen_problem(host: str, port: int, exc: OSError) -> str:
    """One sentence for a socket that could not listen on `host`:`port`."""
    import errno
    import socket

    if isinstance(exc, socket.gaierror) or exc.errno == errno.EADDRNOTAVAIL:
        return f"{host} is not an address of this machine; use 127.0.0.1 (the default) or one of its own."
    if exc.errno == errno.EADDRINUSE:
        return (
            f"port {port} on {host} is already in use; stop the program using it, "
            "or choose another --port (0 picks a free one)."
        )
    if exc.errno in (errno.EACCES, errno.EPERM):
        if 0 < port < 1024:
            return f"port {port} needs administrator rights; choose a port above 1023 with --port (0 picks a free one)."
        return f"listening on {host}:{port} is not allowed here (permission denied); choose another --port."
    return f"cannot listen on {host}:{port} ({exc.strerror or exc}); choose another --host or --port."


# --- config ----------------------------------------------------------------------------------


async def check_credentials(sakari: SakariSection) -> None:
    """Raise SakariError unless the API accepts these credentials for this account."""
    async with sakari.make_client() as client:
        await client.fetch_all_conversations(limit=1)


def run_config_init(ask: Callable[[str], str] = input, ask_secret: Callable[[str], str] | None = None) -> int:
    import asyncio

    from .api import SakariError
    from .config import ConfigError, load_settings, secret_from_command, write_config_file

    if ask_secret is None:
        import getpass

        ask_secret = getpass.getpass

    path = config_path()
    try:
        settings = load_settings(path, run_secret_command=False)  # run below, only if it is the source
        command = None if settings.sakari.client_secret else settings.sakari.client_secret_command
        from_command = secret_from_command(command, path) if command else None
    except ConfigError as exc:
        return _fail(str(exc))
    print(f"Creating {path}")
    print("Find the values in the Sakari Hub: Settings › Account Settings › API.")
    try:
        account_id = ask("Account id: ").strip()
        client_id = ask("Client id: ").strip()
        if from_command:
            print("Client secret: from client_secret_command (it stays out of the file).")
            client_secret = from_command
        else:
            client_secret = ask_secret("Client secret (not shown): ").strip()
    except (EOFError, KeyboardInterrupt):
        print()
        return _fail("cancelled; nothing was written.")
    if not (account_id and client_id and client_secret):
        return _fail("all three values are needed; nothing was written.")
    sakari = settings.sakari.model_copy(
        update={"account_id": account_id, "client_id": client_id, "client_secret": client_secret}
    )
    print(f"Checking them against {sakari.api_url} …")
    try:
        asyncio.run(check_credentials(sakari))
    except SakariError as error:
        return _fail(f"{error} Nothing was written.")
    data: dict = {}
    if path.exists():
        import tomllib

        data = tomllib.loads(path.read_text(encoding="utf-8"))
    section = data.setdefault("sakari", {})
    section.update(account_id=account_id, client_id=client_id)
    if not from_command:
        section["client_secret"] = client_secret
    write_config_file(path, data)
    print(f"Saved to {path}; the file is private (mode 0600, readable only by you). Start the inbox with: sakari-tui")
    return 0


# --- the inbox -------------------------------------------------------------------------------


def run_app(
    settings: Settings,
    store_path: Path | str,
    *,
    settings_path: Path | None,
    demo: bool,
    warnings: Sequence[str] = (),
    reset_damaged_store: bool = False,
) -> int:
    from .store import Store, StoreDamaged, StoreError
    from .sync import InboxEngine
    from .ui.app import make_app

    try:
        try:
            # Exclusive: this process owns the outbox; a second inbox on the same store is refused.
            store = Store(store_path, exclusive=True)
        except StoreDamaged as damaged:
            code = offer_fresh_store(store_path, damaged, reset=reset_damaged_store)
            if code:
                return code
            store = Store(store_path, exclusive=True)
    except StoreError as exc:
        return _fail(str(exc))
    engine = InboxEngine(settings.sakari.make_client(), store)
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
    from .store import StoreError, move_aside

    print(f"sakari-tui: {error}", file=sys.stderr)
    if not reset:
        if not (sys.stdin.isatty() if interactive is None else interactive):
            return _fail(
                "to move it aside and start fresh, keeping the replies still waiting to be sent, "
                "run: sakari-tui --reset-damaged-store"
            )
        try:
            answer = ask(FRESH_STORE_QUESTION)
        except (EOFError, KeyboardInterrupt):
            print()
            answer = ""
        if answer.strip().lower() not in ("y", "yes"):
            return _fail(f"nothing was changed; the damaged store is still at {path}.")
    try:
        salvage = move_aside(path)
    except (OSError, StoreError) as exc:
        detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        return _fail(f"could not move the damaged store aside ({detail}).")
    replies = "1 reply" if salvage.replies_kept == 1 else f"{salvage.replies_kept} replies"
    lost = f" ({salvage.replies_lost} could not be read)" if salvage.replies_lost else ""
    print(
        f"sakari-tui: moved the damaged store to {salvage.damaged} and started a fresh one; "
        f"kept {replies} waiting to be sent{lost} and {salvage.drafts_kept} drafts. The inbox syncs again.",
        file=sys.stderr,
    )
    _log().warning("moved a damaged store to %s: kept %d replies (%d lost) and %d drafts",
                   salvage.damaged, salvage.replies_kept, salvage.replies_lost, salvage.drafts_kept)
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

    from .config import SakariSection, Settings
    from .simulator.server import SimulatorServer

    store_path = demo_store_path()
    lock = _claim_demo_store(store_path)
    with contextlib.ExitStack() as stack:
        if lock is None:
            # Another demo is running and owns the shared store: this one keeps its own, aside.
            store_path = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="sakari-demo-"))) / "demo.sqlite3"
        else:
            stack.callback(lock.close)
        server = stack.enter_context(SimulatorServer(seed=seed, customers=True))
        settings = Settings(
            sakari=SakariSection(
                account_id=server.account_id,
                client_id=server.client_id,
                client_secret=server.client_secret,
                api_url=server.base_url,
                token_url=server.token_url,
            )
        )
        return run_app(settings, store_path, settings_path=None, demo=True, warnings=warnings)


def account_store_path(account_id: str, env: Mapping[str, str] | None = None) -> Path:
    """The local store of one account: `<data dir>/inbox-<account id>.sqlite3` (safe characters only)."""
    safe_account = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in account_id)
    return data_dir(env) / f"inbox-{safe_account}.sqlite3"


def run_inbox(
    *, strict_perms: bool = False, warnings: list[str] | None = None, reset_damaged_store: bool = False
) -> int:
    from .config import ConfigError, load_settings, permission_problem
    from .ui.screens.no_config import NoConfigApp

    warnings = [] if warnings is None else warnings
    path = config_path()
    # Before loading: a file others can change must not get to run its client_secret_command.
    problem = permission_problem(path)
    if problem and strict_perms:
        _log().error("%s", problem)
        return _fail(problem)
    if problem:
        _warn(problem, warnings)
    try:
        # A command others could have written is never run, --strict-perms or not: it would run as you.
        settings = load_settings(path, run_secret_command=not problem)
        if problem and settings.sakari.client_secret_command and not settings.sakari.client_secret:
            message = f"{problem}. Until then sakari-tui does not run its client_secret_command."
            _log().error("%s", message)
            return _fail(message)
    except ConfigError as exc:
        NoConfigApp(path, [], problem=str(exc)).run()
        return 2
    missing = settings.sakari.missing_credentials
    if missing:
        NoConfigApp(path, missing).run()
        return 2
    store_path = account_store_path(settings.sakari.account_id or "")
    return run_app(settings, store_path, settings_path=path, demo=False, warnings=warnings,
                   reset_damaged_store=reset_damaged_store)


# --- unread --------------------------------------------------------------------------------
# Only light modules here (sqlite3, tomllib): see the module docstring.

UNREAD_FIELDS = ("unread", "total")
UNREAD_BUSY_TIMEOUT_S = 1.0
_PLAIN_SPEC = re.compile(r"(.?[<>^=])?0?\d{0,3}")


def _unread_template_problem(template: str) -> str | None:
    import string

    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        return f"--format {template!r} is not a valid template ({exc}); use {{unread}} and {{total}}, and {{{{ }}}} for braces."
    for _, field, spec, conversion in parsed:
        if field is None:
            continue
        # A spec may pad or align ('{unread:>3}'), not pick a type: '{unread:c}' would print chr(n).
        if field not in UNREAD_FIELDS or conversion or not _PLAIN_SPEC.fullmatch(spec or ""):
            shown = "{" + field + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            return f"--format may only use {{unread}} and {{total}}, not {shown}."
    try:
        template.format(unread=0, total=0)
    except ValueError as exc:
        return f"--format {template!r} is not a valid template ({exc})."
    return None


def _unread_account_id(env: Mapping[str, str]) -> tuple[str | None, str | None]:
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


def _unread_error(path: Path, exc: Exception) -> str:
    import sqlite3

    name = getattr(exc, "sqlite_errorname", "")
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return f"The local inbox {path} is busy ({exc}); try again in a moment."
    if name.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")):
        return f"The local inbox {path} is damaged ({exc}); move it aside and start sakari-tui to sync a new one."
    if isinstance(exc, sqlite3.OperationalError) and "no such" in str(exc):
        return f"The local inbox {path} is not ready ({exc}); start sakari-tui once to update it."
    return f"Cannot read the local inbox {path} ({exc})."


def run_unread(template: str = "{unread}", env: Mapping[str, str] | None = None, *, demo: bool = False) -> int:
    """Print the unread count from the local store, read-only (no migrations, no network)."""
    import sqlite3

    from .store.unread import unread_counts

    env = os.environ if env is None else env
    problem = _unread_template_problem(template)
    if problem:
        return _fail(problem)
    if demo:
        path = demo_store_path(env)
        if not path.is_file():
            print(f"sakari-tui: No demo inbox yet ({path}); start one with: sakari-tui --demo", file=sys.stderr)
            return 1
    else:
        account_id, problem = _unread_account_id(env)
        if account_id is None:
            print(f"sakari-tui: {problem}", file=sys.stderr)
            return 1
        path = account_store_path(account_id, env)
        if not path.is_file():
            print(f"sakari-tui: No local inbox yet for account {account_id} ({path}); run sakari-tui once.", file=sys.stderr)
            return 1
    try:
        # mode=ro: never create, migrate or write; the app may be running and owns the file.
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=UNREAD_BUSY_TIMEOUT_S)
        try:
            counts = unread_counts(db)
        finally:
            db.close()
    except sqlite3.Error as exc:
        print(f"sakari-tui: {_unread_error(path, exc)}", file=sys.stderr)
        return 1
    print(template.format(unread=counts.unread, total=counts.total))
    return 0


def _start_logging(debug: bool, warnings: list[str]) -> None:
    from .logs import setup_logging, silence_logging

    try:
        path = setup_logging(debug=debug)
    except OSError as exc:
        silence_logging()
        _warn(f"cannot write the log file {log_file()} ({exc.strerror or exc}); continuing without it.", warnings)
        return
    _log().info("sakari-tui %s starting (log level %s)", __version__, "DEBUG" if debug else "INFO")
    if debug:
        print(f"sakari-tui: debug log in {path}", file=sys.stderr)


def _stopped(exc: Exception) -> int:
    """Log an unexpected error with its traceback and tell the user in one sentence (without its text)."""
    from .logs import crash_summary, logging_to_file, setup_logging, silence_logging

    if not logging_to_file():
        try:
            setup_logging()
        except OSError:
            silence_logging()  # else Python's last-resort handler would print the traceback
    _log().error("sakari-tui stopped unexpectedly", exc_info=exc)
    print(crash_summary(exc), file=sys.stderr)
    return 1


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "simulator":
        return run_simulator(args)
    if args.command == "unread":
        return run_unread(args.template, demo=args.demo)
    if args.command == "config":
        if args.config_command == "init":
            return run_config_init()
        print(config_path())
        return 0
    warnings: list[str] = []
    _start_logging(args.debug, warnings)
    if args.demo:
        return run_demo(args.seed, warnings)
    return run_inbox(strict_perms=args.strict_perms, warnings=warnings, reset_damaged_store=args.reset_damaged_store)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _dispatch(args)
    except Exception as exc:  # SystemExit and KeyboardInterrupt are not Exceptions: they pass through
        return _stopped(exc)


if __name__ == "__main__":
    sys.exit(main())
