"""Serving the simulator: `SimulatorServer` (background thread, for tests and --demo) and `serve()` (CLI)."""

from __future__ import annotations

import os
import socket
import sys
import threading
import time
from dataclasses import replace
from typing import TextIO

import uvicorn

from .app import create_app
from .config import SimulatorConfig
from .state import SimulatorState


def _bind(host: str, port: int) -> socket.socket:
    """A listening socket; port 0 picks a free one. Raises OSError if the port is taken."""
    family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    # proto must say TCP: asyncio only sets TCP_NODELAY on accepted sockets whose proto is
    # IPPROTO_TCP, and without it Nagle's algorithm adds ~40 ms to every response.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        if os.name != "nt":  # on Windows SO_REUSEADDR would let two servers share a port
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    return sock


def _url_host(host: str) -> str:
    if host in ("0.0.0.0", "::", ""):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


def _uvicorn_config(app: object) -> uvicorn.Config:
    # log_config=None: leave the process's logging alone (tests, the TUI's log file).
    # date_header=False: the app sets Date from the simulator's clock, which may be skewed on purpose.
    return uvicorn.Config(
        app,
        log_config=None,
        log_level="warning",
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=2,
        date_header=False,
    )


class SimulatorServer:
    """The simulator on a loopback socket in a background thread; a context manager.

    `SimulatorServer(seed=3, customers=True)` overrides SimulatorConfig fields directly.
    """

    def __init__(
        self, config: SimulatorConfig | None = None, *, host: str = "127.0.0.1", port: int = 0, **overrides: object
    ) -> None:
        self.config = replace(config or SimulatorConfig(), **overrides)
        self.host = host
        self.port = port
        self.app = create_app(self.config)
        self.state: SimulatorState = self.app.state.sim
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None

    @property
    def base_url(self) -> str:
        """e.g. http://127.0.0.1:54321 (no trailing slash)."""
        return f"http://{_url_host(self.host)}:{self.port}"

    @property
    def token_url(self) -> str:
        """The OAuth2 token endpoint."""
        return self.base_url + "/oauth2/token"

    @property
    def account_id(self) -> str:
        return self.config.account_id

    @property
    def client_id(self) -> str:
        return self.config.client_id

    @property
    def client_secret(self) -> str:
        return self.config.client_secret

    def credentials(self) -> dict[str, str]:
        """What a client needs to talk to this server, named as `SakariClient` and the settings'
        `[sakari]` section name them: ``SakariSection(**server.credentials())``."""
        return {
            "account_id": self.account_id,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "api_url": self.base_url,
            "token_url": self.token_url,
        }

    def start(self, timeout: float = 10.0) -> SimulatorServer:
        """Bind, start serving in a background thread, and return once requests are accepted."""
        if self._thread is not None:
            raise RuntimeError("the simulator server is already running")
        self._socket = _bind(self.host, self.port)
        self.port = self._socket.getsockname()[1]
        self.state.public_base_url = self.base_url
        self._server = uvicorn.Server(_uvicorn_config(self.app))
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [self._socket]},
            name=f"sakari-simulator-{self.port}",
            daemon=True,
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the simulator server did not start")
            time.sleep(0.005)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Shut down gracefully and wait for the server thread to end."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        if self._socket is not None:
            self._socket.close()
            self._socket = None
        self._server = None

    def __enter__(self) -> SimulatorServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def banner(config: SimulatorConfig, base_url: str) -> str:
    """The text `sakari-tui simulator` prints: credentials, URLs and a curl example."""
    token_url = base_url + "/oauth2/token"
    # %-formatting: the JSON's own braces would need doubling in an f-string or str.format.
    body = (
        '{"grant_type":"client_credentials","client_id":"%s","client_secret":"%s"}'  # noqa: UP031
        % (config.client_id, config.client_secret)
    )
    return f"""Sakari API simulator: a local sandbox. No real texts are sent.

  Account ID     {config.account_id}
  Client ID      {config.client_id}      (demo credential)
  Client secret  {config.client_secret}      (demo credential, not a secret)
  API URL        {base_url}
  Token URL      {token_url}
  Admin          {base_url}/_sim

Try it:

  TOKEN=$(curl -s -X POST {token_url} \\
    -H 'Content-Type: application/json' \\
    -d '{body}' \\
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
  curl -s -H "Authorization: Bearer $TOKEN" \\
    '{base_url}/v1/accounts/{config.account_id}/conversations?limit=5'

Serving until Ctrl+C.
"""


def serve(
    host: str = "127.0.0.1",
    port: int = 8765,
    seed: int = 1,
    customers: bool = True,
    out: TextIO = sys.stdout,
    config: SimulatorConfig | None = None,
) -> None:
    """Serve the simulator in the foreground until Ctrl+C. Raises OSError if the port is taken."""
    config = replace(config or SimulatorConfig(), seed=seed, customers=customers)
    sock = _bind(host, port)
    app = create_app(config)
    base_url = f"http://{_url_host(host)}:{sock.getsockname()[1]}"
    app.state.sim.public_base_url = base_url
    print(banner(config, base_url), file=out, flush=True)
    try:
        uvicorn.Server(_uvicorn_config(app)).run(sockets=[sock])
    except KeyboardInterrupt:
        pass  # uvicorn re-raises the Ctrl+C it handled; the shutdown was already clean
    finally:
        sock.close()
    print("Simulator stopped.", file=out, flush=True)
