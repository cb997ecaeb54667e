"""The `sakari-tui` command: the inbox, `--demo`, and the `simulator` and `config` subcommands."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from . import __version__
from .config import ConfigError, SakariSection, Settings, load_settings, write_config_file
from .paths import config_path, data_dir


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sakari-tui",
        description="A terminal inbox for the Sakari SMS platform.",
        epilog="Run 'sakari-tui --demo' to try it against a built-in simulator, with no account and no network.",
    )
    parser.add_argument("--version", action="version", version=f"sakari-tui {__version__}")
    parser.add_argument("--demo", action="store_true", help="run against the built-in Sakari simulator")
    parser.add_argument("--seed", type=int, default=1, help="demo data seed (with --demo; default 1)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    simulator = commands.add_parser(
        "simulator", help="serve the Sakari API simulator (a local sandbox)",
        description="Serve the Sakari API simulator on a loopback address until Ctrl+C.",
    )
    simulator.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    simulator.add_argument("--port", type=int, default=8765, help="port (default 8765; 0 picks a free one)")
    simulator.add_argument("--seed", type=int, default=1, help="demo data seed (default 1)")
    simulator.add_argument("--no-customers", action="store_true", help="no simulated customer replies")

    config = commands.add_parser("config", help="create or locate the settings file")
    config_commands = config.add_subparsers(dest="config_command", metavar="SUBCOMMAND", required=True)
    config_commands.add_parser("path", help="print where the settings file is")
    config_commands.add_parser("init", help="ask for the credentials, check them, and write the settings file")
    return parser


def _fail(message: str) -> int:
    print(f"sakari-tui: {message}", file=sys.stderr)
    return 2


# --- simulator -------------------------------------------------------------------------------


def run_simulator(args: argparse.Namespace) -> int:
    from .simulator.server import serve

    try:
        serve(host=args.host, port=args.port, seed=args.seed, customers=not args.no_customers)
    except OSError as exc:
        return _fail(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}.")
    except KeyboardInterrupt:
        pass
    return 0


# --- config ----------------------------------------------------------------------------------


async def check_credentials(sakari: SakariSection) -> None:
    """Raise SakariError unless the API accepts these credentials for this account."""
    async with sakari.make_client() as client:
        await client.fetch_all_conversations(limit=1)


def run_config_init(ask: Callable[[str], str] = input, ask_secret: Callable[[str], str] = getpass.getpass) -> int:
    from .api import SakariError

    path = config_path()
    try:
        settings = load_settings(path)
    except ConfigError as exc:
        return _fail(str(exc))
    print(f"Creating {path}")
    print("Find the values in the Sakari Hub: Settings › Account Settings › API.")
    try:
        account_id = ask("Account id: ").strip()
        client_id = ask("Client id: ").strip()
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
    section.update(account_id=account_id, client_id=client_id, client_secret=client_secret)
    write_config_file(path, data)
    print(f"Saved to {path} (readable only by you). Start the inbox with: sakari-tui")
    return 0


# --- the inbox -------------------------------------------------------------------------------


def run_app(settings: Settings, store_path: Path | str, *, settings_path: Path | None, demo: bool) -> int:
    from .store import Store, StoreError
    from .sync import InboxEngine
    from .ui.app import make_app

    try:
        store = Store(store_path)
    except StoreError as exc:
        return _fail(str(exc))
    engine = InboxEngine(settings.sakari.make_client(), store)
    app = make_app(settings, engine, settings_path=settings_path, demo=demo)
    try:
        app.run()  # the app closes the client on its own event loop when it unmounts
    finally:
        store.close()
    return app.return_code or 0


def run_demo(seed: int) -> int:
    from .simulator.server import SimulatorServer

    with SimulatorServer(seed=seed, customers=True) as server, tempfile.TemporaryDirectory(prefix="sakari-demo-") as tmp:
        settings = Settings(
            sakari=SakariSection(
                account_id=server.account_id,
                client_id=server.client_id,
                client_secret=server.client_secret,
                api_url=server.base_url,
                token_url=server.token_url,
            )
        )
        return run_app(settings, Path(tmp) / "demo.sqlite3", settings_path=None, demo=True)


def run_inbox() -> int:
    from .ui.screens.no_config import NoConfigApp

    path = config_path()
    try:
        settings = load_settings(path)
    except ConfigError as exc:
        NoConfigApp(path, [], problem=str(exc)).run()
        return 2
    missing = settings.sakari.missing_credentials
    if missing:
        NoConfigApp(path, missing).run()
        return 2
    safe_account = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in settings.sakari.account_id or "")
    return run_app(settings, data_dir() / f"inbox-{safe_account}.sqlite3", settings_path=path, demo=False)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "simulator":
        return run_simulator(args)
    if args.command == "config":
        if args.config_command == "init":
            return run_config_init()
        print(config_path())
        return 0
    if args.demo:
        return run_demo(args.seed)
    return run_inbox()


if __name__ == "__main__":
    sys.exit(main())
