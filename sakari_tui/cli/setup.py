"""`sakari-tui simulator` and `sakari-tui config init|path`: a local sandbox, and the settings file."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..paths import config_path
from .output import fail

if TYPE_CHECKING:
    from ..config import SakariSection


def run_simulator(args: argparse.Namespace) -> int:
    from ..simulator.server import serve

    try:
        serve(host=args.host, port=args.port, seed=args.seed, customers=not args.no_customers)
    except OSError as exc:
        return fail(listen_problem(args.host, args.port, exc))
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


async def check_credentials(sakari: SakariSection) -> None:
    """Raise SakariError unless the API accepts these credentials for this account."""
    async with sakari.make_client() as client:
        await client.fetch_all_conversations(limit=1)


def run_config_init(ask: Callable[[str], str] = input, ask_secret: Callable[[str], str] | None = None) -> int:
    import asyncio

    from ..api import SakariError
    from ..config import ConfigError, load_settings, secret_from_command, write_config_file

    if ask_secret is None:
        import getpass

        ask_secret = getpass.getpass

    path = config_path()
    try:
        settings = load_settings(path, run_secret_command=False)  # run below, only if it is the source
        command = None if settings.sakari.client_secret else settings.sakari.client_secret_command
        from_command = secret_from_command(command, path) if command else None
    except ConfigError as exc:
        return fail(str(exc))
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
        return fail("cancelled; nothing was written.")
    if not (account_id and client_id and client_secret):
        return fail("all three values are needed; nothing was written.")
    sakari = settings.sakari.model_copy(
        update={"account_id": account_id, "client_id": client_id, "client_secret": client_secret}
    )
    print(f"Checking them against {sakari.api_url} …")
    try:
        asyncio.run(check_credentials(sakari))
    except SakariError as error:
        return fail(f"{error} Nothing was written.")
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


def run_config_path() -> int:
    print(config_path())
    return 0
