"""Run the real app against a simulator seeded with the hostile corpus (driven by test_pty.py).

    python -m tests.security.pty_launcher DATA_DIR

Starts a `SimulatorServer` holding only the corpus (contacts named with payloads, inbound texts
and media carrying payloads, templates), then runs the app built by `make_app` with a real
SQLite `Store` in DATA_DIR and the poller on, so the first sync happens inside the app exactly
as in use. Exits with the app's return code.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from sakari_tui.simulator.server import SimulatorServer
from sakari_tui.store import Store
from sakari_tui.sync import InboxEngine
from sakari_tui.ui.app import make_app

from ..support.factories import settings_for
from .seed import seed


def main(data_dir: Path) -> int:
    data_dir.mkdir(parents=True, exist_ok=True)
    with SimulatorServer(seed=1, customers=False, demo_data=False) as server:
        asyncio.run(seed(server))
        settings = settings_for(server)
        store = Store(data_dir / "inbox.sqlite3")
        try:
            # The client is made here but first used inside the app's event loop.
            app = make_app(settings, InboxEngine(settings.sakari.make_client(), store), poll=True)
            app.run()
        finally:
            store.close()
    return app.return_code or 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
