"""`sakari-tui simulator` and `sakari-tui config init|path`: a local sandbox, and the settings file."""

from __future__ import annotations

import argparse

from ..paths import config_path
from .config_init import run_config_init
from .output import fail

__all__ = ["listen_problem", "run_config_init", "run_config_path", "run_simulator"]


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


def run_config_path() -> int:
    print(config_path())
    return 0
