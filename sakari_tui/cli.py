"""The `sakari-tui` command: the inbox, `--demo`, and the `simulator` and `config` subcommands."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import __version__
from .config import ConfigError, Settings, load_settings
from .paths import config_path

NO_CONFIG_HELP = """\
sakari-tui needs your Sakari API credentials, and found none.

  Settings file: {path}
  Missing:       {missing}

Put them in that file:

  [sakari]
  account_id = "..."
  client_id = "..."
  client_secret = "..."

or set SAKARI_ACCOUNT_ID, SAKARI_CLIENT_ID and SAKARI_CLIENT_SECRET. Find them in the Sakari Hub
under Settings > Account Settings > API.

To try sakari-tui without an account, run:  sakari-tui --demo
"""


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

    config = commands.add_parser("config", help="settings file commands")
    config_commands = config.add_subparsers(dest="config_command", metavar="SUBCOMMAND", required=True)
    config_commands.add_parser("path", help="print where the settings file is")
    return parser


def _fail(message: str) -> int:
    print(f"sakari-tui: {message}", file=sys.stderr)
    return 2


def run_simulator(args: argparse.Namespace) -> int:
    from .simulator.server import serve

    try:
        serve(host=args.host, port=args.port, seed=args.seed, customers=not args.no_customers)
    except OSError as exc:
        return _fail(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}.")
    return 0


def run_demo(seed: int) -> int:
    from .api import SakariClient
    from .config import SakariSection
    from .simulator.server import SimulatorServer
    from .ui.app import make_app

    with SimulatorServer(seed=seed, customers=True) as server:
        settings = Settings(
            sakari=SakariSection(
                account_id=server.account_id,
                client_id=server.client_id,
                client_secret=server.client_secret,
                api_url=server.base_url,
                token_url=server.token_url,
            )
        )
        client = SakariClient(
            account_id=server.account_id,
            client_id=server.client_id,
            client_secret=server.client_secret,
            api_url=server.base_url,
            token_url=server.token_url,
        )
        make_app(settings, client, demo=True).run()
    return 0


def run_inbox() -> int:
    from .api import SakariClient
    from .ui.app import make_app

    try:
        settings = load_settings()
    except ConfigError as exc:
        return _fail(str(exc))
    missing = settings.sakari.missing_credentials
    if missing:
        print(NO_CONFIG_HELP.format(path=config_path(), missing=", ".join(missing)), file=sys.stderr)
        return 2
    sakari = settings.sakari
    client = SakariClient(
        account_id=sakari.account_id or "",
        client_id=sakari.client_id or "",
        client_secret=sakari.client_secret or "",
        api_url=sakari.api_url,
        token_url=sakari.token_url,
    )
    make_app(settings, client).run()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "simulator":
        return run_simulator(args)
    if args.command == "config":
        print(config_path())
        return 0
    if args.demo:
        return run_demo(args.seed)
    return run_inbox()


if __name__ == "__main__":
    sys.exit(main())
