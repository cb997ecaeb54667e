"""For the MMS kill -9 soak (tests/crash/test_mms_kill9.py): the child process that delivers the
outbox, and what the parent watches the simulator with.

The child is run as `python -m tests.support.mms_crash '<json>'`: it opens the store (owning it,
as the app or `sakari-tui outbox run` does), resumes the outbox, touches its ready file, does the
user's resends it was asked for, then runs `outbox run`'s own round (cli/outbox.py) until nothing
is in flight. It queues nothing itself. Three test knobs, all through public parameters:

* a short reconcile window (`RECONCILE_AT_S`), so a send of unknown fate is settled in seconds;
* short client timeouts, so a commit held by the simulator lands after the client gave up;
* a jitter that always picks the shortest backoff (`ShortestBackoff`): the backoff spaces out
  retries for the server's sake and plays no part in exactly-once, and with it the child's time
  goes into uploads and sends (where the kills should land), not into waiting.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Engine seconds after the first unclear outcome; the whole window (6 s) is well past the
# simulator's longest hold of a write (COMMIT_DELAY_S), so a late commit is found, not given up on.
RECONCILE_AT_S = (0.0, 1.0, 2.0, 4.0, 6.0)
CLIENT_TIMEOUT_S = 1.5  # per network read: shorter than the commit delay, longer than the latencies
CLIENT_DEADLINE_S = 3.0
ROUND_PAUSE_S = 0.05  # between two `outbox run` rounds in the child

UPLOAD = "POST /v1/tools/sharefile"
SEND = "POST /v1/accounts/{accountId}/messages"


class ShortestBackoff(random.Random):
    """Full-jitter backoff that always draws its lower bound (0.5 s after any failure)."""

    def uniform(self, a: float, b: float) -> float:
        return min(a, b)


def kind_of(method: str, path: str) -> str:
    """What a request to the simulator is, for saying where a kill landed."""
    if path == "/v1/tools/sharefile":
        return "upload"
    if method == "POST" and path.endswith("/messages"):
        return "send"
    if path.startswith("/_sim"):
        return "admin"
    if path.startswith("/oauth2"):
        return "token"
    return "read"


class InFlight:
    """ASGI middleware around the simulator counting requests still being handled, including
    those whose client was killed (the simulator finishes them: a held commit still commits)."""

    def __init__(self, app) -> None:
        self.app = app
        self.state = app.state  # SimulatorServer reads `app.state.sim`
        self._lock = threading.Lock()
        self._running: dict[int, tuple[str, float]] = {}
        self._ids = iter(range(1, 1 << 62))
        self._answers: Counter[str] = Counter()

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        kind = kind_of(scope["method"], scope["path"])
        with self._lock:
            key = next(self._ids)
            self._running[key] = (kind, time.time())

        async def answer(message) -> None:
            if message["type"] == "http.response.start" and kind != "admin":
                with self._lock:
                    self._answers[f"{kind} {message['status']}"] += 1
            await send(message)

        try:
            await self.app(scope, receive, answer)
        finally:
            with self._lock:
                del self._running[key]

    def running(self, since: float = 0.0) -> Counter[str]:
        """Requests being handled now that arrived at or after `since` (wall clock), by kind."""
        with self._lock:
            return Counter(kind for kind, started in self._running.values() if started >= since and kind != "admin")

    def answers(self) -> dict[str, int]:
        """Answers started so far by kind and status ("upload 503"), a killed client's too."""
        with self._lock:
            return dict(sorted(self._answers.items()))

    def wait_idle(self, timeout: float) -> bool:
        """Until no API request is being handled (True), or `timeout` seconds (False)."""
        deadline = time.monotonic() + timeout
        while self.running():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.02)
        return True


def child_argv(*, store: Path, server, ready: Path, resend: list[str] = ()) -> list[str]:
    spec = {"store": str(store), "ready": str(ready), "resend": list(resend), **server.credentials()}
    return [sys.executable, "-m", "tests.support.mms_crash", json.dumps(spec)]


async def _deliver(spec: dict) -> int:
    from sakari_tui.api import SakariClient, SakariError
    from sakari_tui.cli.outbox import _round  # `sakari-tui outbox run --once`: one round
    from sakari_tui.store import Store
    from sakari_tui.sync import InboxEngine

    client = SakariClient(
        account_id=spec["account_id"],
        client_id=spec["client_id"],
        client_secret=spec["client_secret"],
        api_url=spec["api_url"],
        token_url=spec["token_url"],
        timeout=CLIENT_TIMEOUT_S,
        deadline=CLIENT_DEADLINE_S,
    )
    store = Store(Path(spec["store"]), exclusive=True)
    engine = InboxEngine(client, store, reconcile_at=RECONCILE_AT_S, rng=ShortestBackoff())
    try:
        engine.resume_outbox()
        Path(spec["ready"]).touch()
        for local_id in spec["resend"]:  # the user looked, did not find it, and chose to send it again
            try:
                await engine.deliver(local_id, resend=True)
            except SakariError as error:
                print(f"resend {local_id}: {error}", file=sys.stderr)
        while engine.in_flight():
            await _round(engine)
            await asyncio.sleep(ROUND_PAUSE_S)
        return 0
    finally:
        await client.aclose()
        store.close()


def main(argv: list[str]) -> int:
    return asyncio.run(_deliver(json.loads(argv[1])))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
