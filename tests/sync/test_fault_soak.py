"""200 replies through every fault the simulator and the network can throw: none lost, none doubled.

Faults: connect errors (a flaky transport in front of the real one), 5xx before commit, 500 after
commit, connections dropped after commit, 429 rate limiting, latency, and token expiry. Each reply
must end sent exactly once, or failed (or unknown after every look) with a reason and absent from the server, and the outbox
must agree with the server. A reply whose fate stays unknown is never resent by itself.
"""

from __future__ import annotations

import random
import time

import httpx

from sakari_tui.api import RetryPolicy, SakariClient
from sakari_tui.simulator import ManualClock, SimulatorServer
from sakari_tui.store import SendState, Store
from sakari_tui.sync import InboxEngine

REPLIES = 200


class FlakyTransport(httpx.AsyncBaseTransport):
    """Refuses a share of connections before anything is sent, like a network blip."""

    def __init__(self, rate: float, rng: random.Random) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.rate = rate
        self.rng = rng
        self.refused = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.rng.random() < self.rate:
            self.refused += 1
            raise httpx.ConnectError("simulated connection refused")
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


async def test_two_hundred_replies_under_faults_are_never_lost_or_doubled(tmp_path):
    rng = random.Random(20261130)
    sim_clock = ManualClock(start=time.time())
    faults = {"error_rate": 0.08, "error_after_commit_rate": 0.08, "drop_after_commit_rate": 0.08, "latency": 0.002}
    with SimulatorServer(seed=3, clock=sim_clock, customers=False, token_ttl=30.0) as server:
        flaky = FlakyTransport(0.08, rng)
        client = SakariClient(
            account_id=server.account_id,
            client_id=server.client_id,
            client_secret=server.client_secret,
            api_url=server.base_url,
            token_url=server.token_url,
            transport=flaky,
            clock=sim_clock.now,
            # Retry reads fast; a 429 goes straight back (its Retry-After is in simulated seconds).
            read_retry=RetryPolicy(base=0.001, cap=0.005, retry_after_cap=0.0, rng=random.Random(1)),
        )
        store = Store(tmp_path / "soak.sqlite3")
        engine_now = [1000.0]
        engine = InboxEngine(
            client, store, reconcile_at=(0.0, 60.0, 120.0), clock=lambda: engine_now[0], rng=random.Random(2)
        )
        server.state.set_faults(error_rate=0.0)
        await engine.sync_conversations()
        targets = [r.id for r in store.inbox.rows() if not r.opted_out and not r.closed][:12]
        server.state.set_faults(**faults)
        server.state.set_rate_limit(40.0, burst=8)

        texts: list[str] = []
        for i in range(REPLIES):
            # Every tenth reply is the same short text, to prove identical replies are told apart.
            text = "OK" if i % 10 == 0 else f"reply {i}: {rng.choice(['thanks!', 'on its way', 'see you 🙂'])}"
            texts.append(text)
            entry = engine.queue_reply(targets[i % len(targets)], text)
            await engine.deliver(entry.local_id)
            sim_clock.advance(0.3)  # the rate limiter refills on the simulator's clock
            if i % 25 == 0:
                sim_clock.advance(31.0)  # every token issued so far has expired
            if i % 7 == 0:
                engine_now[0] += 70.0  # let queued retries come due
                await engine.retry_due()

        # The network heals: everything still pending must settle by itself.
        server.state.set_faults(error_rate=0.0, error_after_commit_rate=0.0, drop_after_commit_rate=0.0, latency=0.0)
        server.state.set_rate_limit(None)
        flaky.rate = 0.0
        for _ in range(20):
            if all(e.state is SendState.FAILED or engine.gave_up(e) for e in store.outbox.all()):
                break
            sim_clock.advance(5.0)
            engine_now[0] += 120.0
            await engine.retry_due()

        left = store.outbox.all()
        # Refused, or of unknown fate after every look (a 5xx may or may not have been processed):
        # never resent by itself, and left for the user to see.
        assert all((e.state is SendState.FAILED or engine.gave_up(e)) and e.error for e in left), [
            (e.state, e.error) for e in left
        ]
        failed_texts = [e.text for e in left]

        on_server = [
            m.text
            for m in server.state.messages.values()
            if m.outgoing and m.conversation_id in targets or m.outgoing and m.text in texts
        ]
        for text in set(texts):
            expected = texts.count(text) - failed_texts.count(text)
            assert on_server.count(text) == expected, (
                f"{text!r}: {on_server.count(text)} on the server, {expected} expected"
            )

        counts = server.state.request_counts()
        sends = counts.get("POST /v1/accounts/{accountId}/messages", 0)
        assert sends + flaky.refused > REPLIES  # faults really happened and forced retries...
        assert flaky.refused > 0 and counts.get("POST /oauth2/token", 0) > 5
        print(
            f"replies={REPLIES} failed={len(left)} send_requests={sends} refused_connects={flaky.refused} "
            f"token_requests={counts.get('POST /oauth2/token', 0)}"
        )
        await client.aclose()
        store.close()
